// The thread pool behind parallel_for and OpenBLAS (see parallel.h).
//
// One job runs at a time: the caller publishes it in one atomic word, takes tasks itself
// and waits until every task has finished. A worker spins briefly after each
// job (the next op usually follows within microseconds), then sleeps on a condition
// variable, so an idle process holds no core. OpenBLAS is handed the same pool through
// scipy_openblas_set_threads_callback_function; its own server threads are never woken.
#include "parallel.h"

#include <cblas.h>
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define GL_CPU_RELAX() _mm_pause()
#elif defined(__aarch64__)
#define GL_CPU_RELAX() asm volatile("yield" ::: "memory")
#else
#define GL_CPU_RELAX() ((void)0)
#endif

namespace gl {

namespace {

// How long an idle worker polls for the next job before it sleeps. Ops of a training step
// follow each other within this; a sleeping worker takes tens of microseconds to wake.
constexpr auto kSpinTime = std::chrono::microseconds(200);

std::atomic<bool> g_forked_child{false};
std::atomic<int> g_threads{0};  // 0: not yet read from the environment
std::atomic<int> g_serial_blas_scopes{0};
thread_local bool t_inside_task = false;  // this thread is running a pool task

int positive_env_int(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return 0;
  char* end = nullptr;
  long n = std::strtol(v, &end, 10);  // OMP_NUM_THREADS may be a list: "4,2" means 4
  if (end == v || (*end != '\0' && *end != ',') || n < 1) return 0;
  return static_cast<int>(std::min<long>(n, kMaxCpuThreads));
}

int default_threads() {
  for (const char* name : {"OMP_NUM_THREADS", "MXNET_CPU_WORKER_NTHREADS"})
    if (int n = positive_env_int(name)) return n;
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n > 0) return std::min(n, kMaxCpuThreads);
  }
  unsigned hw = std::thread::hardware_concurrency();
  return hw ? static_cast<int>(std::min<unsigned>(hw, kMaxCpuThreads)) : 1;
}

// Tasks are claimed from one atomic word, claim_ = generation << 32 | tasks << 16 | next:
// a claim succeeds only for the current job, so a worker that wakes late can never run a
// task of a job it did not see published. Independent tasks (parallel_for) are claimed by
// whoever is free, the caller included: a descheduled worker's share is done by the others
// instead of being waited for. Tasks that wait on each other (OpenBLAS's jobs) take one
// task per thread, so all of them run at once.
class ThreadPool {
 public:
  bool try_run(int n, detail::TaskFn task, void* ctx, bool one_task_per_thread) {
    bool expected = false;
    if (n > 0xffff || t_inside_task ||
        !busy_.compare_exchange_strong(expected, true, std::memory_order_acquire))
      return false;
    try {
      grow(n - 1);
    } catch (...) {  // no threads to be had: the caller runs the work another way
      busy_.store(false, std::memory_order_release);
      return false;
    }
    task_ = task;
    ctx_ = ctx;
    one_task_per_thread_ = one_task_per_thread;
    error_ = nullptr;
    remaining_.store(n, std::memory_order_relaxed);
    const uint64_t generation =
        (generation_of(claim_.load(std::memory_order_relaxed)) + 1) & 0xffffffffu;
    claim_.store(generation << 32 | static_cast<uint64_t>(n) << 16, std::memory_order_seq_cst);
    if (sleeping_.load(std::memory_order_seq_cst) > 0) {
      {
        std::lock_guard<std::mutex> lock(mu_);
      }
      wake_.notify_all();
    }
    run_claimed_tasks(generation);
    for (int spins = 0; remaining_.load(std::memory_order_acquire) != 0; ++spins) {
      if (spins < 4096)
        GL_CPU_RELAX();
      else
        std::this_thread::yield();  // a worker was descheduled mid-task: give it the core
    }
    std::exception_ptr error = error_;
    busy_.store(false, std::memory_order_release);
    if (error) std::rethrow_exception(error);
    return true;
  }

 private:
  static uint64_t generation_of(uint64_t claim) { return claim >> 32; }

  // Called before the job is published: a new worker starts from the current generation,
  // so it cannot miss the job it was started for.
  void grow(int workers) {
    while (static_cast<int>(workers_.size()) < workers) {
      const int index = static_cast<int>(workers_.size()) + 1;
      const uint64_t seen = generation_of(claim_.load(std::memory_order_relaxed));
      workers_.emplace_back([this, index, seen] { worker_loop(index, seen); });
      workers_.back().detach();  // the pool lives until the process exits
    }
  }

  // Claims the next task of job `generation`; false when it has none left (or is over).
  bool claim(uint64_t generation, int* task) {
    uint64_t c = claim_.load(std::memory_order_acquire);
    for (;;) {
      const uint64_t tasks = (c >> 16) & 0xffff, next = c & 0xffff;
      if (generation_of(c) != generation || next >= tasks) return false;
      if (claim_.compare_exchange_weak(c, c + 1, std::memory_order_acq_rel,
                                       std::memory_order_acquire)) {
        *task = static_cast<int>(next);
        return true;
      }
    }
  }

