#include "tensor.h"

#include <atomic>

#include "../autograd/autograd.h"

namespace gl {

namespace {
std::atomic<int64_t> g_live_tensors{0};

struct CountedImpl : TensorImpl {
  CountedImpl() { g_live_tensors.fetch_add(1, std::memory_order_relaxed); }
  ~CountedImpl() { g_live_tensors.fetch_sub(1, std::memory_order_relaxed); }
};
}  // namespace

int64_t live_tensor_count() { return g_live_tensors.load(); }

Shape contiguous_strides(const Shape& shape) {
  Shape strides(shape.size());
  int64_t s = 1;
  for (int i = static_cast<int>(shape.size()) - 1; i >= 0; --i) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

int64_t shape_numel(const Shape& shape) {
  // Saturates instead of overflowing, so a huge requested shape never matches a real size.
  int64_t n = 1;
  bool saturated = false;
  for (int64_t d : shape) {
    if (d == 0) return 0;
    saturated = saturated || __builtin_mul_overflow(n, d, &n);
  }
  return saturated ? INT64_MAX : n;
}

std::string shape_str(const Shape& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";
  return s + ")";
}

void check_ndim(const Shape& shape) {
  GL_CHECK(shape.size() <= static_cast<size_t>(kMaxDims), "arrays of more than ", kMaxDims,
           " dimensions are not supported, got ", shape.size(), " (shape ", shape_str(shape),
           "); gluonlite's limit is ", kMaxDims, " where MXNet's is 32");
}

int normalize_axis(int axis, int ndim, const char* op) {
  int lo = ndim == 0 ? -1 : -ndim, hi = ndim == 0 ? 0 : ndim - 1;
  GL_CHECK_KIND(axis >= lo && axis <= hi, ErrorKind::Index, op, ": axis ", axis,
                " is out of range for an array of ", ndim, " dimension(s); expected ", lo,
                " <= axis <= ", hi);
  return axis < 0 ? axis + (ndim == 0 ? 1 : ndim) : axis;
}

int normalize_existing_axis(int axis, int ndim, const char* op) {
  GL_CHECK_KIND(ndim > 0, ErrorKind::Index, op, ": axis ", axis,
                " is out of range for a 0-d array, which has no axes; reshape it to (1,) first");
  return normalize_axis(axis, ndim, op);
}

Tensor Tensor::empty(const Shape& shape, DType dtype, Device device) {
  check_ndim(shape);
  // Byte count in 64 bits with overflow checks: (1 << 62,) float32 must not wrap to 0 bytes.
  uint64_t nbytes = dtype_size(dtype);
  bool overflow = false;
  for (int64_t d : shape) {
    GL_CHECK_KIND(d >= 0, ErrorKind::Value, "negative dimension in shape ", shape_str(shape));
    overflow = overflow || __builtin_mul_overflow(nbytes, static_cast<uint64_t>(d), &nbytes);
  }
  for (int64_t d : shape)
    if (d == 0) overflow = false, nbytes = 0;
  if (overflow || nbytes > kMaxAllocationBytes) {
    double bytes = static_cast<double>(dtype_size(dtype));
    for (int64_t d : shape) bytes *= static_cast<double>(d);
    GL_THROW(ErrorKind::MXNet, "out of memory: an array of shape ", shape_str(shape), " and dtype ",
             dtype_name(dtype), " would take ", bytes, " bytes on ", device.str(),
             ", more than any allocation can hold (", kMaxAllocationBytes, " bytes)");
  }
  auto impl = std::make_shared<CountedImpl>();
  impl->shape = shape;
  impl->strides = contiguous_strides(shape);
  impl->dtype = dtype;
  impl->device = device;
  impl->storage = allocate_storage(nbytes, device);
  return Tensor(std::move(impl));
}

Tensor Tensor::view(const Tensor& base, const Shape& shape, const Shape& strides, int64_t offset) {
  check_ndim(shape);
  auto impl = std::make_shared<CountedImpl>();
  impl->storage = base.impl_->storage;
  impl->shape = shape;
  impl->strides = strides;
  impl->offset = offset;
  impl->dtype = base.impl_->dtype;
  impl->device = base.impl_->device;
  return Tensor(std::move(impl));
}

Tensor Tensor::from_storage(std::shared_ptr<Storage> storage, const Shape& shape,
                            const Shape& strides, DType dtype) {
  check_ndim(shape);
  auto impl = std::make_shared<CountedImpl>();
  impl->device = storage->device;
  impl->storage = std::move(storage);
  impl->shape = shape;
  impl->strides = strides;
  impl->dtype = dtype;
  return Tensor(std::move(impl));
}

int64_t Tensor::numel() const { return shape_numel(impl_->shape); }

bool Tensor::is_contiguous() const {
  int64_t expected = 1;
  for (int i = ndim() - 1; i >= 0; --i) {
    if (impl_->shape[i] != 1 && impl_->strides[i] != expected) return false;
    expected *= impl_->shape[i];
  }
  return true;
}

bool Tensor::requires_grad() const {
  return impl_->grad_fn != nullptr ||
         (impl_->variable != nullptr && impl_->variable->req != GradReq::Null);
}

size_t dtype_size(DType t) {
  switch (t) {
    case DType::Float32:
    case DType::Int32: return 4;
    case DType::Float64:
    case DType::Int64: return 8;
    case DType::Float16: return 2;
    case DType::UInt8:
    case DType::Int8:
    case DType::Bool: return 1;
  }
  return 0;
}

const char* dtype_name(DType t) {
  switch (t) {
    case DType::Float32: return "float32";
    case DType::Float64: return "float64";
    case DType::Float16: return "float16";
    case DType::UInt8: return "uint8";
    case DType::Int32: return "int32";
    case DType::Int8: return "int8";
    case DType::Int64: return "int64";
    case DType::Bool: return "bool";
  }
  return "unknown";
}

bool dtype_from_name(const std::string& name, DType* out) {
  for (int code = 0; code < kNumDTypes; ++code) {
    if (name == dtype_name(static_cast<DType>(code))) {
      *out = static_cast<DType>(code);
      return true;
    }
  }
  return false;
}

bool dtype_from_code(int code, DType* out) {
  if (code < 0 || code >= kNumDTypes) return false;
  *out = static_cast<DType>(code);
  return true;
}

void throw_unsupported_dtype(const char* op, DType t) {
  GL_THROW(ErrorKind::Type, op, ": dtype ", dtype_name(t), " is not supported by this operator");
}

}  // namespace gl
