// Round trips through the HDF5 wrapper: every numeric type, strings, attributes, extendible
// datasets, dimension scales, and the error messages (file, object, HDF5 stack; no stderr noise).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "dipsim/core/error.hpp"
#include "dipsim/io/hdf5.hpp"

namespace h5 = dipsim::io::h5;
namespace fs = std::filesystem;
using dipsim::core::Error;
using dipsim::core::ErrorKind;
using ::testing::HasSubstr;

namespace {

/// A fresh folder under the system temp dir, removed afterwards.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() /
            ("dipsim_test_hdf5_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) +
             "_" + (info != nullptr ? info->name() : "x"));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

template <class T>
class Hdf5NumberRoundTrip : public ::testing::Test {};

using NumberTypes = ::testing::Types<std::int8_t, std::uint8_t, std::uint16_t, std::int32_t,
                                     std::uint32_t, std::int64_t, std::uint64_t, float, double>;
TYPED_TEST_SUITE(Hdf5NumberRoundTrip, NumberTypes);

TYPED_TEST(Hdf5NumberRoundTrip, WholeArraysKeepValuesAndShape) {
  using T = TypeParam;
  TempDir dir;
  const fs::path file_path = dir.path() / "numbers.h5";
  const std::vector<T> flat{std::numeric_limits<T>::lowest(), T{0}, T{1},
                            std::numeric_limits<T>::max(),    T{7}, T{42}};
  const std::vector<hsize_t> shape{2, 3};
  {
    h5::File file = h5::create_file(file_path, h5::CreateMode::kFailIfExists);
    h5::write_array<T>(file, "plain/one_d", flat);
    h5::write_array<T>(file, "plain/two_d", flat, shape);
    h5::DatasetOptions compressed;
    compressed.compress = true;
    compressed.chunk = {1, 3};
    h5::write_array<T>(file, "packed/two_d", flat, shape, compressed);
    h5::close_file(file);
  }
  h5::File file = h5::open_file(file_path, false);
  EXPECT_EQ(h5::read_array<T>(h5::open_dataset(file, "plain/one_d")), flat);
  const h5::Dataset two_d = h5::open_dataset(file, "plain/two_d");
  EXPECT_EQ(h5::read_array<T>(two_d), flat);
  EXPECT_EQ(h5::dataset_shape(two_d), shape);
  const h5::Dataset packed = h5::open_dataset(file, "packed/two_d");
  EXPECT_EQ(h5::read_array<T>(packed), flat);
  const h5::PropertyList dcpl(H5Dget_create_plist(packed.id()));
  EXPECT_EQ(H5Pget_nfilters(dcpl.id()), 2) << "shuffle and deflate";
  // The stored type is the little-endian standard type of T.
  const h5::Datatype stored(H5Dget_type(two_d.id()));
  EXPECT_GT(H5Tequal(stored.id(), h5::file_type<T>()), 0);
}

TEST(Hdf5, StringsRoundTripAsVariableLengthUtf8) {
  TempDir dir;
  const fs::path file_path = dir.path() / "strings.h5";
  const std::vector<std::string> names{"France", "Türkiye", "", "中国", "a much longer name"};
  {
    h5::File file = h5::create_file(file_path, h5::CreateMode::kTruncate);
    h5::write_strings(file, "names", names);
    h5::write_strings(file, "empty", std::vector<std::string>{});
  }
  const h5::File file = h5::open_file(file_path, false);
  const h5::Dataset data = h5::open_dataset(file, "names");
  EXPECT_EQ(h5::read_strings(data), names);
  EXPECT_TRUE(h5::read_strings(h5::open_dataset(file, "empty")).empty());
  const h5::Datatype type(H5Dget_type(data.id()));
  EXPECT_GT(H5Tis_variable_str(type.id()), 0);
  EXPECT_EQ(H5Tget_cset(type.id()), H5T_CSET_UTF8);
}

TEST(Hdf5, ReadsFixedLengthStringsWrittenByOtherTools) {
  TempDir dir;
  const fs::path file_path = dir.path() / "fixed.h5";
  {
    h5::File file = h5::create_file(file_path, h5::CreateMode::kTruncate);
    const h5::Datatype type(H5Tcopy(H5T_C_S1));
    ASSERT_GE(H5Tset_size(type.id(), 4), 0);
    ASSERT_GE(H5Tset_strpad(type.id(), H5T_STR_NULLPAD), 0);
    const hsize_t n = 2;
    const h5::Dataspace space(H5Screate_simple(1, &n, nullptr));
    const h5::Dataset data(H5Dcreate2(file.id(), "fixed", type.id(), space.id(), H5P_DEFAULT,
                                      H5P_DEFAULT, H5P_DEFAULT));
    const char buffer[8] = {'a', 'b', '\0', '\0', 'w', 'x', 'y', 'z'};
    ASSERT_GE(H5Dwrite(data.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer), 0);
  }
  const h5::File file = h5::open_file(file_path, false);
  EXPECT_EQ(h5::read_strings(h5::open_dataset(file, "fixed")),
            (std::vector<std::string>{"ab", "wxyz"}));
}

TEST(Hdf5, AttributesRoundTripAndOverwriteInPlace) {
  TempDir dir;
  const fs::path file_path = dir.path() / "attributes.h5";
  {
    h5::File file = h5::create_file(file_path, h5::CreateMode::kTruncate);
    const h5::Group group = h5::create_group(file, "g");
    h5::write_attribute(file, "status", "running");
    h5::write_attribute(file, "count", std::int64_t{-5});
    h5::write_attribute(file, "seed", std::numeric_limits<std::uint64_t>::max());
    h5::write_attribute(file, "ratio", 0.1);
    h5::write_attribute(group, "note", "Grüße");
    // Overwrites: a string of another length in place, then a type change.
    h5::write_attribute(file, "status", "interrupted by a signal");
    h5::write_attribute(file, "status", "failed");
    h5::write_attribute(file, "count", "now text");
  }
  const h5::File file = h5::open_file(file_path, false);
  EXPECT_EQ(h5::read_string_attribute(file, "status"), "failed");
  EXPECT_EQ(h5::read_string_attribute(file, "count"), "now text");
  EXPECT_EQ(h5::read_uint64_attribute(file, "seed"), std::numeric_limits<std::uint64_t>::max());
  EXPECT_DOUBLE_EQ(h5::read_double_attribute(file, "ratio"), 0.1);
  EXPECT_EQ(h5::read_string_attribute(h5::open_group(file, "g"), "note"), "Grüße");
  EXPECT_TRUE(h5::has_attribute(file, "ratio"));
  EXPECT_FALSE(h5::has_attribute(file, "missing"));
  EXPECT_EQ(h5::attribute_names(file),
            (std::vector<std::string>{"count", "ratio", "seed", "status"}));
  EXPECT_EQ(h5::read_attribute_as_text(file, "seed"), "18446744073709551615");
  EXPECT_EQ(h5::read_attribute_as_text(file, "ratio"), "0.1");
  EXPECT_EQ(h5::read_attribute_as_text(file, "status"), "failed");
  // The attribute stays one variable-length UTF-8 string.
  const h5::Attribute status(H5Aopen(file.id(), "status", H5P_DEFAULT));
  const h5::Datatype type(H5Aget_type(status.id()));
  EXPECT_GT(H5Tis_variable_str(type.id()), 0);
}

TEST(Hdf5, IntegerAttributesAsTextAndTypedReads) {
  TempDir dir;
  h5::File file = h5::create_file(dir.path() / "a.h5", h5::CreateMode::kTruncate);
  h5::write_attribute(file, "negative", std::int64_t{-42});
  EXPECT_EQ(h5::read_int64_attribute(file, "negative"), -42);
  EXPECT_EQ(h5::read_attribute_as_text(file, "negative"), "-42");
  EXPECT_DOUBLE_EQ(h5::read_double_attribute(file, "negative"), -42.0);
  try {
    static_cast<void>(h5::read_string_attribute(file, "negative"));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
    EXPECT_THAT(e.message(), HasSubstr("expected a string attribute"));
  }
}

TEST(Hdf5, ExtendibleDatasetGrowsByAppendedRows) {
  TempDir dir;
  const fs::path file_path = dir.path() / "append.h5";
  const std::vector<hsize_t> shape{0, 2, 3};
  {
    h5::File file = h5::create_file(file_path, h5::CreateMode::kTruncate);
    h5::DatasetOptions options;
    options.extendible = true;
    options.compress = true;
    options.chunk = {4, 2, 3};
    h5::RowAppender rows(h5::create_dataset<double>(file, "series", shape, options));
    EXPECT_EQ(rows.row_size(), 6u);
    for (int step = 0; step < 5; ++step) {
      std::vector<double> row(6);
      for (int i = 0; i < 6; ++i) row[static_cast<std::size_t>(i)] = step * 10 + i;
      rows.append(std::span<const double>(row));
    }
    const std::vector<double> two_rows{50, 51, 52, 53, 54, 55, 60, 61, 62, 63, 64, 65};
    rows.append(std::span<const double>(two_rows));
    EXPECT_EQ(rows.rows(), 7u);
    const std::vector<double> bad(5, 0.0);
    try {
      rows.append(std::span<const double>(bad));
      FAIL() << "expected an error";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInternal);
      EXPECT_THAT(e.message(), HasSubstr("not a positive multiple of the row size 6"));
    }
    // The one-off helper appends to the same dataset.
    const std::vector<std::int32_t> last{70, 71, 72, 73, 74, 75};
    h5::append_rows(rows.dataset(), std::span<const std::int32_t>(last));
  }
  const h5::File file = h5::open_file(file_path, false);
  const h5::Dataset series = h5::open_dataset(file, "series");
  EXPECT_EQ(h5::dataset_shape(series), (std::vector<hsize_t>{8, 2, 3}));
  EXPECT_EQ(h5::dataset_max_shape(series)[0], H5S_UNLIMITED);
  const std::vector<double> all = h5::read_as_double(series);
  ASSERT_EQ(all.size(), 48u);
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i], static_cast<double>((i / 6) * 10 + i % 6)) << i;
  }
  EXPECT_EQ(h5::read_rows_as_double(series, 7, 1), (std::vector<double>{70, 71, 72, 73, 74, 75}));
}

