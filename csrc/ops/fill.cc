// Creation ops: empty, full, fill_, arange. CUDA kernel: fill.cu.
#include <cmath>
#include <vector>

#include "../cuda/runtime.h"
#include "elementwise.h"
#include "ops.h"
#include "cuda_kernels.h"

namespace gl::ops {

Tensor empty(const Shape& shape, DType dtype, Device device) {
  if (device.is_gpu()) cuda::require_device(device.id, "creating an array");
  return Tensor::empty(shape, dtype, device);
}

void fill_(const Tensor& t, double value) {
  if (t.numel() == 0) return;
  if (t.device().is_gpu()) {
    GL_CUDA_LAUNCH("fill", t.device(), fill_cuda(t, value));
    return;
  }
  StridedLayout<1> L = make_layout<1>(t.shape(), {broadcast_strides(t, t.shape())});
  GL_DISPATCH_ALL(t.dtype(), "fill", {
    const scalar_t v = static_cast<scalar_t>(value);
    scalar_t* base = t.data<scalar_t>();
    for_each_run<1>(
        L, [&](const std::array<int64_t, 1>& off, int64_t n, const std::array<int64_t, 1>& st) {
          scalar_t* p = base + off[0];
          if (st[0] == 1) {
            for (int64_t i = 0; i < n; ++i) p[i] = v;
          } else {
            for (int64_t i = 0; i < n; ++i) p[i * st[0]] = v;
          }
        });
  });
}

Tensor full(const Shape& shape, double value, DType dtype, Device device) {
  Tensor t = empty(shape, dtype, device);
  fill_(t, value);
  return t;
}

Tensor full_like(const Tensor& t, double value) {
  return full(t.shape(), value, t.dtype(), t.device());
}

Tensor arange(double start, double stop, double step, int64_t repeat, DType dtype, Device device) {
  GL_CHECK_KIND(std::isfinite(start) && std::isfinite(stop) && std::isfinite(step),
                ErrorKind::Value, "arange: start, stop and step must be finite, got start=", start,
                ", stop=", stop, ", step=", step);
  GL_CHECK_KIND(step != 0, ErrorKind::Value, "arange: step must not be 0");
  GL_CHECK_KIND(repeat >= 1, ErrorKind::Value, "arange: repeat must be >= 1, got ", repeat);
  double span = std::ceil((stop - start) / step);
  // Beyond 2**62 elements no allocation could hold it, and the count would not fit int64.
  GL_CHECK(span < 0x1p62, "arange: start=", start, ", stop=", stop, ", step=", step, " would give ",
           span, " elements, more than any array can hold");
  int64_t n = span > 0 ? static_cast<int64_t>(span) : 0, total;
  GL_CHECK(!__builtin_mul_overflow(n, repeat, &total), "arange: ", n, " elements repeated ", repeat,
           " times is more than any array can hold");
  // filled on the host: the CPU device asked for (cpu(1) stays cpu(1)), else cpu(0) first
  Tensor host = Tensor::empty({total}, dtype, device.is_cpu() ? device : cpu_device());
  GL_DISPATCH_ALL(dtype, "arange", {
    scalar_t* p = host.data<scalar_t>();
    for (int64_t i = 0; i < n; ++i)
      for (int64_t r = 0; r < repeat; ++r)
        p[i * repeat + r] = static_cast<scalar_t>(start + static_cast<double>(i) * step);
  });
  return device.is_cpu() ? host : to_device(host, device);
}

}  // namespace gl::ops
