// The CPU backend's one thread pool. Our parallel loops and OpenBLAS's GEMM jobs (through its
// threads callback) both run on it, so no two pools ever spin against each other for the
// cores. Work is split over threads only when it pays: below the grain size the fork/join
// costs more than the loop.
#pragma once
#include <algorithm>
#include <cstdint>

namespace gl {

constexpr int64_t kParallelGrain = 32768;

// Threads the CPU kernels use (the caller plus pool workers). Starts from OMP_NUM_THREADS,
// then MXNET_CPU_WORKER_NTHREADS, then the CPUs this process may run on.
int cpu_threads();
// Sets the thread count for the whole process (1 ..= kMaxCpuThreads); OpenBLAS follows it.
void set_cpu_threads(int threads);
constexpr int kMaxCpuThreads = 256;

// True in a process forked from this one (DataLoader workers, user multiprocessing).
bool in_forked_child();

// While one of these lives, OpenBLAS runs each call on the calling thread: for GEMMs issued
// from inside a parallel task, where the pool is already in use. Nesting is counted.
class SerialBlasScope {
 public:
  SerialBlasScope();
  ~SerialBlasScope();
  SerialBlasScope(const SerialBlasScope&) = delete;
  SerialBlasScope& operator=(const SerialBlasScope&) = delete;
};

namespace detail {
using TaskFn = void (*)(void* ctx, int task);
// Runs task(ctx, t) for t in [0, n) (n <= 65535) on the pool's workers and the calling
// thread, each task taken by whichever thread is free. Returns false (running nothing)
// when the pool is in use by another caller or by an enclosing task. The first exception
// a task throws is rethrown here after all have finished.
bool run_on_pool(int n, TaskFn task, void* ctx);
// Runs the n tasks on n threads at once, always: for work whose tasks wait on each other
// (OpenBLAS's jobs). Uses short-lived threads when the pool is taken.
void run_concurrently(int n, TaskFn task, void* ctx);
}  // namespace detail

// Calls fn(t) for t in [0, tasks), spread over at most `tasks` threads; serially when the
// pool is taken (a nested call) or tasks <= 1.
template <typename Fn>
void parallel_tasks(int tasks, Fn fn) {
  if (tasks > 1) {
    auto run = [](void* ctx, int t) { (*static_cast<Fn*>(ctx))(t); };
    if (detail::run_on_pool(tasks, run, &fn)) return;
  }
  for (int t = 0; t < tasks; ++t) fn(t);
}

// Calls fn(begin, end) over [0, n) in contiguous chunks, in parallel when n is large.
template <typename Fn>
void parallel_for(int64_t n, int64_t grain, Fn fn) {
  if (n <= 0) return;
  const int threads =
      n > grain ? static_cast<int>(std::min<int64_t>(cpu_threads(), (n + grain - 1) / grain)) : 1;
  if (threads <= 1) {
    fn(int64_t(0), n);
    return;
  }
  const int64_t chunk = (n + threads - 1) / threads;
  parallel_tasks(threads, [&](int t) {
    const int64_t begin = t * chunk, end = std::min(n, begin + chunk);
    if (begin < end) fn(begin, end);
  });
}

}  // namespace gl
