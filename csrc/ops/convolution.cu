// CUDA kernels of convolution.cc: im2col (one thread per column element) and col2im as a
// gather (one thread per input element summing the column entries that read it), so no
// atomics are needed and results are deterministic. The GEMMs go through ops::gemm.
#include <cuda_runtime.h>

#include "nn_kernels.cuh"
#include "nn_ops.h"
#include "cuda_kernels.h"

namespace gl::ops {

namespace {

template <typename T>
__global__ void im2col_kernel(const T* __restrict__ x, T* __restrict__ col, ConvGeometry g,
                              int64_t group, int64_t n0, int64_t nb, int64_t total) {
  const int64_t K = g.kernel_size(), L = g.out_size(), cg = g.group_in();
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total;
       i += int64_t(blockDim.x) * gridDim.x) {
    // i indexes col as [row = c * K + kk][b][od][oh][ow]
    const int64_t ow = i % g.out[2], oh = (i / g.out[2]) % g.out[1];
    const int64_t od = (i / (g.out[2] * g.out[1])) % g.out[0];
    const int64_t b = (i / L) % nb, row = i / (L * nb);
    const int64_t c = row / K, kk = row % K;
    const int64_t kd = kk / (g.kernel[1] * g.kernel[2]), kh = (kk / g.kernel[2]) % g.kernel[1];
    const int64_t kw = kk % g.kernel[2];
    const int64_t id = od * g.stride[0] - g.pad[0] + kd * g.dilate[0];
    const int64_t ih = oh * g.stride[1] - g.pad[1] + kh * g.dilate[1];
    const int64_t iw = ow * g.stride[2] - g.pad[2] + kw * g.dilate[2];
    T v = static_cast<T>(0.0f);
    if (id >= 0 && id < g.in[0] && ih >= 0 && ih < g.in[1] && iw >= 0 && iw < g.in[2])
      v = x[((n0 + b) * g.in_channels + group * cg + c) * g.in_size() +
            (id * g.in[1] + ih) * g.in[2] + iw];
    col[i] = v;
  }
}

// Input index i reads from output o along one axis at kernel tap k when
// o * s - p + k * d == i; returns o, or -1 when there is none in range.
__device__ __forceinline__ int64_t source_position(int64_t i, int64_t k, const ConvGeometry& g,
                                                   int a) {
  const int64_t t = i + g.pad[a] - k * g.dilate[a];
  if (t < 0 || t % g.stride[a] != 0) return -1;
  const int64_t o = t / g.stride[a];
  return o < g.out[a] ? o : -1;
}

template <typename T>
__global__ void col2im_kernel(const T* __restrict__ col, T* __restrict__ dx, ConvGeometry g,
                              int64_t group, int64_t n0, int64_t nb, int64_t total) {
  using A = acc_t<T>;
  const int64_t K = g.kernel_size(), L = g.out_size(), cg = g.group_in();
  const int64_t in_size = g.in_size();
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total;
       i += int64_t(blockDim.x) * gridDim.x) {
    // i indexes the (b, c) planes of this group and chunk: [b][c][id][ih][iw]
    const int64_t iw = i % g.in[2], ih = (i / g.in[2]) % g.in[1];
    const int64_t id = (i / (g.in[2] * g.in[1])) % g.in[0];
    const int64_t c = (i / in_size) % cg, b = i / (in_size * cg);
    A sum = A(0);
    for (int64_t kd = 0; kd < g.kernel[0]; ++kd) {
      const int64_t od = source_position(id, kd, g, 0);
      if (od < 0) continue;
      for (int64_t kh = 0; kh < g.kernel[1]; ++kh) {
        const int64_t oh = source_position(ih, kh, g, 1);
        if (oh < 0) continue;
        for (int64_t kw = 0; kw < g.kernel[2]; ++kw) {
          const int64_t ow = source_position(iw, kw, g, 2);
          if (ow < 0) continue;
          const int64_t row = c * K + (kd * g.kernel[1] + kh) * g.kernel[2] + kw;
          sum += static_cast<A>(col[(row * nb + b) * L + (od * g.out[1] + oh) * g.out[2] + ow]);
        }
      }
    }
    dx[((n0 + b) * g.in_channels + group * cg + c) * in_size + i % in_size] = static_cast<T>(sum);
  }
}

}  // namespace

void im2col_cuda(const Tensor& x, const Tensor& col, const ConvGeometry& g, int64_t group,
                 int64_t n0, int64_t nb) {
  const int64_t total = g.col_rows() * nb * g.out_size();
  if (total == 0) return;
  GL_DISPATCH_FLOAT(x.dtype(), "Convolution", {
    im2col_kernel<scalar_t><<<cuda::grid_for(total), cuda::kBlock>>>(
        x.data<scalar_t>(), col.data<scalar_t>(), g, group, n0, nb, total);
  });
  cuda::check_launch("Convolution (im2col)");
}

void col2im_cuda(const Tensor& col, const Tensor& dx, const ConvGeometry& g, int64_t group,
                 int64_t n0, int64_t nb) {
  const int64_t total = nb * g.group_in() * g.in_size();
  if (total == 0) return;
  GL_DISPATCH_FLOAT(dx.dtype(), "Convolution", {
    col2im_kernel<scalar_t><<<cuda::grid_for(total), cuda::kBlock>>>(
        col.data<scalar_t>(), dx.data<scalar_t>(), g, group, n0, nb, total);
  });
  cuda::check_launch("Convolution (col2im)");
}

}  // namespace gl::ops