  // The job's fields are stable while a claimed task is unfinished (remaining_ > 0).
  void run_claimed_tasks(uint64_t generation) {
    int t;
    while (claim(generation, &t)) {
      const bool just_one = one_task_per_thread_;
      t_inside_task = true;
      try {
        task_(ctx_, t);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mu_);
        if (!error_) error_ = std::current_exception();
      }
      t_inside_task = false;
      remaining_.fetch_sub(1, std::memory_order_acq_rel);
      if (just_one) return;
    }
  }

  // Worker `index` (1-based) joins only jobs of more than `index` tasks, and polls for the
  // next job only after one it joined: workers left over from a larger thread count sleep
  // instead of spinning on cores the job's own threads need.
  void worker_loop(int index, uint64_t seen) {
    bool joined = false;
    for (;;) {
      const uint64_t c = wait_for_job(seen, joined);
      seen = generation_of(c);
      joined = index < static_cast<int>((c >> 16) & 0xffff);
      if (joined) run_claimed_tasks(seen);
    }
  }

  uint64_t wait_for_job(uint64_t seen, bool poll) {
    const auto deadline =
        std::chrono::steady_clock::now() + (poll ? kSpinTime : std::chrono::microseconds(0));
    for (int spins = 0;; ++spins) {
      uint64_t c = claim_.load(std::memory_order_acquire);
      if (generation_of(c) != seen) return c;
      if ((spins & 255) == 255 && std::chrono::steady_clock::now() > deadline) break;
      GL_CPU_RELAX();
    }
    std::unique_lock<std::mutex> lock(mu_);
    sleeping_.fetch_add(1, std::memory_order_seq_cst);
    uint64_t c;
    wake_.wait(lock, [&] {
      c = claim_.load(std::memory_order_seq_cst);
      return generation_of(c) != seen;
    });
    sleeping_.fetch_sub(1, std::memory_order_relaxed);
    return c;
  }

  std::atomic<bool> busy_{false};
  std::vector<std::thread> workers_;  // changed only by the caller holding busy_
  detail::TaskFn task_ = nullptr;
  void* ctx_ = nullptr;
  bool one_task_per_thread_ = false;
  std::exception_ptr error_;
  std::mutex error_mu_;
  std::atomic<uint64_t> claim_{0};
  std::atomic<int> remaining_{0};
  std::atomic<int> sleeping_{0};
  std::mutex mu_;
  std::condition_variable wake_;
};

// The pool of this process. A forked child has none of its parent's threads (and may have
// been forked mid-job), so it starts a new pool; the parent's copy is left untouched.
std::atomic<ThreadPool*> g_pool{nullptr};

ThreadPool& pool() {
  ThreadPool* p = g_pool.load(std::memory_order_acquire);
  if (p) return *p;
  auto fresh = std::make_unique<ThreadPool>();  // no workers yet: safe to drop if we lose
  if (g_pool.compare_exchange_strong(p, fresh.get(), std::memory_order_acq_rel))
    return *fresh.release();  // never freed: its detached workers use it until exit
  return *p;
}

void on_fork_child() {
  g_forked_child.store(true);
  g_pool.store(nullptr);  // the old pool's threads do not exist here
}

// OpenBLAS hands its jobs here: numjobs jobs that wait on each other, so all must run at
// the same time.
void run_blas_jobs(int /*sync*/, openblas_dojob_callback dojob, int numjobs, size_t jobdata_elsize,
                   void* jobdata, int dojob_data) {
  struct Jobs {
    openblas_dojob_callback dojob;
    char* data;
    size_t elsize;
    int dojob_data;
  } jobs{dojob, static_cast<char*>(jobdata), jobdata_elsize, dojob_data};
  detail::run_concurrently(
      numjobs,
      [](void* ctx, int t) {
        auto& j = *static_cast<Jobs*>(ctx);
        j.dojob(t, j.data + static_cast<size_t>(t) * j.elsize, j.dojob_data);
      },
      &jobs);
}

struct Startup {
  Startup() {
    pthread_atfork(nullptr, nullptr, on_fork_child);
    scipy_openblas_set_threads_callback_function(run_blas_jobs);
    set_cpu_threads(default_threads());
  }
} g_startup;

}  // namespace

int cpu_threads() { return g_threads.load(std::memory_order_relaxed); }

void set_cpu_threads(int threads) {
  threads = std::max(1, std::min(threads, kMaxCpuThreads));
  g_threads.store(threads, std::memory_order_relaxed);
  if (g_serial_blas_scopes.load() == 0) scipy_openblas_set_num_threads(threads);
}

bool in_forked_child() { return g_forked_child.load(std::memory_order_relaxed); }

SerialBlasScope::SerialBlasScope() {
  if (g_serial_blas_scopes.fetch_add(1) == 0 && cpu_threads() > 1)
    scipy_openblas_set_num_threads(1);
}

SerialBlasScope::~SerialBlasScope() {
  if (g_serial_blas_scopes.fetch_sub(1) == 1) scipy_openblas_set_num_threads(cpu_threads());
}

namespace detail {

bool run_on_pool(int n, TaskFn task, void* ctx) {
  if (n <= 1) {
    if (n == 1) task(ctx, 0);
    return true;
  }
  return pool().try_run(n, task, ctx, /*one_task_per_thread=*/false);
}

void run_concurrently(int n, TaskFn task, void* ctx) {
  if (n <= 1) {
    if (n == 1) task(ctx, 0);
    return;
  }
  if (pool().try_run(n, task, ctx, /*one_task_per_thread=*/true)) return;
  // The pool is taken (a GEMM inside a parallel task, or another thread's job): the jobs
  // still need n threads at once, so the extra ones are started for this call.
  std::exception_ptr error;
  std::mutex error_mu;
  auto guarded = [&](int t) {
    try {
      task(ctx, t);
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mu);
      if (!error) error = std::current_exception();
    }
  };
  std::vector<std::thread> helpers;
  helpers.reserve(static_cast<size_t>(n - 1));
  for (int t = 1; t < n; ++t) helpers.emplace_back(guarded, t);
  guarded(0);
  for (auto& h : helpers) h.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace detail

}  // namespace gl
