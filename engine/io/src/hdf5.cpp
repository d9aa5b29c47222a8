// RAII wrapper over the HDF5 C API: each call is checked here, once; failures become core::Error
// with HDF5's error stack in the message (see hdf5.hpp for the conventions).
#include "dipsim/io/hdf5.hpp"

#include <hdf5_hl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <functional>
#include <numeric>
#include <system_error>

#include "dipsim/core/error.hpp"
#include "dipsim/io/fault.hpp"

namespace dipsim::io::h5 {
namespace {

/// netCDF-4 marks a dimension scale that is not also a variable with this NAME text followed by
/// the dimension length in 10 columns (netCDF-C's "%10d").
constexpr std::string_view kNotAVariable = "This is a netCDF dimension but not a netCDF variable.";

/// Chunk size aimed at when the caller gives no chunk shape.
constexpr hsize_t kAutoChunkBytes = 256 * 1024;

constexpr unsigned kCreationOrder = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;

/// Text of the latest injected fault on this thread; take_error_stack() reports it in place of
/// HDF5's (empty) error stack.
thread_local std::string t_injected;

/// Runs an HDF5 call, unless a fault is injected into `op` (fault.hpp): then it returns -1 as a
/// failed call would, and the error message says the fault was injected.
template <class Call>
auto faultable(fault::Op op, Call call) -> decltype(call()) {
  if (fault::should_fail(op)) {
    t_injected = fault::describe(op);
    return -1;
  }
  return call();
}

herr_t collect_error(unsigned /*n*/, const H5E_error2_t* error, void* text_ptr) {
  auto& text = *static_cast<std::string*>(text_ptr);
  if (!text.empty()) text += "; ";
  if (error->func_name != nullptr) {
    text += error->func_name;
    text += "(): ";
  }
  if (error->desc != nullptr) text += error->desc;
  char minor[160] = {};
  if (H5Eget_msg(error->min_num, nullptr, minor, sizeof minor) > 0) {
    text += " [";
    text += minor;
    text += ']';
  }
  return 0;
}

std::string quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  out += text;
  out += '"';
  return out;
}

[[noreturn]] void throw_internal(ObjectRef where, const std::string& message) {
  const std::string file = file_name(where);
  throw core::Error(core::ErrorKind::kInternal, message, core::InputLocation{file, 0, 0, ""});
}

/// A content mismatch (wrong type, wrong size) that HDF5 itself did not report.
[[noreturn]] void throw_mismatch(ObjectRef where, std::string_view action,
                                 const std::string& detail) {
  const std::string file = file_name(where);
  throw core::Error(core::ErrorKind::kIo,
                    "cannot " + std::string(action) + ' ' + quote(object_path(where)) + " in " +
                        quote(file) + ": " + detail,
                    core::InputLocation{file, 0, 0, ""});
}

/// Refuses to read `count` elements of `bytes` each when that cannot fit this machine's memory. A
/// dataset's shape comes from the file: a corrupted or hostile file can claim 2^40 elements in a
/// few bytes (chunked, never written), and allocating for it would end in std::bad_alloc or the
/// OOM killer instead of an error naming the file and dataset.
void check_fits_memory(ObjectRef where, std::string_view action, hsize_t count, std::size_t bytes) {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return;
  const double memory = static_cast<double>(pages) * static_cast<double>(page);
  const double need = static_cast<double>(count) * static_cast<double>(bytes);
  if (need <= memory) return;
  const std::string file = file_name(where);
  throw core::Error(core::ErrorKind::kResource,
                    "cannot " + std::string(action) + ' ' + quote(object_path(where)) + " in " +
                        quote(file) + ": it has " + std::to_string(count) + " elements (about " +
                        std::to_string(static_cast<std::uint64_t>(need / 1073741824.0)) +
                        " GiB in memory), more than this machine's " +
                        std::to_string(static_cast<std::uint64_t>(memory / 1073741824.0)) +
                        " GiB; the file is corrupted or not one dipsim can read here",
                    core::InputLocation{file, 0, 0, object_path(where)});
}

hsize_t product(std::span<const hsize_t> dims) {
  return std::accumulate(dims.begin(), dims.end(), hsize_t{1}, std::multiplies<>());
}

std::string shape_text(std::span<const hsize_t> dims) {
  std::string out = "(";
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (i > 0) out += ", ";
    out += dims[i] == H5S_UNLIMITED ? std::string("unlimited") : std::to_string(dims[i]);
  }
  return out + ")";
}

/// Chunk shape of about kAutoChunkBytes: start from the whole array (or, when extendible, as many
/// rows as fit) and halve the largest dimension until it fits.
std::vector<hsize_t> auto_chunk(std::span<const hsize_t> shape, std::size_t element_size,
                                bool extendible) {
  std::vector<hsize_t> chunk(shape.begin(), shape.end());
  for (auto& d : chunk) d = std::max<hsize_t>(d, 1);
  const hsize_t element = std::max<std::size_t>(element_size, 1);
  if (extendible && !chunk.empty()) {
    const hsize_t row_bytes = product(std::span(chunk).subspan(1)) * element;
    chunk[0] = std::max<hsize_t>(1, kAutoChunkBytes / row_bytes);
  }
  while (product(chunk) * element > kAutoChunkBytes) {
    auto largest = std::max_element(chunk.begin(), chunk.end());
    if (*largest <= 1) break;
    *largest = (*largest + 1) / 2;
  }
  return chunk;
}

PropertyList make_plist(hid_t cls, ObjectRef where, std::string_view action,
                        std::string_view child) {
  return PropertyList(check(H5Pcreate(cls), where, action, child));
}

