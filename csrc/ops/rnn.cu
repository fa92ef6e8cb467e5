// CUDA kernels of rnn.cc: the per-step gate passes (forward and backward), a thread per
// hidden unit, with the functors of rnn.h. The GEMMs between them go through ops::gemm.
#include "../core/tensor.h"
#include "../cuda/runtime.h"
#include "../cuda/elementwise.cuh"
#include "cuda_kernels.h"
#include "rnn.h"

namespace gl::ops {

namespace {

template <typename F>
__global__ void rnn_units_kernel(F f, int64_t count) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < count;
       i += int64_t(blockDim.x) * gridDim.x)
    f(i);
}

}  // namespace

template <typename T>
void rnn_step_cuda(const RnnStep<T>& step, int64_t count) {
  if (count == 0) return;
  rnn_units_kernel<<<cuda::grid_for(count), cuda::kBlock>>>(step, count);
  cuda::check_launch("RNN");
}

template <typename T>
void rnn_step_cuda(const RnnStepGrad<T>& step, int64_t count) {
  if (count == 0) return;
  rnn_units_kernel<<<cuda::grid_for(count), cuda::kBlock>>>(step, count);
  cuda::check_launch("RNN (backward)");
}

template <typename T>
void rnn_step_cuda(const RnnCarry<T>& step, int64_t count) {
  if (count == 0) return;
  rnn_units_kernel<<<cuda::grid_for(count), cuda::kBlock>>>(step, count);
  cuda::check_launch("RNN (sequence lengths)");
}

template void rnn_step_cuda<float>(const RnnStep<float>&, int64_t);
template void rnn_step_cuda<double>(const RnnStep<double>&, int64_t);
template void rnn_step_cuda<half_t>(const RnnStep<half_t>&, int64_t);
template void rnn_step_cuda<float>(const RnnStepGrad<float>&, int64_t);
template void rnn_step_cuda<double>(const RnnStepGrad<double>&, int64_t);
template void rnn_step_cuda<half_t>(const RnnStepGrad<half_t>&, int64_t);
template void rnn_step_cuda<float>(const RnnCarry<float>&, int64_t);
template void rnn_step_cuda<double>(const RnnCarry<double>&, int64_t);
template void rnn_step_cuda<half_t>(const RnnCarry<half_t>&, int64_t);

}  // namespace gl::ops