TEST(Hdf5, AppendingToAFixedDatasetIsRefused) {
  TempDir dir;
  h5::File file = h5::create_file(dir.path() / "fixed.h5", h5::CreateMode::kTruncate);
  const std::vector<double> values{1, 2, 3};
  h5::Dataset fixed = h5::write_array<double>(file, "fixed", values);
  EXPECT_THROW(h5::RowAppender{std::move(fixed)}, Error);
}

TEST(Hdf5, GroupsAreCreatedWithParentsAndListedInCreationOrder) {
  TempDir dir;
  h5::File file = h5::create_file(dir.path() / "groups.h5", h5::CreateMode::kTruncate);
  h5::create_group(file, "a/b/c");
  EXPECT_TRUE(h5::exists(file, "a/b/c"));
  EXPECT_TRUE(h5::exists(file, "/a/b"));
  EXPECT_FALSE(h5::exists(file, "a/x/c"));
  const std::vector<double> values{1.0};
  h5::write_array<double>(file, "a/zeta", values);
  h5::write_array<double>(file, "a/alpha", values);
  const std::vector<h5::Member> members = h5::list_members(h5::open_group(file, "a"));
  ASSERT_EQ(members.size(), 3u);
  EXPECT_EQ(members[0].name, "b");
  EXPECT_EQ(members[0].kind, h5::MemberKind::kGroup);
  EXPECT_EQ(members[1].name, "zeta");
  EXPECT_EQ(members[1].kind, h5::MemberKind::kDataset);
  EXPECT_EQ(members[2].name, "alpha");
  const h5::Group existing = h5::require_group(file, "a/b");
  EXPECT_EQ(h5::object_path(existing), "a/b");
  EXPECT_EQ(h5::object_path(file), "/");
}