/// Link creation: intermediate groups are created, names are UTF-8.
PropertyList link_plist(ObjectRef where, std::string_view action, std::string_view child) {
  PropertyList lcpl = make_plist(H5P_LINK_CREATE, where, action, child);
  check(H5Pset_create_intermediate_group(lcpl.id(), 1), where, action, child);
  check(H5Pset_char_encoding(lcpl.id(), H5T_CSET_UTF8), where, action, child);
  return lcpl;
}

/// Dataset access: a chunk cache of `bytes` (0: HDF5's default).
PropertyList access_plist(std::size_t bytes, ObjectRef where, std::string_view action,
                          std::string_view child) {
  PropertyList dapl = make_plist(H5P_DATASET_ACCESS, where, action, child);
  if (bytes > 0) {
    check(H5Pset_chunk_cache(dapl.id(), H5D_CHUNK_CACHE_NSLOTS_DEFAULT, bytes,
                             H5D_CHUNK_CACHE_W0_DEFAULT),
          where, action, child);
  }
  return dapl;
}

Dataset create_dataset_of(ObjectRef location, const std::string& path, hid_t type,
                          std::size_t element_size, std::span<const hsize_t> shape,
                          const DatasetOptions& options) {
  constexpr std::string_view kAction = "create dataset";
  const int rank = static_cast<int>(shape.size());
  if (options.extendible && rank == 0) {
    throw_internal(location, "cannot create dataset " + quote(path) +
                                 ": a scalar dataset cannot be extendible");
  }
  Dataspace space;
  if (rank == 0) {
    space = Dataspace(check(H5Screate(H5S_SCALAR), location, kAction, path));
  } else {
    std::vector<hsize_t> max_dims(shape.begin(), shape.end());
    if (options.extendible) max_dims[0] = H5S_UNLIMITED;
    space = Dataspace(
        check(H5Screate_simple(rank, shape.data(), max_dims.data()), location, kAction, path));
  }

  PropertyList dcpl = make_plist(H5P_DATASET_CREATE, location, kAction, path);
  check(H5Pset_attr_creation_order(dcpl.id(), kCreationOrder), location, kAction, path);
  const bool chunked =
      rank > 0 && (!options.chunk.empty() || options.compress || options.extendible);
  if (chunked) {
    const std::vector<hsize_t> chunk =
        options.chunk.empty() ? auto_chunk(shape, element_size, options.extendible) : options.chunk;
    if (chunk.size() != shape.size()) {
      throw_internal(location, "cannot create dataset " + quote(path) + ": chunk shape " +
                                   shape_text(chunk) + " does not match shape " +
                                   shape_text(shape));
    }
    check(H5Pset_chunk(dcpl.id(), rank, chunk.data()), location, kAction, path);
    if (options.compress) {
      check(H5Pset_shuffle(dcpl.id()), location, kAction, path);
      check(H5Pset_deflate(dcpl.id(), kDeflateLevel), location, kAction, path);
    }
  }
  PropertyList lcpl = link_plist(location, kAction, path);
  PropertyList dapl = access_plist(options.chunk_cache_bytes, location, kAction, path);
  return Dataset(check(faultable(fault::Op::kWrite,
                                 [&] {
                                   return H5Dcreate2(location.id(), path.c_str(), type, space.id(),
                                                     lcpl.id(), dcpl.id(), dapl.id());
                                 }),
                       location, kAction, path));
}

/// Reads `count` strings through `read(memory_type, buffer)`, variable- or fixed-length.
std::vector<std::string> read_string_values(hid_t stored_type, hid_t space, std::size_t count,
                                            const std::function<herr_t(hid_t, void*)>& read,
                                            ObjectRef where, std::string_view action) {
  if (H5Tget_class(stored_type) != H5T_STRING) {
    throw_mismatch(where, action, "expected strings, found another type");
  }
  Datatype memory(check(H5Tcopy(stored_type), where, action));
  std::vector<std::string> out;
  out.reserve(count);
  if (count == 0) return out;
  if (check(H5Tis_variable_str(stored_type), where, action) > 0) {
    std::vector<char*> buffer(count, nullptr);
    check(read(memory.id(), buffer.data()), where, action);
    for (char* s : buffer) out.emplace_back(s != nullptr ? s : "");
#if H5_VERSION_GE(1, 12, 0)
    H5Treclaim(memory.id(), space, H5P_DEFAULT, buffer.data());
#else
    H5Dvlen_reclaim(memory.id(), space, H5P_DEFAULT, buffer.data());
#endif
    return out;
  }
  const std::size_t size = H5Tget_size(stored_type);
  const H5T_str_t pad = H5Tget_strpad(stored_type);
  std::vector<char> buffer(count * size);
  check(read(memory.id(), buffer.data()), where, action);
  for (std::size_t i = 0; i < count; ++i) {
    const char* begin = buffer.data() + i * size;
    std::string_view value(begin, size);
    value = value.substr(0, std::min(value.find('\0'), value.size()));
    if (pad == H5T_STR_SPACEPAD) {
      while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    }
    out.emplace_back(value);
  }
  return out;
}

