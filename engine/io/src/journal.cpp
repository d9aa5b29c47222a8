#include "dipsim/io/journal.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <random>
#include <string>

#include "dipsim/core/error.hpp"
#include "dipsim/io/fault.hpp"

namespace dipsim::io {
namespace {

constexpr std::array<char, 8> kMagic{'D', 'S', 'J', 'R', 'N', 'L', '0', '1'};
constexpr std::uint32_t kByteOrderMark = 0x01020304u;
constexpr std::size_t kHeaderBytes = 24;
constexpr std::size_t kRecordHeadBytes = 24;
constexpr std::uint32_t kSnapshot = 1;
constexpr std::uint32_t kCascades = 2;
/// Bytes of one cascade row in a record (its columns packed one after another).
constexpr std::size_t kCascadeRowBytes = 8 + 4 + 1 + 4 + 4 + 4 + 4 + 4;

core::Error journal_error(core::ErrorKind kind, const std::filesystem::path& path,
                          const std::string& what) {
  return core::Error(kind, what, core::InputLocation{path.string(), 0, 0, ""});
}

std::string errno_text() {
  return std::strerror(errno);
}

std::uint64_t fnv1a(std::span<const std::byte> bytes) {
  std::uint64_t h = 1469598103934665603ull;
  for (const std::byte b : bytes) {
    h ^= static_cast<std::uint64_t>(b);
    h *= 1099511628211ull;
  }
  return h;
}

template <class T>
void put(std::vector<std::byte>& out, const T& value) {
  const auto* p = reinterpret_cast<const std::byte*>(&value);
  out.insert(out.end(), p, p + sizeof(T));
}

template <class T>
T get(std::span<const std::byte> in, std::size_t at) {
  T value;
  std::memcpy(&value, in.data() + at, sizeof(T));
  return value;
}

/// Writes all of `bytes` at the end of the file, retrying short writes and EINTR.
void write_all(int fd, const std::filesystem::path& path, std::span<const std::byte> bytes) {
  if (fault::should_fail(fault::Op::kWrite)) {
    throw journal_error(core::ErrorKind::kIo, path,
                        "cannot write the run journal: " + fault::describe(fault::Op::kWrite));
  }
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw journal_error(core::ErrorKind::kIo, path,
                          "cannot write the run journal: " + errno_text());
    }
    done += static_cast<std::size_t>(n);
  }
}

std::uint64_t random_token() {
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

}  // namespace

std::filesystem::path Journal::path_for(const std::filesystem::path& run_file) {
  return std::filesystem::path(run_file.string() + ".journal");
}

Journal::Journal(std::filesystem::path path, int fd, std::uint64_t token, std::uint64_t bytes)
    : path_(std::move(path)), fd_(fd), token_(token), bytes_(bytes) {}

Journal::Journal(Journal&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(std::exchange(other.fd_, -1)),
      token_(other.token_),
      bytes_(other.bytes_),
      scratch_(std::move(other.scratch_)) {}

Journal& Journal::operator=(Journal&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
    token_ = other.token_;
    bytes_ = other.bytes_;
    scratch_ = std::move(other.scratch_);
  }
  return *this;
}

Journal::~Journal() {
  if (fd_ >= 0) ::close(fd_);
}

Journal Journal::create(const std::filesystem::path& path) {
  if (fault::should_fail(fault::Op::kCreate)) {
    throw journal_error(core::ErrorKind::kIo, path,
                        "cannot create the run journal: " + fault::describe(fault::Op::kCreate));
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw journal_error(core::ErrorKind::kIo, path,
                        "cannot create the run journal: " + errno_text());
  }
  Journal journal(path, fd, random_token(), 0);
  std::vector<std::byte> header;
  header.insert(header.end(), reinterpret_cast<const std::byte*>(kMagic.data()),
                reinterpret_cast<const std::byte*>(kMagic.data()) + kMagic.size());
  put(header, journal.token_);
  put(header, static_cast<std::uint32_t>(sizeof(Real)));
  put(header, kByteOrderMark);
  write_all(fd, path, header);
  journal.bytes_ = header.size();
  return journal;
}