TEST(Hdf5, DimensionScalesAttachToDatasets) {
  TempDir dir;
  h5::File file = h5::create_file(dir.path() / "scales.h5", h5::CreateMode::kTruncate);
  const std::vector<std::string> labels{"x", "y"};
  const h5::Dataset scale = h5::write_strings(file, "label", labels);
  h5::make_scale(scale, "label");
  const std::vector<double> values{1.0, 2.0};
  const h5::Dataset data = h5::write_array<double>(file, "data", values);
  h5::attach_scale(data, scale, 0);
  EXPECT_TRUE(h5::is_scale(scale));
  EXPECT_FALSE(h5::is_scale(data));
  EXPECT_TRUE(h5::is_attached(data, scale, 0));
  EXPECT_FALSE(h5::is_dimension_only(scale));

  const h5::Dataset dimension = h5::create_dimension(file, "row", 2, false);
  EXPECT_TRUE(h5::is_scale(dimension));
  EXPECT_TRUE(h5::is_dimension_only(dimension));
  EXPECT_EQ(h5::read_string_attribute(dimension, "NAME"),
            "This is a netCDF dimension but not a netCDF variable.         2");
  h5::detach_scale(data, scale, 0);
  h5::attach_scale(data, dimension, 0);
  EXPECT_FALSE(h5::is_attached(data, scale, 0));
  EXPECT_TRUE(h5::is_attached(data, dimension, 0));
}