std::string format_double(double value) {
  char buffer[40];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::string attribute_action(std::string_view verb, const std::string& name) {
  return std::string(verb) + " attribute " + quote(name) + " of";
}

Attribute open_attribute(ObjectRef object, const std::string& name, const std::string& action) {
  return Attribute(check(H5Aopen_by_name(object.id(), ".", name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                         object, action));
}

void write_scalar_attribute(ObjectRef object, const std::string& name, hid_t stored_type,
                            hid_t memory, const void* value) {
  const std::string action = attribute_action("write", name);
  const htri_t found =
      check(H5Aexists_by_name(object.id(), ".", name.c_str(), H5P_DEFAULT), object, action);
  if (found > 0) {
    Attribute attribute = open_attribute(object, name, action);
    Datatype type(check(H5Aget_type(attribute.id()), object, action));
    Dataspace space(check(H5Aget_space(attribute.id()), object, action));
    if (H5Tequal(type.id(), stored_type) > 0 &&
        H5Sget_simple_extent_type(space.id()) == H5S_SCALAR) {
      // Same type and shape: overwrite in place (the status attribute is updated like this).
      check(faultable(fault::Op::kWrite, [&] { return H5Awrite(attribute.id(), memory, value); }),
            object, action);
      return;
    }
    attribute.reset();
    check(H5Adelete_by_name(object.id(), ".", name.c_str(), H5P_DEFAULT), object, action);
  }
  Dataspace scalar(check(H5Screate(H5S_SCALAR), object, action));
  PropertyList acpl = make_plist(H5P_ATTRIBUTE_CREATE, object, action, {});
  check(H5Pset_char_encoding(acpl.id(), H5T_CSET_UTF8), object, action);
  Attribute attribute(check(H5Acreate_by_name(object.id(), ".", name.c_str(), stored_type,
                                              scalar.id(), acpl.id(), H5P_DEFAULT, H5P_DEFAULT),
                            object, action));
  check(faultable(fault::Op::kWrite, [&] { return H5Awrite(attribute.id(), memory, value); }),
        object, action);
}

/// Opens a scalar (or one-element) attribute for reading and checks its type class.
Attribute open_scalar_attribute(ObjectRef object, const std::string& name,
                                const std::string& action, bool want_string) {
  Attribute attribute = open_attribute(object, name, action);
  Datatype type(check(H5Aget_type(attribute.id()), object, action));
  const H5T_class_t type_class = H5Tget_class(type.id());
  const bool is_string = type_class == H5T_STRING;
  const bool is_number = type_class == H5T_INTEGER || type_class == H5T_FLOAT;
  if (want_string ? !is_string : !is_number) {
    throw_mismatch(object, action,
                   want_string ? "expected a string attribute" : "expected a numeric attribute");
  }
  Dataspace space(check(H5Aget_space(attribute.id()), object, action));
  if (H5Sget_simple_extent_npoints(space.id()) != 1) {
    throw_mismatch(object, action, "expected a single value, found an array");
  }
  return attribute;
}

/// HDF5 closes every identifier still open when the process exits (an atexit handler). After a
/// close that failed on a full disk, HDF5 1.10 crashes in that handler (H5F__close_cb) on a
/// half-closed file. dipsim closes its files itself on every path (RAII), so the handler is not
/// needed: H5dont_atexit() must be called before the library initialises, hence this static.
const bool g_no_atexit = [] {
  static_cast<void>(H5dont_atexit());
  return true;
}();

}  // namespace

// ---- errors ----------------------------------------------------------------------------------

void silence_error_printing() noexcept {
  // Per thread in thread-safe builds of HDF5, so it is set on every open, not once.
  static_cast<void>(H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr));
}

std::string take_error_stack() {
  if (!t_injected.empty()) {
    static_cast<void>(H5Eclear2(H5E_DEFAULT));
    return std::exchange(t_injected, std::string());
  }
  const hid_t stack = H5Eget_current_stack();  // copies and clears the default stack
  if (stack < 0) return "(no HDF5 error details)";
  std::string text;
  static_cast<void>(H5Ewalk2(stack, H5E_WALK_DOWNWARD, collect_error, &text));
  static_cast<void>(H5Eclose_stack(stack));
  if (text.empty()) text = "(no HDF5 error details)";
  return text;
}

std::string file_name(ObjectRef object) {
  const ssize_t length = H5Fget_name(object.id(), nullptr, 0);
  if (length < 0) {
    static_cast<void>(H5Eclear2(H5E_DEFAULT));
    return "(unknown file)";
  }
  std::string name(static_cast<std::size_t>(length) + 1, '\0');
  static_cast<void>(H5Fget_name(object.id(), name.data(), name.size()));
  name.resize(static_cast<std::size_t>(length));
  return name;
}

std::string object_path(ObjectRef object) {
  const ssize_t length = H5Iget_name(object.id(), nullptr, 0);
  if (length < 0) {
    static_cast<void>(H5Eclear2(H5E_DEFAULT));
    return "(unknown object)";
  }
  std::string name(static_cast<std::size_t>(length) + 1, '\0');
  static_cast<void>(H5Iget_name(object.id(), name.data(), name.size()));
  name.resize(static_cast<std::size_t>(length));
  if (!name.empty() && name.front() == '/') name.erase(0, 1);
  return name.empty() ? "/" : name;
}

void throw_error(ObjectRef where, std::string_view action, std::string_view child) {
  const std::string stack = take_error_stack();  // first: the calls below reset the stack
  const std::string file = file_name(where);
  std::string object;
  if (child.empty()) {
    object = object_path(where);
  } else if (child.front() == '/') {
    object = std::string(child.substr(1));
  } else {
    const std::string parent = object_path(where);
    object = parent == "/" ? std::string(child) : parent + '/' + std::string(child);
  }
  throw core::Error(
      core::ErrorKind::kIo,
      "cannot " + std::string(action) + ' ' + quote(object) + " in " + quote(file) + ": " + stack,
      core::InputLocation{file, 0, 0, ""});
}

void throw_file_error(const std::filesystem::path& file, std::string_view message) {
  const std::string stack = take_error_stack();
  throw core::Error(core::ErrorKind::kIo, std::string(message) + ": " + stack,
                    core::InputLocation{file.string(), 0, 0, ""});
}

hid_t check(hid_t id, ObjectRef where, std::string_view action, std::string_view child) {
  if (id < 0) throw_error(where, action, child);
  return id;
}

