#include "dipsim/io/checkpoint.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "dipsim/core/error.hpp"
#include "dipsim/core/text.hpp"
#include "dipsim/io/fault.hpp"
#include "dipsim/io/hdf5.hpp"

namespace dipsim::io {

namespace {

constexpr const char* kFormat = "dipsim-checkpoint";
constexpr std::int64_t kVersion = 1;

// Splits "items/author" into its group ("state/items") and name ("author").
std::pair<std::string, std::string> split(const std::string& name) {
  const auto slash = name.rfind('/');
  if (slash == std::string::npos) return {"state", name};
  return {"state/" + name.substr(0, slash), name.substr(slash + 1)};
}

}  // namespace

std::filesystem::path checkpoint_path(const std::filesystem::path& run_file) {
  return std::filesystem::path(run_file.string() + ".checkpoint");
}

void write_checkpoint(const std::filesystem::path& path, const Checkpoint& checkpoint) {
  const std::filesystem::path tmp(path.string() + ".tmp");
  try {
    h5::File file = h5::create_file(tmp, h5::CreateMode::kTruncate);
    h5::write_attribute(file, "format", std::string_view(kFormat));
    h5::write_attribute(file, "version", kVersion);
    h5::write_attribute(file, "step", static_cast<std::int64_t>(checkpoint.step));
    h5::write_attribute(file, "seed", checkpoint.seed);
    h5::write_attribute(file, "scenario", std::string_view(checkpoint.scenario));
    h5::DatasetOptions options;
    options.compress = true;
    for (const auto& [name, array] : checkpoint.state) {
      const auto [group_path, leaf] = split(name);
      h5::Group group = h5::require_group(file, group_path);
      std::visit(
          [&, &leaf = leaf](const auto& v) {
            using T = typename std::decay_t<decltype(v)>::value_type;
            h5::DatasetOptions o = options;
            o.compress = v.size() >= 4096;
            h5::write_array<T>(group, leaf, std::span<const T>(v.data(), v.size()), o);
          },
          array);
    }
    if (checkpoint.metric_row_size > 0) {
      const std::array<hsize_t, 2> shape{checkpoint.metric_rows.size() / checkpoint.metric_row_size,
                                         checkpoint.metric_row_size};
      h5::DatasetOptions o = options;
      o.compress = checkpoint.metric_rows.size() >= 4096;
      h5::write_array<double>(file, "resume/metric_rows", checkpoint.metric_rows, shape, o);
    }
    h5::flush(file);
    h5::close_file(file);
    // On stable storage before the rename, so that after a crash of the machine the name never
    // points at a checkpoint whose bytes were lost.
    const int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
      const std::string why = std::strerror(errno);
      if (fd >= 0) ::close(fd);
      throw core::Error(core::ErrorKind::kIo,
                        "cannot put checkpoint " + tmp.string() + " on disk (fsync): " + why,
                        core::InputLocation{path.string(), 0, 0, ""});
    }
    ::close(fd);
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);  // the previous checkpoint, if any, stays as it was
    throw;
  }
  std::error_code ec;
  fault::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw core::Error(
        core::ErrorKind::kIo,
        "cannot rename checkpoint " + tmp.string() + " to " + path.string() + ": " + ec.message(),
        core::InputLocation{path.string(), 0, 0, ""});
  }
}

