// The MPI executor (see executor.hpp): rank 0 owns the work queue, every rank computes.
//
// Protocol (MPI_COMM_WORLD, two tags): a worker sends kTagReport = its last run's record (or an
// empty first report) and blocks on kTagAssign, which carries the next run index or -1 = no more
// work. Asking only when idle balances runs of different lengths. On rank 0 the main thread is the
// only one that calls MPI (MPI_THREAD_FUNNELED): it answers reports by polling with MPI_Iprobe
// and a short sleep, so it leaves its core to rank 0's worker thread, which pulls from the same
// queue. Records are serialised as bytes; every rank writes run files into the shared folder.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

#include "dipsim/core/error.hpp"
#include "executor_internal.hpp"

#ifdef DIPSIM_HAVE_MPI
// The C API only: the deprecated C++ bindings would need libmpi_cxx.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#endif

namespace dipsim::sweep {

#ifndef DIPSIM_HAVE_MPI

bool have_mpi() {
  return false;
}

void abort_mpi(int) {}

SweepOutcome run_mpi(const Sweep&, const ExecOptions&) {
  throw core::Error(core::ErrorKind::kInput,
                    "this dipsim was built without MPI (install libopenmpi-dev with "
                    "scripts/setup.sh and rebuild); use --jobs or --shard instead");
}

#else

bool have_mpi() {
  return true;
}

void abort_mpi(int code) {
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (initialized && !finalized) MPI_Abort(MPI_COMM_WORLD, code);
}

namespace {

constexpr int kTagReport = 1;
constexpr int kTagAssign = 2;
constexpr std::int64_t kNoMoreWork = -1;

// ---- Record serialisation ------------------------------------------------------------------

class Writer {
 public:
  template <class T>
  void put(const T& x) {
    const auto* p = reinterpret_cast<const char*>(&x);
    bytes_.insert(bytes_.end(), p, p + sizeof(T));
  }
  void put_string(const std::string& s) {
    put<std::uint64_t>(s.size());
    bytes_.insert(bytes_.end(), s.begin(), s.end());
  }
  std::vector<char>& bytes() { return bytes_; }

 private:
  std::vector<char> bytes_;
};

class ByteReader {
 public:
  explicit ByteReader(const std::vector<char>& bytes) : bytes_(bytes) {}
  template <class T>
  T get() {
    need(sizeof(T));
    T x;
    std::memcpy(&x, bytes_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return x;
  }
  std::string get_string() {
    const auto n = get<std::uint64_t>();
    need(n);
    std::string s(bytes_.data() + pos_, n);
    pos_ += n;
    return s;
  }

 private:
  void need(std::size_t n) const {
    if (pos_ + n > bytes_.size()) {
      throw core::Error(core::ErrorKind::kInternal, "truncated MPI message from a sweep worker");
    }
  }
  const std::vector<char>& bytes_;
  std::size_t pos_ = 0;
};

std::vector<char> encode(std::int64_t run, const RunRecord& r) {
  Writer w;
  w.put(run);
  w.put_string(r.status);
  w.put_string(r.error);
  w.put_string(r.host);
  w.put(r.wall_seconds);
  w.put<std::uint64_t>(r.summaries.size());
  for (double x : r.summaries) w.put(x);
  return std::move(w.bytes());
}

std::int64_t decode(const std::vector<char>& bytes, RunRecord& r) {
  ByteReader in(bytes);
  const auto run = in.get<std::int64_t>();
  if (run < 0) return run;
  r.status = in.get_string();
  r.error = in.get_string();
  r.host = in.get_string();
  r.wall_seconds = in.get<double>();
  r.summaries.resize(in.get<std::uint64_t>());
  for (double& x : r.summaries) x = in.get<double>();
  return run;
}

void check_mpi(int code, const char* what) {
  if (code != MPI_SUCCESS) {
    char text[MPI_MAX_ERROR_STRING];
    int len = 0;
    MPI_Error_string(code, text, &len);
    throw core::Error(core::ErrorKind::kIo, std::string(what) + " failed: " +
                                                std::string(text, static_cast<std::size_t>(len)));
  }
}

// Finalizes MPI when run_mpi returns, or throws before the ranks started working together (all
// ranks then throw alike). Once they work together, an exception leaves MPI running: the other
// ranks may wait for a message that never comes, so the caller reports the error and then calls
// abort_mpi(), which ends the whole job.
class MpiSession {
 public:
  MpiSession() {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized) {
      int provided = 0;
      check_mpi(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided),
                "MPI_Init_thread");
      if (provided < MPI_THREAD_FUNNELED) {
        throw core::Error(core::ErrorKind::kIo,
                          "the MPI library does not support threads (MPI_THREAD_FUNNELED)");
      }
      owner_ = true;
    }
  }
  ~MpiSession() {
    if (!owner_) return;
    if (working_together_ && std::uncaught_exceptions() > uncaught_) return;  // abort_mpi()
    MPI_Finalize();
  }
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  void working_together(bool yes) { working_together_ = yes; }