herr_t check(herr_t status, ObjectRef where, std::string_view action, std::string_view child) {
  if (status < 0) throw_error(where, action, child);
  return status;
}

// ---- types -----------------------------------------------------------------------------------

template <Number T>
hid_t memory_type() noexcept {
  if constexpr (std::same_as<T, std::int8_t>) return H5T_NATIVE_INT8;
  if constexpr (std::same_as<T, std::uint8_t>) return H5T_NATIVE_UINT8;
  if constexpr (std::same_as<T, std::uint16_t>) return H5T_NATIVE_UINT16;
  if constexpr (std::same_as<T, std::int32_t>) return H5T_NATIVE_INT32;
  if constexpr (std::same_as<T, std::uint32_t>) return H5T_NATIVE_UINT32;
  if constexpr (std::same_as<T, std::int64_t>) return H5T_NATIVE_INT64;
  if constexpr (std::same_as<T, std::uint64_t>) return H5T_NATIVE_UINT64;
  if constexpr (std::same_as<T, float>) return H5T_NATIVE_FLOAT;
  if constexpr (std::same_as<T, double>) return H5T_NATIVE_DOUBLE;
}

template <Number T>
hid_t file_type() noexcept {
  if constexpr (std::same_as<T, std::int8_t>) return H5T_STD_I8LE;
  if constexpr (std::same_as<T, std::uint8_t>) return H5T_STD_U8LE;
  if constexpr (std::same_as<T, std::uint16_t>) return H5T_STD_U16LE;
  if constexpr (std::same_as<T, std::int32_t>) return H5T_STD_I32LE;
  if constexpr (std::same_as<T, std::uint32_t>) return H5T_STD_U32LE;
  if constexpr (std::same_as<T, std::int64_t>) return H5T_STD_I64LE;
  if constexpr (std::same_as<T, std::uint64_t>) return H5T_STD_U64LE;
  if constexpr (std::same_as<T, float>) return H5T_IEEE_F32LE;
  if constexpr (std::same_as<T, double>) return H5T_IEEE_F64LE;
}

Datatype utf8_string_type() {
  Datatype type(H5Tcopy(H5T_C_S1));
  if (!type.valid() || H5Tset_size(type.id(), H5T_VARIABLE) < 0 ||
      H5Tset_cset(type.id(), H5T_CSET_UTF8) < 0) {
    const std::string stack = take_error_stack();
    throw core::Error(core::ErrorKind::kIo, "cannot make the HDF5 string type: " + stack);
  }
  return type;
}

// ---- files and groups --------------------------------------------------------------------------

File create_file(const std::filesystem::path& path, CreateMode mode) {
  silence_error_printing();
  const std::string message = "cannot create HDF5 file " + quote(path.string());
  PropertyList fcpl(H5Pcreate(H5P_FILE_CREATE));
  if (!fcpl.valid() || H5Pset_link_creation_order(fcpl.id(), kCreationOrder) < 0 ||
      H5Pset_attr_creation_order(fcpl.id(), kCreationOrder) < 0) {
    throw_file_error(path, message);
  }
  const unsigned flags = mode == CreateMode::kTruncate ? H5F_ACC_TRUNC : H5F_ACC_EXCL;
  const hid_t id = faultable(
      fault::Op::kCreate, [&] { return H5Fcreate(path.c_str(), flags, fcpl.id(), H5P_DEFAULT); });
  if (id < 0) throw_file_error(path, message);
  return File(id);
}

File open_file(const std::filesystem::path& path, bool writable) {
  silence_error_printing();
  const hid_t id = H5Fopen(path.c_str(), writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) {
    throw_file_error(path, "cannot open HDF5 file " + quote(path.string()) +
                               (writable ? " for writing" : " for reading"));
  }
  return File(id);
}

bool is_hdf5_file(const std::filesystem::path& path) {
  silence_error_printing();
#if H5_VERSION_GE(1, 12, 0)
  const htri_t result = H5Fis_accessible(path.c_str(), H5P_DEFAULT);
#else
  const htri_t result = H5Fis_hdf5(path.c_str());
#endif
  if (result < 0) {
    throw_file_error(path, "cannot check whether " + quote(path.string()) + " is an HDF5 file");
  }
  return result > 0;
}

void flush(ObjectRef object) {
  if (faultable(fault::Op::kFlush, [&] { return H5Fflush(object.id(), H5F_SCOPE_GLOBAL); }) < 0) {
    const std::string stack = take_error_stack();  // before file_name() resets it
    const std::string file = file_name(object);
    throw core::Error(core::ErrorKind::kIo,
                      "cannot flush HDF5 file " + quote(file) + " to disk: " + stack,
                      core::InputLocation{file, 0, 0, ""});
  }
}

void close_file(File& file) {
  if (!file.valid()) return;
  const std::string name = file_name(file);
  const hid_t id = file.release();
  // An injected close failure still closes the file (as a failed last flush may), the worst
  // case for the caller: the identifier is gone and the file's last state is unknown.
  const herr_t closed = H5Fclose(id);
  if (faultable(fault::Op::kClose, [&] { return closed; }) < 0) {
    throw_file_error(name, "cannot close HDF5 file " + quote(name) +
                               " (its last data may not have been written)");
  }
}

bool exists(ObjectRef location, const std::string& path) {
  if (path.empty() || path == "." || path == "/") return true;
  std::string prefix = path.front() == '/' ? "/" : "";
  std::size_t begin = prefix.size();
  while (begin < path.size()) {
    std::size_t end = path.find('/', begin);
    if (end == std::string::npos) end = path.size();
    if (end > begin) {
      if (!prefix.empty() && prefix.back() != '/') prefix += '/';
      prefix.append(path, begin, end - begin);
      const htri_t found =
          check(H5Lexists(location.id(), prefix.c_str(), H5P_DEFAULT), location, "look up", prefix);
      if (found == 0) return false;
    }
    begin = end + 1;
  }
  return true;
}

