// Splitting work over threads (OpenMP) only when it pays: below the grain size the
// fork/join costs more than the loop.
#pragma once
#include <algorithm>
#include <cstdint>
#ifdef _OPENMP
#include <omp.h>
#endif

namespace gl {

constexpr int64_t kParallelGrain = 32768;

// True in a process forked from one that used OpenMP (DataLoader workers, user
// multiprocessing): GNU OpenMP's thread pool does not survive fork(), so such a child
// runs every loop serially instead of hanging in its first parallel region.
bool in_forked_child();

// Calls fn(begin, end) over [0, n) in contiguous chunks, in parallel when n is large.
template <typename Fn>
void parallel_for(int64_t n, int64_t grain, Fn fn) {
#ifdef _OPENMP
  if (n > grain && !in_forked_child() && omp_get_max_threads() > 1 && !omp_in_parallel()) {
    int threads = static_cast<int>(std::min<int64_t>(omp_get_max_threads(), (n + grain - 1) / grain));
#pragma omp parallel num_threads(threads)
    {
      int tid = omp_get_thread_num();
      int64_t chunk = (n + threads - 1) / threads;
      int64_t begin = tid * chunk, end = std::min(n, begin + chunk);
      if (begin < end) fn(begin, end);
    }
    return;
  }
#endif
  if (n > 0) fn(0, n);
}

}  // namespace gl
