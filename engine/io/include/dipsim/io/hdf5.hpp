// A thin RAII layer over the HDF5 C API, the only place in dipsim that calls it.
//
// What: move-only handles that close their HDF5 identifier when destroyed, and helpers for the few
// operations run files need (files, groups, attributes, whole arrays, extendible datasets that grow
// one row per append, dimension scales, and reading all of it back).
// How: every C call is checked once, here (as HighFive's bits/h5d_wrapper.hpp does). A failure
// throws core::Error(kIo) whose message names the operation, the object, the file and HDF5's own
// error stack collected with H5Ewalk2, e.g.
//   cannot create dataset "metrics/mean_attitude" in "runs/x.h5.partial": H5Dcreate2(): ...
// HDF5's automatic printing of error stacks to stderr is switched off (silence_error_printing()),
// so the exception is the only report. Destructors never throw (HighFive's H5Object_misc.hpp).
// Why: callers never test return codes, and a full disk or a corrupt file is reported in words.
// The serial HDF5 library is not thread-safe: one writer thread owns a file (STYLE.md, HDF5).
#pragma once
#include <hdf5.h>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dipsim::io::h5 {

/// Owns one HDF5 identifier and closes it with `CloseFn` when destroyed or reset. Move-only.
/// Closing errors are ignored here (a destructor cannot report them); use close_file() where a
/// failed close must be reported, as the last flush of a file can fail.
template <herr_t (*CloseFn)(hid_t)>
class Handle {
 public:
  Handle() noexcept = default;
  /// Takes ownership of a valid identifier (pass calls through check() first).
  explicit Handle(hid_t id) noexcept : id_(id) {}
  ~Handle() { reset(); }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
    }
    return *this;
  }

  /// The raw identifier, for C calls; stays owned by this handle.
  hid_t id() const noexcept { return id_; }
  bool valid() const noexcept { return id_ >= 0; }
  /// Closes the identifier now (errors ignored) and leaves the handle empty.
  void reset() noexcept {
    if (id_ >= 0) static_cast<void>(CloseFn(id_));
    id_ = H5I_INVALID_HID;
  }
  /// Gives up ownership without closing.
  [[nodiscard]] hid_t release() noexcept { return std::exchange(id_, H5I_INVALID_HID); }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

using File = Handle<&H5Fclose>;
using Group = Handle<&H5Gclose>;
using Dataset = Handle<&H5Dclose>;
using Dataspace = Handle<&H5Sclose>;
using Datatype = Handle<&H5Tclose>;
using Attribute = Handle<&H5Aclose>;
using PropertyList = Handle<&H5Pclose>;
/// A group, dataset or named datatype opened by path (H5Oopen).
using Object = Handle<&H5Oclose>;

/// A non-owning view of any open handle, so helpers accept a file, group, dataset or object alike.
/// A file stands for its root group "/".
class ObjectRef {
 public:
  template <herr_t (*CloseFn)(hid_t)>
  ObjectRef(const Handle<CloseFn>& handle) noexcept : id_(handle.id()) {}  // NOLINT: implicit
  explicit ObjectRef(hid_t id) noexcept : id_(id) {}
  hid_t id() const noexcept { return id_; }

 private:
  hid_t id_;
};

// ---- errors ----------------------------------------------------------------------------------

/// Turns off HDF5's automatic printing of error stacks to stderr; dipsim puts the stack into its
/// exceptions instead. Idempotent and cheap; every function here that creates or opens a file
/// calls it.
void silence_error_printing() noexcept;

/// Text of HDF5's current error stack, outermost call first, entries separated by "; ". Clears the
/// stack. Call it right after the failing call, before any other HDF5 call resets the stack.
std::string take_error_stack();

/// Name of the file `object` lives in, as it was given when the file was opened or created.
std::string file_name(ObjectRef object);
/// Path of `object` inside its file without the leading "/" ("metrics/step"), or "/" for the root.
std::string object_path(ObjectRef object);