Group create_group(ObjectRef location, const std::string& path) {
  constexpr std::string_view kAction = "create group";
  PropertyList lcpl = link_plist(location, kAction, path);
  PropertyList gcpl = make_plist(H5P_GROUP_CREATE, location, kAction, path);
  check(H5Pset_link_creation_order(gcpl.id(), kCreationOrder), location, kAction, path);
  check(H5Pset_attr_creation_order(gcpl.id(), kCreationOrder), location, kAction, path);
  return Group(check(faultable(fault::Op::kWrite,
                               [&] {
                                 return H5Gcreate2(location.id(), path.c_str(), lcpl.id(),
                                                   gcpl.id(), H5P_DEFAULT);
                               }),
                     location, kAction, path));
}

Group open_group(ObjectRef location, const std::string& path) {
  return Group(
      check(H5Gopen2(location.id(), path.c_str(), H5P_DEFAULT), location, "open group", path));
}

Group require_group(ObjectRef location, const std::string& path) {
  return exists(location, path) ? open_group(location, path) : create_group(location, path);
}

Object open_object(ObjectRef location, const std::string& path) {
  return Object(check(H5Oopen(location.id(), path.c_str(), H5P_DEFAULT), location, "open object",
                      path == "." ? std::string_view{} : std::string_view(path)));
}

void delete_link(ObjectRef location, const std::string& path) {
  check(H5Ldelete(location.id(), path.c_str(), H5P_DEFAULT), location, "delete", path);
}

std::vector<Member> list_members(ObjectRef group_ref) {
  constexpr std::string_view kAction = "list the members of";
  Group group(check(H5Gopen2(group_ref.id(), ".", H5P_DEFAULT), group_ref, kAction));
  H5G_info_t info{};
  check(H5Gget_info(group.id(), &info), group, kAction);
  std::vector<Member> members;
  if (info.nlinks == 0) return members;

  // Creation order where the file tracks it (dipsim's files do), else name order.
  H5_index_t index = H5_INDEX_CRT_ORDER;
  if (H5Lget_name_by_idx(group.id(), ".", index, H5_ITER_INC, 0, nullptr, 0, H5P_DEFAULT) < 0) {
    static_cast<void>(H5Eclear2(H5E_DEFAULT));
    index = H5_INDEX_NAME;
  }
  members.reserve(info.nlinks);
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t length =
        H5Lget_name_by_idx(group.id(), ".", index, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (length < 0) throw_error(group, kAction);
    std::string name(static_cast<std::size_t>(length) + 1, '\0');
    if (H5Lget_name_by_idx(group.id(), ".", index, H5_ITER_INC, i, name.data(), name.size(),
                           H5P_DEFAULT) < 0) {
      throw_error(group, kAction);
    }
    name.resize(static_cast<std::size_t>(length));
    Member member{name, MemberKind::kOther};
    const hid_t object = H5Oopen(group.id(), name.c_str(), H5P_DEFAULT);
    if (object < 0) {
      static_cast<void>(H5Eclear2(H5E_DEFAULT));  // dangling or external link
    } else {
      const H5I_type_t type = H5Iget_type(object);
      if (type == H5I_GROUP) member.kind = MemberKind::kGroup;
      if (type == H5I_DATASET) member.kind = MemberKind::kDataset;
      static_cast<void>(H5Oclose(object));
    }
    members.push_back(std::move(member));
  }
  return members;
}

// ---- datasets ----------------------------------------------------------------------------------

template <Number T>
Dataset create_dataset(ObjectRef location, const std::string& path, std::span<const hsize_t> shape,
                       const DatasetOptions& options) {
  return create_dataset_of(location, path, file_type<T>(), sizeof(T), shape, options);
}

Dataset create_string_dataset(ObjectRef location, const std::string& path,
                              std::span<const hsize_t> shape, const DatasetOptions& options) {
  DatasetOptions string_options = options;
  string_options.compress = false;  // shuffle/deflate would only see heap references
  const Datatype type = utf8_string_type();
  return create_dataset_of(location, path, type.id(), sizeof(char*), shape, string_options);
}

template <Number T>
Dataset write_array(ObjectRef location, const std::string& path, std::span<const T> data,
                    std::span<const hsize_t> shape, const DatasetOptions& options) {
  if (product(shape) != data.size()) {
    throw_internal(location, "cannot write dataset " + quote(path) + ": " +
                                 std::to_string(data.size()) + " values do not fill shape " +
                                 shape_text(shape));
  }
  DatasetOptions used = options;
  if (data.empty()) used.compress = false;  // nothing to compress; avoids zero-size chunks
  Dataset dataset = create_dataset<T>(location, path, shape, used);
  if (!data.empty()) {
    check(faultable(fault::Op::kWrite,
                    [&] {
                      return H5Dwrite(dataset.id(), memory_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT,
                                      data.data());
                    }),
          location, "write dataset", path);
  }
  return dataset;
}

template <Number T>
Dataset write_array(ObjectRef location, const std::string& path, std::span<const T> data,
                    const DatasetOptions& options) {
  const hsize_t size = data.size();
  return write_array<T>(location, path, data, std::span<const hsize_t>(&size, 1), options);
}

Dataset write_strings(ObjectRef location, const std::string& path,
                      std::span<const std::string> data, const DatasetOptions& options) {
  const hsize_t size = data.size();
  Dataset dataset =
      create_string_dataset(location, path, std::span<const hsize_t>(&size, 1), options);
  if (!data.empty()) {
    std::vector<const char*> pointers;
    pointers.reserve(data.size());
    for (const auto& s : data) pointers.push_back(s.c_str());
    const Datatype type = utf8_string_type();
    check(faultable(fault::Op::kWrite,
                    [&] {
                      return H5Dwrite(dataset.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT,
                                      pointers.data());
                    }),
          location, "write dataset", path);
  }
  return dataset;
}

