// Copies: strided, broadcasting, dtype-casting and cross-device. Everything that moves
// data between layouts (contiguous(), astype, copyto, x[:] = y) goes through copy_.
#include <cstring>

#include "../autograd/autograd.h"
#include "../cuda/runtime.h"
#include "elementwise.h"
#include "ops.h"
#include "cuda_kernels.h"

namespace gl::ops {

namespace {

template <typename Out>
struct Cast {
  template <typename In>
  GL_HD Out operator()(In x) const {
    return static_cast<Out>(static_cast<acc_t<In>>(x));
  }
};

void copy_cpu(const Tensor& dst, const Tensor& src) {
  if (dst.dtype() == src.dtype() && dst.shape() == src.shape() && dst.is_contiguous() &&
      src.is_contiguous()) {
    const char* s = static_cast<const char*>(src.raw_data());
    char* d = static_cast<char*>(dst.raw_data());
    size_t nbytes = dst.nbytes();
    parallel_for(static_cast<int64_t>(nbytes), int64_t(1) << 20, [&](int64_t b, int64_t e) {
      std::memcpy(d + b, s + b, static_cast<size_t>(e - b));
    });
    return;
  }
  StridedLayout<2> L = layout_unary(dst, src);
  GL_DISPATCH_ALL(dst.dtype(), "copy", {
    using out_t = scalar_t;
    GL_DISPATCH_ALL(src.dtype(), "copy",
                    { cpu_map1(L, dst.data<out_t>(), src.data<scalar_t>(), Cast<out_t>{}); });
  });
}

bool overlaps(const Tensor& a, const Tensor& b) {
  if (!a.same_storage(b)) return false;
  return !(a.offset() == b.offset() && a.strides() == b.strides() && a.shape() == b.shape());
}

}  // namespace

void copy_(const Tensor& dst, const Tensor& src_in) {
  GL_CHECK(src_in.shape() == dst.shape() ||
               broadcast_shapes(dst.shape(), src_in.shape(), "copy") == dst.shape(),
           "cannot assign an array of shape ", shape_str(src_in.shape()), " to a target of shape ",
           shape_str(dst.shape()));
  if (dst.numel() == 0) return;
  Tensor src = overlaps(dst, src_in) ? clone(src_in) : src_in;
  Device dd = dst.device(), sd = src.device();
  if (dd.is_cpu() && sd.is_cpu()) {
    copy_cpu(dst, src);
    return;
  }
  if (dd.is_gpu() && sd.is_gpu() && dd.id == sd.id) {
    GL_CUDA_LAUNCH("copy", dst.device(), copy_cuda(dst, src));
    return;
  }
  // Across devices: bring src to dst's dtype and shape on its own device, contiguous, then
  // move the bytes; a strided dst receives them through a contiguous staging buffer.
  Tensor staged = Tensor::empty(dst.shape(), dst.dtype(), sd);
  copy_(staged, src);
  Tensor landing = dst.is_contiguous() ? dst : Tensor::empty(dst.shape(), dst.dtype(), dd);
  if (dd.is_gpu() && sd.is_cpu()) {
    cuda::copy_host_to_device(landing.raw_data(), staged.raw_data(), staged.nbytes(), dd.id);
  } else if (dd.is_cpu() && sd.is_gpu()) {
    cuda::copy_device_to_host(landing.raw_data(), staged.raw_data(), staged.nbytes(), sd.id);
  } else {
    cuda::copy_device_to_device(landing.raw_data(), dd.id, staged.raw_data(), sd.id,
                                staged.nbytes());
  }
  if (!dst.is_contiguous()) copy_(dst, landing);
}

Tensor contiguous(const Tensor& t) {
  if (t.is_contiguous()) return t;
  return clone(t);
}

Tensor clone(const Tensor& t) {
  Tensor out = Tensor::empty(t.shape(), t.dtype(), t.device());
  copy_(out, t);
  if (should_record({&t}))
    record_op("copy", {t}, {&out}, [](const GradList& g) -> GradList { return {g[0]}; });
  return out;
}

Tensor astype(const Tensor& t, DType dtype) {
  Tensor out = Tensor::empty(t.shape(), dtype, t.device());
  copy_(out, t);
  if (should_record({&t})) {
    DType src_dtype = t.dtype();
    record_op("cast", {t}, {&out},
              [src_dtype](const GradList& g) -> GradList { return {astype(g[0], src_dtype)}; });
  }
  return out;
}

Tensor to_device(const Tensor& t, Device device) {
  if (device.is_gpu()) cuda::require_device(device.id, "copyto");
  Tensor out = Tensor::empty(t.shape(), t.dtype(), device);
  copy_(out, t);
  if (should_record({&t})) {
    Device src_device = t.device();
    record_op("copyto", {t}, {&out}, [src_device](const GradList& g) -> GradList {
      return {to_device(g[0], src_device)};
    });
  }
  return out;
}

}  // namespace gl::ops