/// Throws core::Error(kIo) with message `cannot <action> "<object>" in "<file>": <HDF5 stack>` and
/// the file as the error's location. `object` is `child` below `where`, or `where` itself when
/// `child` is empty.
[[noreturn]] void throw_error(ObjectRef where, std::string_view action,
                              std::string_view child = {});
/// Throws core::Error(kIo) with message `<message>: <HDF5 stack>` and `file` as location, for
/// failures where no object of the file is open (creating or opening the file itself).
[[noreturn]] void throw_file_error(const std::filesystem::path& file, std::string_view message);

/// Returns `id` or, when it is negative (failed), throws as throw_error(where, action, child).
hid_t check(hid_t id, ObjectRef where, std::string_view action, std::string_view child = {});
/// Returns `status` (herr_t or htri_t) or, when it is negative, throws as throw_error().
herr_t check(herr_t status, ObjectRef where, std::string_view action, std::string_view child = {});

// ---- types -----------------------------------------------------------------------------------

/// The element types dipsim writes as numeric datasets.
template <class T>
concept Number = std::same_as<T, std::int8_t> || std::same_as<T, std::uint8_t> ||
    std::same_as<T, std::uint16_t> || std::same_as<T, std::int32_t> ||
    std::same_as<T, std::uint32_t> || std::same_as<T, std::int64_t> ||
    std::same_as<T, std::uint64_t> || std::same_as<T, float> || std::same_as<T, double>;

/// In-memory HDF5 type of T (H5T_NATIVE_*); library-owned, do not close.
template <Number T>
hid_t memory_type() noexcept;
/// On-disk HDF5 type of T: the little-endian standard type, so files do not depend on the host.
template <Number T>
hid_t file_type() noexcept;
/// A new variable-length UTF-8 string type (memory layout: `const char*` per element).
Datatype utf8_string_type();

// ---- files and groups --------------------------------------------------------------------------

enum class CreateMode : std::uint8_t {
  kTruncate,      ///< replace an existing file
  kFailIfExists,  ///< fail if the file exists
};

/// Creates an HDF5 file. Links and attributes are tracked in creation order (as netCDF-4 does),
/// so tools list them in the order they were written.
File create_file(const std::filesystem::path& path, CreateMode mode);
/// Opens an existing HDF5 file, read-only unless `writable`.
File open_file(const std::filesystem::path& path, bool writable);
/// Whether `path` starts with an HDF5 signature; false for other files. Throws kIo if it cannot
/// be read at all.
bool is_hdf5_file(const std::filesystem::path& path);
/// Writes all buffered data of the file that `object` belongs to (H5Fflush, global scope).
void flush(ObjectRef object);
/// Closes a file and reports failure (the final flush can fail, e.g. on a full disk). Every other
/// handle into the file must be closed first, or HDF5 keeps the file open until they are.
void close_file(File& file);

/// Whether every component of `path` (relative to `location`) exists.
bool exists(ObjectRef location, const std::string& path);
/// Creates a group and any missing parents, tracking creation order.
Group create_group(ObjectRef location, const std::string& path);
/// Opens an existing group.
Group open_group(ObjectRef location, const std::string& path);
/// Opens the group if it exists, creates it (and its parents) otherwise.
Group require_group(ObjectRef location, const std::string& path);
/// Opens a group or dataset by path ("." for `location` itself).
Object open_object(ObjectRef location, const std::string& path);
/// Removes a link (the object's space is not reclaimed until the file is repacked).
void delete_link(ObjectRef location, const std::string& path);

enum class MemberKind : std::uint8_t { kGroup, kDataset, kOther };
struct Member {
  std::string name;
  MemberKind kind = MemberKind::kOther;
};
/// Members of a group: creation order where the file tracks it, name order otherwise. Links that
/// cannot be followed (dangling, external) are listed as kOther.
std::vector<Member> list_members(ObjectRef group);