Dataset open_dataset(ObjectRef location, const std::string& path, std::size_t chunk_cache_bytes) {
  constexpr std::string_view kAction = "open dataset";
  PropertyList dapl = access_plist(chunk_cache_bytes, location, kAction, path);
  return Dataset(check(H5Dopen2(location.id(), path.c_str(), dapl.id()), location, kAction, path));
}

namespace {
void read_extent(const Dataset& dataset, std::vector<hsize_t>& dims,
                 std::vector<hsize_t>& max_dims) {
  constexpr std::string_view kAction = "get the shape of dataset";
  Dataspace space(check(H5Dget_space(dataset.id()), dataset, kAction));
  const int rank = check(H5Sget_simple_extent_ndims(space.id()), dataset, kAction);
  dims.assign(static_cast<std::size_t>(rank), 0);
  max_dims.assign(static_cast<std::size_t>(rank), 0);
  check(H5Sget_simple_extent_dims(space.id(), dims.data(), max_dims.data()), dataset, kAction);
}
}  // namespace

std::vector<hsize_t> dataset_shape(const Dataset& dataset) {
  std::vector<hsize_t> dims, max_dims;
  read_extent(dataset, dims, max_dims);
  return dims;
}

std::vector<hsize_t> dataset_max_shape(const Dataset& dataset) {
  std::vector<hsize_t> dims, max_dims;
  read_extent(dataset, dims, max_dims);
  return max_dims;
}

RowAppender::RowAppender(Dataset dataset) : dataset_(std::move(dataset)) {
  std::vector<hsize_t> max_dims;
  read_extent(dataset_, dims_, max_dims);
  if (dims_.empty() || max_dims[0] != H5S_UNLIMITED) {
    throw_internal(dataset_, "cannot append to dataset " + quote(object_path(dataset_)) +
                                 ": its first dimension is not unlimited");
  }
  row_size_ = product(std::span(dims_).subspan(1));
  start_.assign(dims_.size(), 0);
  count_ = dims_;
}

template <Number T>
void RowAppender::append(std::span<const T> values) {
  constexpr std::string_view kAction = "append to dataset";
  if (values.empty() || row_size_ == 0 || values.size() % row_size_ != 0) {
    throw_internal(dataset_, "cannot append to dataset " + quote(object_path(dataset_)) + ": " +
                                 std::to_string(values.size()) +
                                 " values are not a positive multiple of the row size " +
                                 std::to_string(row_size_));
  }
  const hsize_t new_rows = values.size() / row_size_;
  start_[0] = dims_[0];
  count_[0] = new_rows;
  dims_[0] += new_rows;
  if (faultable(fault::Op::kWrite, [&] { return H5Dset_extent(dataset_.id(), dims_.data()); }) <
      0) {
    dims_[0] -= new_rows;
    throw_error(dataset_, kAction);
  }
  Dataspace file_space(check(H5Dget_space(dataset_.id()), dataset_, kAction));
  check(H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start_.data(), nullptr, count_.data(),
                            nullptr),
        dataset_, kAction);
  if (!memory_space_.valid() || memory_rows_ != new_rows) {
    const hsize_t elements = values.size();
    memory_space_ = Dataspace(check(H5Screate_simple(1, &elements, nullptr), dataset_, kAction));
    memory_rows_ = new_rows;
  }
  check(faultable(fault::Op::kWrite,
                  [&] {
                    return H5Dwrite(dataset_.id(), memory_type<T>(), memory_space_.id(),
                                    file_space.id(), H5P_DEFAULT, values.data());
                  }),
        dataset_, kAction);
}

void RowAppender::grow(hsize_t rows) {
  dims_[0] += rows;
  if (faultable(fault::Op::kWrite, [&] { return H5Dset_extent(dataset_.id(), dims_.data()); }) <
      0) {
    dims_[0] -= rows;
    throw_error(dataset_, "extend dataset");
  }
}

void RowAppender::reset() noexcept {
  memory_space_.reset();
  dataset_.reset();
  dims_.clear();
}

template <Number T>
void append_rows(const Dataset& dataset, std::span<const T> values) {
  // RowAppender owns its dataset: give it a second identifier to the same dataset.
  const hid_t id = dataset.id();
  check(H5Iinc_ref(id), dataset, "append to dataset");
  RowAppender appender{Dataset(id)};
  appender.append(values);
}

namespace {
void require_numbers(const Dataset& dataset, std::string_view action) {
  Datatype type(check(H5Dget_type(dataset.id()), dataset, action));
  const H5T_class_t type_class = H5Tget_class(type.id());
  if (type_class != H5T_INTEGER && type_class != H5T_FLOAT) {
    throw_mismatch(dataset, action, "expected numbers, found another type");
  }
}
}  // namespace

template <Number T>
std::vector<T> read_array(const Dataset& dataset) {
  constexpr std::string_view kAction = "read dataset";
  require_numbers(dataset, kAction);
  Dataspace space(check(H5Dget_space(dataset.id()), dataset, kAction));
  const hssize_t count = H5Sget_simple_extent_npoints(space.id());
  if (count < 0) throw_error(dataset, kAction);
  check_fits_memory(dataset, kAction, static_cast<hsize_t>(count), sizeof(T));
  std::vector<T> out(static_cast<std::size_t>(count));
  if (!out.empty()) {
    check(H5Dread(dataset.id(), memory_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()),
          dataset, kAction);
  }
  return out;
}

