// CUDA kernel of copy_: cast and broadcast within one GPU (same layout engine as the CPU).
#include "../cuda/elementwise.cuh"
#include "ops.h"
#include "cuda_kernels.h"

namespace gl::ops {

namespace {
template <typename Out>
struct CastGpu {
  template <typename In>
  __device__ Out operator()(In x) const {
    return static_cast<Out>(static_cast<acc_t<In>>(x));
  }
};
}  // namespace

void copy_cuda(const Tensor& dst, const Tensor& src) {
  StridedLayout<2> L = layout_unary(dst, src);
  GL_DISPATCH_ALL(dst.dtype(), "copy", {
    using out_t = scalar_t;
    GL_DISPATCH_ALL(src.dtype(), "copy", {
      cuda::gpu_map1(L, dst.data<out_t>(), src.data<scalar_t>(), CastGpu<out_t>{}, "copy");
    });
  });
}

}  // namespace gl::ops