 private:
  bool owner_ = false;
  bool working_together_ = false;
  int uncaught_ = std::uncaught_exceptions();
};

}  // namespace

SweepOutcome run_mpi(const Sweep& sweep, const ExecOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  MpiSession session;
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  // Threads per run: all cores shared by the ranks on this node unless --threads says otherwise.
  MPI_Comm node = MPI_COMM_NULL;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node);
  int local_ranks = 1;
  MPI_Comm_size(node, &local_ranks);
  MPI_Comm_free(&node);
  const std::uint32_t threads =
      options.threads > 0 ? options.threads
                          : std::max<std::uint32_t>(1, detail::hardware_threads() /
                                                           static_cast<std::uint32_t>(local_ranks));
  SweepOutcome outcome;
  outcome.jobs = static_cast<std::uint32_t>(size);
  outcome.threads_per_run = threads;
  outcome.is_root = rank == 0;

  // Rank 0 checks the folder; a mistake there ends every rank with the same error kind.
  detail::Plan plan;
  int error_kind = -1;
  std::string error_text;
  if (rank == 0) {
    try {
      plan = detail::prepare(sweep, options);
    } catch (const core::Error& e) {
      error_kind = static_cast<int>(e.kind());
      error_text = e.what();
    }
  }
  MPI_Bcast(&error_kind, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (error_kind >= 0) {
    if (rank == 0) throw core::Error(static_cast<core::ErrorKind>(error_kind), error_text);
    throw core::Error(static_cast<core::ErrorKind>(error_kind),
                      "rank 0 could not start the sweep (see its message)");
  }
  session.working_together(true);
  const auto stopping = [&] { return options.stop != nullptr && options.stop->load(); };

  if (rank != 0) {
    // Worker: report, get the next run, run it, repeat.
    std::vector<char> message = encode(kNoMoreWork, RunRecord{});
    for (;;) {
      check_mpi(MPI_Send(message.data(), static_cast<int>(message.size()), MPI_BYTE, 0, kTagReport,
                         MPI_COMM_WORLD),
                "MPI_Send");
      std::int64_t run = kNoMoreWork;
      check_mpi(MPI_Recv(&run, 1, MPI_INT64_T, 0, kTagAssign, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
                "MPI_Recv");
      if (run == kNoMoreWork) break;
      const RunRecord rec = execute_run(sweep, static_cast<std::uint64_t>(run), options.output_dir,
                                        threads, options.stop);
      ++outcome.progress.done;
      message = encode(run, rec);
    }
    session.working_together(false);
    outcome.interrupted = stopping();
    return outcome;
  }

  // Rank 0: the queue, a local worker thread, and the coordinator loop on this thread.
  std::mutex mutex;
  std::deque<std::uint64_t> queue(plan.todo.begin(), plan.todo.end());
  SweepProgress progress;
  progress.total = plan.in_scope;
  progress.skipped = plan.skipped;
  std::exception_ptr failure;
  bool local_done = false;
  const auto take = [&]() -> std::int64_t {
    std::lock_guard lock(mutex);
    if (stopping() || failure || queue.empty()) return kNoMoreWork;
    const std::uint64_t run = queue.front();
    queue.pop_front();
    ++progress.running;
    return static_cast<std::int64_t>(run);
  };
  const auto store = [&](std::uint64_t run, RunRecord rec) {
    std::lock_guard lock(mutex);
    --progress.running;
    ++progress.done;
    if (rec.status == "failed") ++progress.failed;
    plan.records[run] = std::move(rec);
  };
  std::thread local([&] {
    try {
      for (std::int64_t run = take(); run != kNoMoreWork; run = take()) {
        store(static_cast<std::uint64_t>(run),
              execute_run(sweep, static_cast<std::uint64_t>(run), options.output_dir, threads,
                          options.stop));
      }
    } catch (...) {
      std::lock_guard lock(mutex);
      if (!failure) failure = std::current_exception();
    }
    std::lock_guard lock(mutex);
    local_done = true;
  });

  int workers = size - 1;
  auto last_progress = std::chrono::steady_clock::now();
  auto last_index = last_progress;
  const bool write_during = options.index_every_seconds > 0;
  if (write_during) {
    std::vector<RunRecord> snapshot;
    {
      std::lock_guard lock(mutex);
      snapshot = plan.records;
    }
    write_index(sweep, snapshot, options.output_dir);
  }
  std::vector<char> buffer;
  try {
    for (;;) {
      {
        std::lock_guard lock(mutex);
        if (workers == 0 && local_done) break;
      }
      int flag = 0;
      MPI_Status status;
      check_mpi(MPI_Iprobe(MPI_ANY_SOURCE, kTagReport, MPI_COMM_WORLD, &flag, &status),
                "MPI_Iprobe");
      if (flag) {
        int count = 0;
        MPI_Get_count(&status, MPI_BYTE, &count);
        buffer.resize(static_cast<std::size_t>(count));
        check_mpi(MPI_Recv(buffer.data(), count, MPI_BYTE, status.MPI_SOURCE, kTagReport,
                           MPI_COMM_WORLD, MPI_STATUS_IGNORE),
                  "MPI_Recv");
        RunRecord rec;
        const std::int64_t done = decode(buffer, rec);
        if (done >= 0) store(static_cast<std::uint64_t>(done), std::move(rec));
        std::int64_t next = take();
        check_mpi(MPI_Send(&next, 1, MPI_INT64_T, status.MPI_SOURCE, kTagAssign, MPI_COMM_WORLD),
                  "MPI_Send");
        if (next == kNoMoreWork) --workers;
        continue;  // drain further reports before sleeping
      }
      if (detail::seconds_since(last_progress) >= 0.2) {
        last_progress = std::chrono::steady_clock::now();
        SweepProgress now;
        {
          std::lock_guard lock(mutex);
          progress.elapsed_seconds = detail::seconds_since(start);
          now = progress;
        }
        if (options.progress) options.progress(now);
      }
      if (write_during && detail::seconds_since(last_index) >= options.index_every_seconds) {
        last_index = std::chrono::steady_clock::now();
        std::vector<RunRecord> snapshot;
        {
          std::lock_guard lock(mutex);
          snapshot = plan.records;
        }
        write_index(sweep, snapshot, options.output_dir);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  } catch (...) {
    {
      std::lock_guard lock(mutex);
      queue.clear();
    }
    local.join();
    throw;
  }
  local.join();
  session.working_together(false);
  if (failure) std::rethrow_exception(failure);
  progress.elapsed_seconds = detail::seconds_since(start);
  outcome.progress = progress;
  outcome.interrupted = stopping();
  if (options.progress) options.progress(progress);
  write_index(sweep, plan.records, options.output_dir);
  detail::count_statuses(plan.records, outcome);
  outcome.index = options.output_dir / kIndexFileName;
  return outcome;
}

#endif

}  // namespace dipsim::sweep