std::vector<double> read_as_double(const Dataset& dataset) {
  return read_array<double>(dataset);
}

template <Number T>
std::vector<T> read_rows(const Dataset& dataset, hsize_t first_row, hsize_t row_count) {
  constexpr std::string_view kAction = "read rows of dataset";
  require_numbers(dataset, kAction);
  std::vector<hsize_t> dims, max_dims;
  read_extent(dataset, dims, max_dims);
  if (dims.empty() || first_row + row_count > dims[0]) {
    throw_mismatch(dataset, kAction,
                   "rows " + std::to_string(first_row) + ".." +
                       std::to_string(first_row + row_count) + " are outside shape " +
                       shape_text(dims));
  }
  std::vector<hsize_t> start(dims.size(), 0);
  std::vector<hsize_t> count = dims;
  start[0] = first_row;
  count[0] = row_count;
  const hsize_t elements = product(count);
  check_fits_memory(dataset, kAction, elements, sizeof(T));
  std::vector<T> out(elements);
  if (elements == 0) return out;
  Dataspace file_space(check(H5Dget_space(dataset.id()), dataset, kAction));
  check(H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                            nullptr),
        dataset, kAction);
  Dataspace memory_space(check(H5Screate_simple(1, &elements, nullptr), dataset, kAction));
  check(H5Dread(dataset.id(), memory_type<T>(), memory_space.id(), file_space.id(), H5P_DEFAULT,
                out.data()),
        dataset, kAction);
  return out;
}

std::vector<double> read_rows_as_double(const Dataset& dataset, hsize_t first_row,
                                        hsize_t row_count) {
  return read_rows<double>(dataset, first_row, row_count);
}

std::vector<std::string> read_strings(const Dataset& dataset) {
  constexpr std::string_view kAction = "read dataset";
  Datatype type(check(H5Dget_type(dataset.id()), dataset, kAction));
  Dataspace space(check(H5Dget_space(dataset.id()), dataset, kAction));
  const hssize_t count = H5Sget_simple_extent_npoints(space.id());
  if (count < 0) throw_error(dataset, kAction);
  // A pointer from HDF5 and a std::string per element, before any text.
  check_fits_memory(dataset, kAction, static_cast<hsize_t>(count),
                    sizeof(char*) + sizeof(std::string));
  const hid_t id = dataset.id();
  return read_string_values(
      type.id(), space.id(), static_cast<std::size_t>(count),
      [id](hid_t memory, void* buffer) {
        return H5Dread(id, memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer);
      },
      dataset, kAction);
}

// ---- dimension scales --------------------------------------------------------------------------

void make_scale(const Dataset& dataset, const std::string& dimension) {
  check(H5DSset_scale(dataset.id(), dimension.c_str()), dataset, "make a dimension scale of");
}

void attach_scale(const Dataset& dataset, const Dataset& scale, unsigned dim) {
  if (H5DSattach_scale(dataset.id(), scale.id(), dim) < 0) {
    throw_error(dataset, "attach dimension scale " + quote(object_path(scale)) + " to dimension " +
                             std::to_string(dim) + " of");
  }
}

void detach_scale(const Dataset& dataset, const Dataset& scale, unsigned dim) {
  if (H5DSdetach_scale(dataset.id(), scale.id(), dim) < 0) {
    throw_error(dataset, "detach dimension scale " + quote(object_path(scale)) +
                             " from dimension " + std::to_string(dim) + " of");
  }
}

bool is_attached(const Dataset& dataset, const Dataset& scale, unsigned dim) {
  return check(H5DSis_attached(dataset.id(), scale.id(), dim), dataset,
               "check the dimension scales of") > 0;
}

bool is_scale(const Dataset& dataset) {
  return check(H5DSis_scale(dataset.id()), dataset, "check the dimension-scale status of") > 0;
}

Dataset create_dimension(ObjectRef location, const std::string& name, hsize_t size,
                         bool unlimited) {
  DatasetOptions options;
  options.extendible = unlimited;
  if (unlimited) options.chunk = {1024};
  const hsize_t shape = size;
  Dataset dataset =
      create_dataset<float>(location, name, std::span<const hsize_t>(&shape, 1), options);
  std::string length = std::to_string(size);
  if (length.size() < 10) length.insert(0, 10 - length.size(), ' ');
  make_scale(dataset, std::string(kNotAVariable) + length);
  return dataset;
}

bool is_dimension_only(const Dataset& dataset) {
  if (!has_attribute(dataset, "NAME")) return false;
  const std::string name = read_string_attribute(dataset, "NAME");
  return name.find(kNotAVariable) != std::string::npos;
}

// ---- attributes --------------------------------------------------------------------------------

bool has_attribute(ObjectRef object, const std::string& name) {
  return check(H5Aexists_by_name(object.id(), ".", name.c_str(), H5P_DEFAULT), object,
               attribute_action("look up", name)) > 0;
}

void write_attribute(ObjectRef object, const std::string& name, std::string_view value) {
  const std::string text(value);
  const char* pointer = text.c_str();
  const Datatype type = utf8_string_type();
  write_scalar_attribute(object, name, type.id(), type.id(), &pointer);
}

