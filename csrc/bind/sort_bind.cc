// Bindings of the ordering and n-d indexing ops (csrc/ops/sort.h).
// gluonlite/ndarray/index_ops.py gives them MXNet's names and keyword arguments.
#include "../autograd/autograd.h"
#include "../ops/sort.h"
#include "bind.h"

namespace gl::bind {

void bind_sort(py::module_& m) {
  m.def("sort", [](const Tensor& x, int axis, bool ascend) {
    return maybe_without_gil(x.numel(), [&] { return ops::sort(x, axis, ascend); });
  });
  m.def("argsort", [](const Tensor& x, int axis, bool ascend, py::handle dtype) {
    DType t = parse_dtype(dtype);
    return maybe_without_gil(x.numel(), [&] { return ops::argsort(x, axis, ascend, t); });
  });
  // ret: 0 value, 1 indices, 2 mask, 3 both (ops::TopkReturn)
  m.def("topk", [](const Tensor& x, int axis, int64_t k, int ret, bool ascend, py::handle dtype) {
    GL_CHECK_KIND(ret >= 0 && ret <= 3, ErrorKind::Value, "topk: unknown ret code ", ret);
    DType t = parse_dtype(dtype);
    return maybe_without_gil(x.numel(), [&] {
      return ops::topk(x, axis, k, static_cast<ops::TopkReturn>(ret), ascend, t);
    });
  });
  m.def("take_along_axis", &ops::take_along_axis);
  m.def("gather_nd", &ops::gather_nd);
  m.def("scatter_nd", [](const Tensor& data, const Tensor& indices, py::handle shape) {
    return ops::scatter_nd(data, indices, to_shape(shape));
  });
  m.def("index_put_", [](const Tensor& dst, const Tensor& index, const Tensor& src) {
    GL_CHECK(!(is_recording() && dst.requires_grad()),
             "in-place assignment (x[...] = y) is not supported on an array that is part of a "
             "recorded graph while autograd is recording; build a new array instead");
    ops::index_put_(dst, index, src);
  });
}

}  // namespace gl::bind
