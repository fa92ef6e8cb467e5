// CUDA kernels of the samplers (samplers.cc). Built with --fmad=false, as random.cu: the
// transforms in distributions.h must round exactly as on the CPU.
#include <cuda_runtime.h>

#include "../cuda/elementwise.cuh"
#include "../ops/cuda_kernels.h"
#include "distributions.h"

namespace gl::ops {

namespace {

// One thread per value: value i depends only on (seed, stream, i), whatever the grid.
template <typename T>
__global__ void sample_kernel(T* out, int64_t n, philox::SampleArgs args) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(blockDim.x) * gridDim.x) {
    out[i] = philox::sample_at<T>(args, i);
  }
}

template <typename T>
void launch_sample(const Tensor& out, const philox::SampleArgs& args) {
  const int64_t n = out.numel();
  sample_kernel<T><<<cuda::grid_for(n), cuda::kBlock>>>(out.data<T>(), n, args);
}

// One thread per row: the row's cdf is a sequential sum, as on the CPU.
template <typename P>
__global__ void cdf_kernel(const P* probs, int64_t rows, int64_t k, double* cdf, int64_t* bad,
                           double* totals) {
  for (int64_t r = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; r < rows;
       r += int64_t(blockDim.x) * gridDim.x) {
    bad[r] = philox::build_cdf(probs + r * k, k, cdf + r * k, totals + r);
  }
}

template <typename P>
void launch_cdf(const Tensor& probs, const Tensor& cdf, const Tensor& bad, const Tensor& totals) {
  const int64_t rows = bad.numel(), k = probs.shape().back();
  cdf_kernel<P><<<cuda::grid_for(rows), cuda::kBlock>>>(
      probs.data<P>(), rows, k, cdf.data<double>(), bad.data<int64_t>(), totals.data<double>());
}

template <typename T>
__global__ void multinomial_kernel(T* out, int64_t* flat_index, int64_t n,
                                   philox::MultinomialArgs m) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(blockDim.x) * gridDim.x) {
    int64_t row;
    const int64_t k = philox::multinomial_at(m, i, &row);
    out[i] = T(static_cast<acc_t<T>>(k));
    if (flat_index) flat_index[i] = row * m.k + k;
  }
}

template <typename T>
void launch_multinomial(const Tensor& samples, int64_t* flat_index,
                        const philox::MultinomialArgs& m) {
  const int64_t n = samples.numel();
  multinomial_kernel<T><<<cuda::grid_for(n), cuda::kBlock>>>(samples.data<T>(), flat_index, n, m);
}

}  // namespace

void sample_cuda(const Tensor& out, const philox::SampleArgs& args, const char* op) {
  if (out.numel() == 0) return;
  GL_DISPATCH_FLOAT(out.dtype(), op, launch_sample<scalar_t>(out, args));
  cuda::check_launch(op);
}

void multinomial_cdf_cuda(const Tensor& probs, const Tensor& cdf, const Tensor& bad,
                          const Tensor& totals) {
  if (bad.numel() == 0) return;
  GL_DISPATCH_FLOAT(probs.dtype(), "multinomial", launch_cdf<scalar_t>(probs, cdf, bad, totals));
  cuda::check_launch("multinomial");
}

void multinomial_sample_cuda(const Tensor& samples, const Tensor* flat_index,
                             const philox::MultinomialArgs& m) {
  int64_t* fi = flat_index ? flat_index->data<int64_t>() : nullptr;
  switch (samples.dtype()) {
    case DType::UInt8: launch_multinomial<uint8_t>(samples, fi, m); break;
    case DType::Int32: launch_multinomial<int32_t>(samples, fi, m); break;
    default:
      GL_DISPATCH_FLOAT(samples.dtype(), "multinomial",
                        launch_multinomial<scalar_t>(samples, fi, m));
  }
  cuda::check_launch("multinomial");
}

}  // namespace gl::ops