// ---- datasets ----------------------------------------------------------------------------------

/// Deflate level for compressed datasets: level 4 is within a few percent of level 9's size for
/// float time series at a fraction of its time.
inline constexpr unsigned kDeflateLevel = 4;

/// How a dataset is stored.
struct DatasetOptions {
  /// Chunk shape. Empty: contiguous, unless `compress` or `extendible` need chunks, in which case
  /// a shape of about 256 KiB is chosen (whole trailing dimensions where they fit).
  std::vector<hsize_t> chunk;
  /// Shuffle + deflate (kDeflateLevel).
  bool compress = false;
  /// First dimension unlimited, grown by RowAppender / append_rows.
  bool extendible = false;
  /// Per-dataset chunk cache in bytes, 0 for HDF5's default (1 MiB). A chunk larger than the cache
  /// is rewritten (and recompressed) on every partial write, so size it to hold the chunk that
  /// appends go to.
  std::size_t chunk_cache_bytes = 0;
};

/// Creates a dataset of T with the given shape (the first dimension may be 0 when extendible).
template <Number T>
Dataset create_dataset(ObjectRef location, const std::string& path, std::span<const hsize_t> shape,
                       const DatasetOptions& options = {});
/// Creates a dataset of variable-length UTF-8 strings.
Dataset create_string_dataset(ObjectRef location, const std::string& path,
                              std::span<const hsize_t> shape, const DatasetOptions& options = {});

/// Writes a whole N-D array (row-major, data.size() == product of shape) as a new dataset.
template <Number T>
Dataset write_array(ObjectRef location, const std::string& path, std::span<const T> data,
                    std::span<const hsize_t> shape, const DatasetOptions& options = {});
/// Writes a whole 1-D array as a new dataset.
template <Number T>
Dataset write_array(ObjectRef location, const std::string& path, std::span<const T> data,
                    const DatasetOptions& options = {});
/// Writes a 1-D array of strings as variable-length UTF-8 (a string stops at its first NUL).
Dataset write_strings(ObjectRef location, const std::string& path,
                      std::span<const std::string> data, const DatasetOptions& options = {});

/// Opens an existing dataset; `chunk_cache_bytes` as in DatasetOptions (0: default).
Dataset open_dataset(ObjectRef location, const std::string& path,
                     std::size_t chunk_cache_bytes = 0);
/// Current shape (empty for a scalar dataset).
std::vector<hsize_t> dataset_shape(const Dataset& dataset);
/// Maximum shape; H5S_UNLIMITED marks an extendible dimension.
std::vector<hsize_t> dataset_max_shape(const Dataset& dataset);

/// Appends rows to a dataset whose first dimension is unlimited. It keeps the dataset open and
/// remembers the row count, so an append is one extend, one selection and one write: cheap enough
/// to call every simulated step.
class RowAppender {
 public:
  RowAppender() = default;
  /// Takes the dataset (first dimension must be H5S_UNLIMITED) and reads its current shape.
  explicit RowAppender(Dataset dataset);

  /// Appends values.size() / row_size() rows; values.size() must be a positive multiple of
  /// row_size() (else core::Error kInternal).
  template <Number T>
  void append(std::span<const T> values);
  /// Grows by `rows` rows without writing them (they read as the fill value).
  void grow(hsize_t rows);

  hsize_t rows() const noexcept { return dims_.empty() ? 0 : dims_[0]; }
  /// Elements in one row (the product of the trailing dimensions).
  hsize_t row_size() const noexcept { return row_size_; }
  const Dataset& dataset() const noexcept { return dataset_; }
  /// Closes the dataset.
  void reset() noexcept;

 private:
  Dataset dataset_;
  std::vector<hsize_t> dims_;
  std::vector<hsize_t> start_;
  std::vector<hsize_t> count_;
  hsize_t row_size_ = 1;
  Dataspace memory_space_;  ///< kept for the last row count appended
  hsize_t memory_rows_ = 0;
};

