// CUDA kernel of the fused optimizer updates: one grid-stride pass per parameter over the
// rule functors of optimizer.h (operand checks happen in optimizer.cc).
#include "../cuda/elementwise.cuh"
#include "optimizer.h"
#include "cuda_kernels.h"

namespace gl::ops {

namespace {

template <bool kMaster, typename T, typename S, typename Rule>
__global__ void optimizer_kernel(Rule rule, optim::Buffers<T, S> b, int64_t n) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(blockDim.x) * gridDim.x)
    optim::update_element<kMaster>(rule, b, i);
}

}  // namespace

void optimizer_update_cuda(OptimRule rule, const Tensor& weight, const Tensor& grad,
                           const std::vector<Tensor>& states, const Tensor& master,
                           const OptimParams& params) {
  const char* op = optim_name(rule);
  optim::dispatch_update(rule, weight, grad, states, master, params,
                         [op](auto has_master, const auto& r, const auto& b, int64_t n) {
                           constexpr bool kMaster = decltype(has_master)::value;
                           optimizer_kernel<kMaster><<<cuda::grid_for(n), cuda::kBlock>>>(r, b, n);
                           cuda::check_launch(op);
                         });
}

}  // namespace gl::ops
