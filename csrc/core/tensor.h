// The tensor: a strided view (shape, strides, offset) over reference-counted storage,
// plus the autograd links that make it part of a recorded graph.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "device.h"
#include "dtype.h"
#include "error.h"
#include "storage.h"

namespace gl {

using Shape = std::vector<int64_t>;

// The most dimensions an array may have. Kernels keep shapes in fixed arrays of this size.
// MXNet allows 32; gluonlite's smaller limit is listed in the README's differences.
constexpr int kMaxDims = 16;

struct Node;  // autograd/autograd.h

enum class GradReq : int8_t { Null = 0, Write = 1, Add = 2 };

// State of a tensor on which attach_grad() was called: its gradient buffer.
struct Variable;

struct TensorImpl {
  std::shared_ptr<Storage> storage;
  int64_t offset = 0;  // in elements
  Shape shape;
  Shape strides;  // in elements
  DType dtype = DType::Float32;
  Device device;
  // Autograd: the node that produced this tensor while recording, or the leaf slot.
  std::shared_ptr<Node> grad_fn;
  int output_index = 0;
  std::shared_ptr<Variable> variable;
};

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  static Tensor empty(const Shape& shape, DType dtype, Device device);
  // A view sharing `base`'s storage.
  static Tensor view(const Tensor& base, const Shape& shape, const Shape& strides, int64_t offset);
  // A tensor over existing storage (numpy buffers, DLPack capsules).
  static Tensor from_storage(std::shared_ptr<Storage> storage, const Shape& shape,
                             const Shape& strides, DType dtype);

  bool defined() const { return impl_ != nullptr; }
  TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }

  const Shape& shape() const { return impl_->shape; }
  const Shape& strides() const { return impl_->strides; }
  int64_t offset() const { return impl_->offset; }
  int ndim() const { return static_cast<int>(impl_->shape.size()); }
  int64_t numel() const;
  int64_t size(int axis) const { return impl_->shape[axis]; }
  DType dtype() const { return impl_->dtype; }
  Device device() const { return impl_->device; }
  size_t itemsize() const { return dtype_size(impl_->dtype); }
  size_t nbytes() const { return static_cast<size_t>(numel()) * itemsize(); }
  bool is_contiguous() const;
  bool same_storage(const Tensor& o) const { return impl_->storage == o.impl_->storage; }
  const std::shared_ptr<Storage>& storage() const { return impl_->storage; }

  void* raw_data() const {
    return static_cast<char*>(impl_->storage->data) + impl_->offset * itemsize();
  }
  template <typename T>
  T* data() const {
    return static_cast<T*>(raw_data());
  }

  // Autograd state.
  bool requires_grad() const;
  const std::shared_ptr<Node>& grad_fn() const { return impl_->grad_fn; }

 private:
  std::shared_ptr<TensorImpl> impl_;
};

Shape contiguous_strides(const Shape& shape);
int64_t shape_numel(const Shape& shape);
std::string shape_str(const Shape& shape);  // "(2, 3)", Python tuple form
void check_ndim(const Shape& shape);        // MXNetError above kMaxDims dimensions
// Turns a possibly negative axis into [0, ndim) or raises IndexError naming the op.
int normalize_axis(int axis, int ndim, const char* op);
// The same for ops that index the axis (take, split, concat, ...): a 0-d array has none.
int normalize_existing_axis(int axis, int ndim, const char* op);

// Live-tensor count, for leak tests.
int64_t live_tensor_count();

}  // namespace gl