void write_attribute(ObjectRef object, const std::string& name, std::int64_t value) {
  write_scalar_attribute(object, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

void write_attribute(ObjectRef object, const std::string& name, std::uint64_t value) {
  write_scalar_attribute(object, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &value);
}

void write_attribute(ObjectRef object, const std::string& name, double value) {
  write_scalar_attribute(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

std::string read_string_attribute(ObjectRef object, const std::string& name) {
  const std::string action = attribute_action("read", name);
  Attribute attribute = open_scalar_attribute(object, name, action, true);
  Datatype type(check(H5Aget_type(attribute.id()), object, action));
  Dataspace space(check(H5Aget_space(attribute.id()), object, action));
  const hid_t id = attribute.id();
  return read_string_values(
             type.id(), space.id(), 1,
             [id](hid_t memory, void* buffer) { return H5Aread(id, memory, buffer); }, object,
             action)
      .front();
}

std::int64_t read_int64_attribute(ObjectRef object, const std::string& name) {
  const std::string action = attribute_action("read", name);
  Attribute attribute = open_scalar_attribute(object, name, action, false);
  std::int64_t value = 0;
  check(H5Aread(attribute.id(), H5T_NATIVE_INT64, &value), object, action);
  return value;
}

std::uint64_t read_uint64_attribute(ObjectRef object, const std::string& name) {
  const std::string action = attribute_action("read", name);
  Attribute attribute = open_scalar_attribute(object, name, action, false);
  std::uint64_t value = 0;
  check(H5Aread(attribute.id(), H5T_NATIVE_UINT64, &value), object, action);
  return value;
}

double read_double_attribute(ObjectRef object, const std::string& name) {
  const std::string action = attribute_action("read", name);
  Attribute attribute = open_scalar_attribute(object, name, action, false);
  double value = 0;
  check(H5Aread(attribute.id(), H5T_NATIVE_DOUBLE, &value), object, action);
  return value;
}

namespace {
herr_t collect_attribute_name(hid_t /*location*/, const char* name, const H5A_info_t* /*info*/,
                              void* names) {
  static_cast<std::vector<std::string>*>(names)->emplace_back(name);
  return 0;
}
}  // namespace

std::vector<std::string> attribute_names(ObjectRef object) {
  std::vector<std::string> names;
  check(H5Aiterate_by_name(object.id(), ".", H5_INDEX_NAME, H5_ITER_INC, nullptr,
                           collect_attribute_name, &names, H5P_DEFAULT),
        object, "list the attributes of");
  return names;
}

std::string read_attribute_as_text(ObjectRef object, const std::string& name) {
  const std::string action = attribute_action("read", name);
  Attribute attribute = open_attribute(object, name, action);
  Datatype type(check(H5Aget_type(attribute.id()), object, action));
  Dataspace space(check(H5Aget_space(attribute.id()), object, action));
  const hssize_t points = H5Sget_simple_extent_npoints(space.id());
  if (points < 0) throw_error(object, action);
  const auto count = static_cast<std::size_t>(points);
  const bool scalar = H5Sget_simple_extent_type(space.id()) == H5S_SCALAR;
  const hid_t id = attribute.id();

  std::vector<std::string> values;
  const H5T_class_t type_class = H5Tget_class(type.id());
  if (type_class == H5T_STRING) {
    values = read_string_values(
        type.id(), space.id(), count,
        [id](hid_t memory, void* buffer) { return H5Aread(id, memory, buffer); }, object, action);
  } else if (type_class == H5T_INTEGER && H5Tget_sign(type.id()) == H5T_SGN_NONE) {
    std::vector<std::uint64_t> numbers(count);
    if (count > 0) check(H5Aread(id, H5T_NATIVE_UINT64, numbers.data()), object, action);
    for (auto v : numbers) values.push_back(std::to_string(v));
  } else if (type_class == H5T_INTEGER) {
    std::vector<std::int64_t> numbers(count);
    if (count > 0) check(H5Aread(id, H5T_NATIVE_INT64, numbers.data()), object, action);
    for (auto v : numbers) values.push_back(std::to_string(v));
  } else if (type_class == H5T_FLOAT) {
    std::vector<double> numbers(count);
    if (count > 0) check(H5Aread(id, H5T_NATIVE_DOUBLE, numbers.data()), object, action);
    for (auto v : numbers) values.push_back(format_double(v));
  } else {
    return "<HDF5 class " + std::to_string(static_cast<int>(type_class)) + " attribute>";
  }
  if (scalar && values.size() == 1) return values.front();
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ", ";
    out += values[i];
  }
  return out + "]";
}

// ---- explicit instantiations for the supported element types -----------------------------------

#define DIPSIM_H5_INSTANTIATE(T)                                                              \
  template hid_t memory_type<T>() noexcept;                                                   \
  template hid_t file_type<T>() noexcept;                                                     \
  template Dataset create_dataset<T>(ObjectRef, const std::string&, std::span<const hsize_t>, \
                                     const DatasetOptions&);                                  \
  template Dataset write_array<T>(ObjectRef, const std::string&, std::span<const T>,          \
                                  std::span<const hsize_t>, const DatasetOptions&);           \
  template Dataset write_array<T>(ObjectRef, const std::string&, std::span<const T>,          \
                                  const DatasetOptions&);                                     \
  template void RowAppender::append<T>(std::span<const T>);                                   \
  template void append_rows<T>(const Dataset&, std::span<const T>);                           \
  template std::vector<T> read_array<T>(const Dataset&);                                      \
  template std::vector<T> read_rows<T>(const Dataset&, hsize_t, hsize_t);

DIPSIM_H5_INSTANTIATE(std::int8_t)
DIPSIM_H5_INSTANTIATE(std::uint8_t)
DIPSIM_H5_INSTANTIATE(std::uint16_t)
DIPSIM_H5_INSTANTIATE(std::int32_t)
DIPSIM_H5_INSTANTIATE(std::uint32_t)
DIPSIM_H5_INSTANTIATE(std::int64_t)
DIPSIM_H5_INSTANTIATE(std::uint64_t)
DIPSIM_H5_INSTANTIATE(float)
DIPSIM_H5_INSTANTIATE(double)

#undef DIPSIM_H5_INSTANTIATE

}  // namespace dipsim::io::h5