TEST(Hdf5, FailuresNameOperationObjectFileAndHdf5StackWithoutPrinting) {
  TempDir dir;
  const fs::path file_path = dir.path() / "errors.h5";
  h5::File file = h5::create_file(file_path, h5::CreateMode::kTruncate);
  const std::vector<double> values{1.0};
  h5::write_array<double>(file, "metrics/mean_attitude", values);
  ::testing::internal::CaptureStderr();
  try {
    h5::write_array<double>(file, "metrics/mean_attitude", values);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
    EXPECT_EQ(e.where().file, file_path.string());
    EXPECT_THAT(e.message(), HasSubstr("cannot create dataset \"metrics/mean_attitude\" in \"" +
                                       file_path.string() + "\": H5Dcreate2()"));
    EXPECT_THAT(e.message(), HasSubstr("already exists"));
  }
  try {
    static_cast<void>(h5::open_group(h5::open_group(file, "metrics"), "nope"));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_THAT(e.message(), HasSubstr("cannot open group \"metrics/nope\" in \""));
  }
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "") << "HDF5 must not print to stderr";
}

TEST(Hdf5, FileErrorsNameThePath) {
  TempDir dir;
  const fs::path missing = dir.path() / "missing.h5";
  try {
    static_cast<void>(h5::open_file(missing, false));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
    EXPECT_THAT(e.message(),
                HasSubstr("cannot open HDF5 file \"" + missing.string() + "\" for reading: "));
    EXPECT_THAT(e.message(), HasSubstr("No such file or directory"));
  }
  const fs::path existing = dir.path() / "existing.h5";
  { h5::File file = h5::create_file(existing, h5::CreateMode::kTruncate); }
  EXPECT_TRUE(h5::is_hdf5_file(existing));
  EXPECT_THROW(static_cast<void>(h5::create_file(existing, h5::CreateMode::kFailIfExists)), Error);
  const fs::path no_folder = dir.path() / "nope" / "x.h5";
  try {
    static_cast<void>(h5::create_file(no_folder, h5::CreateMode::kTruncate));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_THAT(e.message(), HasSubstr("cannot create HDF5 file \"" + no_folder.string() + "\""));
  }
}

TEST(Hdf5, HandlesAreMoveOnlyAndCloseOnce) {
  TempDir dir;
  h5::File file = h5::create_file(dir.path() / "handles.h5", h5::CreateMode::kTruncate);
  h5::Group a = h5::create_group(file, "g");
  const hid_t id = a.id();
  h5::Group b = std::move(a);
  EXPECT_FALSE(a.valid());  // NOLINT(bugprone-use-after-move): moved-from state is specified
  EXPECT_EQ(b.id(), id);
  EXPECT_GT(H5Iis_valid(id), 0);
  b.reset();
  EXPECT_LE(H5Iis_valid(id), 0);
  static_assert(!std::is_copy_constructible_v<h5::Dataset>);
  static_assert(std::is_nothrow_move_constructible_v<h5::Dataset>);
}

}  // namespace