Journal Journal::resume(const std::filesystem::path& path, std::uint64_t token, std::uint64_t bytes,
                        JournalContents& contents) {
  const int fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CLOEXEC);
  if (fd < 0) {
    throw journal_error(
        core::ErrorKind::kIo, path,
        "cannot open the run journal that the checkpoint counts on: " + errno_text());
  }
  Journal journal(path, fd, token, bytes);  // closes fd on every error below
  // The count comes from the checkpoint: check it against the file before allocating for it.
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    throw journal_error(core::ErrorKind::kIo, path, "cannot read the run journal: " + errno_text());
  }
  if (static_cast<std::uint64_t>(info.st_size) < bytes) {
    throw journal_error(core::ErrorKind::kInput, path,
                        "the run journal has " + std::to_string(info.st_size) +
                            " bytes, but its checkpoint counts " + std::to_string(bytes) +
                            "; it was cut or belongs to another run");
  }
  std::vector<std::byte> data(bytes);
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::pread(fd, data.data() + done, data.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      throw journal_error(core::ErrorKind::kIo, path,
                          "cannot read the run journal: " + errno_text());
    }
    if (n == 0) {
      throw journal_error(core::ErrorKind::kInput, path,
                          "the run journal has " + std::to_string(done) +
                              " bytes, but its checkpoint counts " + std::to_string(bytes) +
                              "; it was cut or belongs to another run");
    }
    done += static_cast<std::size_t>(n);
  }
  const std::span<const std::byte> in(data);
  if (bytes < kHeaderBytes || std::memcmp(in.data(), kMagic.data(), kMagic.size()) != 0) {
    throw journal_error(core::ErrorKind::kInput, path,
                        "not a dipsim run journal (expected the header \"DSJRNL01\")");
  }
  if (get<std::uint32_t>(in, 20) != kByteOrderMark ||
      get<std::uint32_t>(in, 16) != static_cast<std::uint32_t>(sizeof(Real))) {
    throw journal_error(core::ErrorKind::kInput, path,
                        "the run journal was written on a machine of another byte order or by "
                        "a build with another attitude precision; resume it there");
  }
  if (get<std::uint64_t>(in, 8) != token) {
    throw journal_error(core::ErrorKind::kInput, path,
                        "the run journal belongs to another run than its checkpoint (tokens "
                        "differ); run the scenario again");
  }
  std::size_t at = kHeaderBytes;
  while (at < bytes) {
    const std::string where = "the run journal's record at byte " + std::to_string(at);
    if (bytes - at < kRecordHeadBytes) {
      throw journal_error(core::ErrorKind::kInput, path, where + " is cut short");
    }
    const auto kind = get<std::uint32_t>(in, at);
    const auto step = get<std::uint32_t>(in, at + 4);
    const auto count = get<std::uint64_t>(in, at + 8);
    const auto checksum = get<std::uint64_t>(in, at + 16);
    at += kRecordHeadBytes;
    const std::uint64_t unit = kind == kSnapshot ? sizeof(Real) : kCascadeRowBytes;
    if (kind != kSnapshot && kind != kCascades) {
      throw journal_error(core::ErrorKind::kInput, path,
                          where + " has the unknown kind " + std::to_string(kind));
    }
    if (count > (bytes - at) / unit) {
      throw journal_error(core::ErrorKind::kInput, path, where + " is cut short");
    }
    const auto payload = in.subspan(at, count * unit);
    if (fnv1a(payload) != checksum) {
      throw journal_error(core::ErrorKind::kInput, path, where + " is damaged (checksum)");
    }
    if (kind == kSnapshot) {
      std::vector<Real> values(count);
      std::memcpy(values.data(), payload.data(), payload.size());
      contents.snapshots.emplace_back(step, std::move(values));
    } else {
      const std::size_t n = count;
      std::size_t col = 0;
      const auto column = [&](std::size_t width) {
        const std::size_t first = col;
        col += width * n;
        return first;
      };
      const std::size_t c_root = column(8), c_author = column(4), c_state = column(1),
                        c_size = column(4), c_depth = column(4), c_start = column(4),
                        c_lifetime = column(4), c_quality = column(4);
      for (std::size_t i = 0; i < n; ++i) {
        contents.cascades.push_back(sim::CascadeRow{
            get<std::uint64_t>(payload, c_root + 8 * i), get<NodeId>(payload, c_author + 4 * i),
            get<std::uint8_t>(payload, c_state + i), get<std::uint32_t>(payload, c_size + 4 * i),
            get<std::uint32_t>(payload, c_depth + 4 * i), get<Step>(payload, c_start + 4 * i),
            get<Step>(payload, c_lifetime + 4 * i), get<float>(payload, c_quality + 4 * i)});
      }
    }
    at += payload.size();
  }
  if (::ftruncate(fd, static_cast<off_t>(bytes)) != 0) {
    throw journal_error(core::ErrorKind::kIo, path,
                        "cannot cut the run journal back to its checkpoint: " + errno_text());
  }
  return journal;
}

void Journal::append(std::uint32_t kind, std::uint32_t step, std::uint64_t count,
                     std::span<const std::byte> payload) {
  std::array<std::byte, kRecordHeadBytes> head{};
  const std::uint64_t checksum = fnv1a(payload);
  std::memcpy(head.data(), &kind, 4);
  std::memcpy(head.data() + 4, &step, 4);
  std::memcpy(head.data() + 8, &count, 8);
  std::memcpy(head.data() + 16, &checksum, 8);
  write_all(fd_, path_, head);
  write_all(fd_, path_, payload);
  bytes_ += head.size() + payload.size();
}

void Journal::append_snapshot(std::uint32_t step, std::span<const Real> attitudes) {
  append(kSnapshot, step, attitudes.size(), std::as_bytes(attitudes));
}

void Journal::append_cascades(std::span<const sim::CascadeRow> rows) {
  if (rows.empty()) return;
  scratch_.clear();
  scratch_.reserve(rows.size() * kCascadeRowBytes);
  for (const auto& r : rows) put(scratch_, r.root);
  for (const auto& r : rows) put(scratch_, r.author);
  for (const auto& r : rows) put(scratch_, r.state);
  for (const auto& r : rows) put(scratch_, r.size);
  for (const auto& r : rows) put(scratch_, r.depth);
  for (const auto& r : rows) put(scratch_, r.start);
  for (const auto& r : rows) put(scratch_, r.lifetime);
  for (const auto& r : rows) put(scratch_, r.quality);
  append(kCascades, 0, rows.size(), scratch_);
}

void Journal::sync() {
  if (fault::should_fail(fault::Op::kFlush)) {
    throw journal_error(core::ErrorKind::kIo, path_,
                        "cannot flush the run journal: " + fault::describe(fault::Op::kFlush));
  }
  if (::fdatasync(fd_) != 0) {
    throw journal_error(core::ErrorKind::kIo, path_,
                        "cannot flush the run journal: " + errno_text());
  }
}

}  // namespace dipsim::io