/// One-off append (opens no cache; prefer RowAppender in loops).
template <Number T>
void append_rows(const Dataset& dataset, std::span<const T> values);

/// Reads a whole numeric dataset, converted by HDF5 to T.
template <Number T>
std::vector<T> read_array(const Dataset& dataset);
/// Reads a whole numeric dataset as double.
std::vector<double> read_as_double(const Dataset& dataset);
/// Reads rows [first_row, first_row + row_count) of a numeric dataset, converted by HDF5 to T.
template <Number T>
std::vector<T> read_rows(const Dataset& dataset, hsize_t first_row, hsize_t row_count);
/// Reads rows [first_row, first_row + row_count) of a numeric dataset as double.
std::vector<double> read_rows_as_double(const Dataset& dataset, hsize_t first_row,
                                        hsize_t row_count);
/// Reads a whole string dataset (variable- or fixed-length; fixed ones lose their padding).
std::vector<std::string> read_strings(const Dataset& dataset);

// ---- dimension scales --------------------------------------------------------------------------

/// Makes `dataset` a dimension scale named `dimension` (H5DSset_scale). netCDF-4 and h5netcdf take
/// the dimension's name from the dataset's own name, so call the dataset after its dimension.
void make_scale(const Dataset& dataset, const std::string& dimension);
/// Attaches `scale` to dimension `dim` of `dataset` (H5DSattach_scale).
void attach_scale(const Dataset& dataset, const Dataset& scale, unsigned dim);
/// Detaches `scale` from dimension `dim` of `dataset` (H5DSdetach_scale).
void detach_scale(const Dataset& dataset, const Dataset& scale, unsigned dim);
/// Whether `scale` is attached to dimension `dim` of `dataset`.
bool is_attached(const Dataset& dataset, const Dataset& scale, unsigned dim);
/// Whether `dataset` is a dimension scale.
bool is_scale(const Dataset& dataset);

/// Creates a netCDF-4 "dimension without a coordinate variable": a 1-D float32 scale named `name`
/// whose NAME attribute is netCDF's marker text, so netCDF tools and xarray see a dimension of
/// that name but no variable. It holds no data (storage is never allocated). Unlimited dimensions
/// take their length from the datasets attached to them.
Dataset create_dimension(ObjectRef location, const std::string& name, hsize_t size, bool unlimited);
/// Whether `dataset` was made by create_dimension() (or netCDF's equivalent).
bool is_dimension_only(const Dataset& dataset);

// ---- attributes --------------------------------------------------------------------------------

bool has_attribute(ObjectRef object, const std::string& name);
/// Writes a scalar attribute, replacing one of the same name. A string is variable-length UTF-8,
/// so it can be overwritten in place with any other length (the run status is).
void write_attribute(ObjectRef object, const std::string& name, std::string_view value);
void write_attribute(ObjectRef object, const std::string& name, std::int64_t value);
void write_attribute(ObjectRef object, const std::string& name, std::uint64_t value);
void write_attribute(ObjectRef object, const std::string& name, double value);

/// Reads a scalar string attribute (variable- or fixed-length).
std::string read_string_attribute(ObjectRef object, const std::string& name);
/// Reads a scalar integer attribute (converted by HDF5).
std::int64_t read_int64_attribute(ObjectRef object, const std::string& name);
std::uint64_t read_uint64_attribute(ObjectRef object, const std::string& name);
/// Reads a scalar numeric attribute as double.
double read_double_attribute(ObjectRef object, const std::string& name);
/// Names of all attributes of `object`, in name order.
std::vector<std::string> attribute_names(ObjectRef object);
/// Any attribute as text: strings as they are, integers in decimal, floats in the shortest form
/// that reads back exactly; arrays as "[a, b, …]"; other types as "<HDF5 class N attribute>".
std::string read_attribute_as_text(ObjectRef object, const std::string& name);

}  // namespace dipsim::io::h5