Checkpoint read_checkpoint(const std::filesystem::path& path) {
  const core::InputLocation where{path.string(), 0, 0, ""};
  if (!std::filesystem::exists(path)) {
    throw core::Error(core::ErrorKind::kIo,
                      "no checkpoint: the run was not started with --checkpoint-every", where);
  }
  if (!h5::is_hdf5_file(path)) {
    throw core::Error(core::ErrorKind::kInput, "not a dipsim checkpoint (not an HDF5 file)", where);
  }
  h5::File file = h5::open_file(path, false);
  if (!h5::has_attribute(file, "format") || h5::read_string_attribute(file, "format") != kFormat) {
    throw core::Error(core::ErrorKind::kInput,
                      "not a dipsim checkpoint: root attribute \"format\" is missing or wrong",
                      where);
  }
  if (h5::read_int64_attribute(file, "version") != kVersion) {
    throw core::Error(core::ErrorKind::kInput,
                      "checkpoint version " +
                          std::to_string(h5::read_int64_attribute(file, "version")) +
                          " is not supported (expected 1)",
                      where);
  }
  Checkpoint c;
  c.step = static_cast<std::uint32_t>(h5::read_int64_attribute(file, "step"));
  c.seed = h5::read_uint64_attribute(file, "seed");
  c.scenario = h5::read_string_attribute(file, "scenario");
  if (h5::exists(file, "resume/metric_rows")) {
    const h5::Dataset rows = h5::open_dataset(file, "resume/metric_rows");
    const std::vector<hsize_t> shape = h5::dataset_shape(rows);
    if (shape.size() != 2 || shape[0] != c.step + 1ull) {
      throw core::Error(
          core::ErrorKind::kInput,
          "checkpoint dataset resume/metric_rows does not hold steps 0.." + std::to_string(c.step),
          where);
    }
    c.metric_row_size = shape[1];
    c.metric_rows = h5::read_array<double>(rows);
  }
  // Walk state/ recursively; element types follow the datasets' stored types. A file can link a
  // group into itself (state/x -> state), which would make the walk endless: dipsim writes state/
  // at most two levels deep, so deeper paths mean the file is not one of its checkpoints.
  constexpr std::size_t kMaxStateDepth = 8;
  constexpr std::size_t kMaxStateGroups = 1000;
  std::vector<std::string> pending{"state"};
  std::size_t groups = 0;
  while (!pending.empty()) {
    const std::string group_path = pending.back();
    pending.pop_back();
    if (static_cast<std::size_t>(std::count(group_path.begin(), group_path.end(), '/')) >
            kMaxStateDepth ||
        ++groups > kMaxStateGroups) {
      throw core::Error(core::ErrorKind::kInput,
                        "not a dipsim checkpoint: groups under state/ are nested more than " +
                            std::to_string(kMaxStateDepth) + " levels deep or number more than " +
                            std::to_string(kMaxStateGroups) + " (a group linked into itself?) at " +
                            core::quote(group_path),
                        where);
    }
    h5::Group group = h5::open_group(file, group_path);
    for (const auto& m : h5::list_members(group)) {
      const std::string full = group_path + "/" + m.name;
      if (m.kind == h5::MemberKind::kGroup) {
        pending.push_back(full);
        continue;
      }
      h5::Dataset ds = h5::open_dataset(group, m.name);
      const hid_t type = H5Dget_type(ds.id());
      const std::size_t size = H5Tget_size(type);
      const H5T_class_t cls = H5Tget_class(type);
      const H5T_sign_t sign = cls == H5T_INTEGER ? H5Tget_sign(type) : H5T_SGN_NONE;
      H5Tclose(type);
      const std::string name = full.substr(6);  // without "state/"
      if (cls == H5T_FLOAT && size == 4) {
        c.state.emplace_back(name, h5::read_array<float>(ds));
      } else if (cls == H5T_FLOAT && size == 8) {
        c.state.emplace_back(name, h5::read_array<double>(ds));
      } else if (cls == H5T_INTEGER && sign == H5T_SGN_NONE && size == 1) {
        c.state.emplace_back(name, h5::read_array<std::uint8_t>(ds));
      } else if (cls == H5T_INTEGER && sign == H5T_SGN_NONE && size == 2) {
        c.state.emplace_back(name, h5::read_array<std::uint16_t>(ds));
      } else if (cls == H5T_INTEGER && sign == H5T_SGN_NONE && size == 4) {
        c.state.emplace_back(name, h5::read_array<std::uint32_t>(ds));
      } else if (cls == H5T_INTEGER && sign == H5T_SGN_NONE && size == 8) {
        c.state.emplace_back(name, h5::read_array<std::uint64_t>(ds));
      } else {
        throw core::Error(core::ErrorKind::kInput,
                          "checkpoint dataset " + full + " has an unexpected type", where);
      }
    }
  }
  return c;
}

}  // namespace dipsim::io
