// CUDA kernel of fill_.
#include "../cuda/elementwise.cuh"
#include "ops.h"
#include "cuda_kernels.h"

namespace gl::ops {

namespace {
template <typename T>
__global__ void fill_kernel(StridedLayout<1> L, int64_t n, bool flat, T* out, T value) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(blockDim.x) * gridDim.x) {
    if (flat) {
      out[i] = value;
    } else {
      int64_t off[1];
      cuda::layout_offsets<1>(L, i, off);
      out[off[0]] = value;
    }
  }
}
}  // namespace

void fill_cuda(const Tensor& t, double value) {
  StridedLayout<1> L = make_layout<1>(t.shape(), {broadcast_strides(t, t.shape())});
  int64_t n = L.numel();
  GL_DISPATCH_ALL(t.dtype(), "fill", {
    fill_kernel<<<cuda::grid_for(n), cuda::kBlock>>>(
        L, n, cuda::layout_is_flat(L), t.data<scalar_t>(), static_cast<scalar_t>(value));
  });
  cuda::check_launch("fill");
}

}  // namespace gl::ops
