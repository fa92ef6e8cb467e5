// The NDArray class: gl::Tensor as seen from Python. Arithmetic operators are bound here
// directly (one C++ call per operator); the rest of MXNet's NDArray surface is added in
// gluonlite/ndarray/ndarray.py.
#include <cstring>

#include "../autograd/autograd.h"
#include "../cuda/runtime.h"
#include "../ops/ops.h"
#include "bind.h"

namespace gl::bind {

namespace {

using ops::BinaryOp;

py::object numpy_type(DType t) {
  // numpy scalar types (numpy.float32 ...), as MXNet's NDArray.dtype returns them
  static py::object* types[kNumDTypes] = {};
  int code = static_cast<int>(t);
  if (!types[code]) {
    py::module_ np = py::module_::import("numpy");
    const char* name = t == DType::Bool ? "bool_" : dtype_name(t);
    types[code] = new py::object(np.attr(name));
  }
  return *types[code];
}

// `self <op> other` where other is an NDArray or a Python/numpy scalar.
py::object binary_method(BinaryOp op, const Tensor& self, py::handle other, bool reflected) {
  if (py::isinstance<Tensor>(other)) {
    const Tensor& o = py::cast<const Tensor&>(other);
    return py::cast(maybe_without_gil(self.numel() + o.numel(), [&] {
      return reflected ? ops::binary(op, o, self) : ops::binary(op, self, o);
    }));
  }
  double s;
  if (as_scalar(other, &s))
    return py::cast(maybe_without_gil(self.numel(),
                                      [&] { return ops::binary_scalar(op, self, s, reflected); }));
  return py::reinterpret_borrow<py::object>(Py_NotImplemented);
}

py::object inplace_method(BinaryOp op, py::object self_obj, py::handle other) {
  const Tensor& self = py::cast<const Tensor&>(self_obj);
  if (py::isinstance<Tensor>(other)) {
    const Tensor& o = py::cast<const Tensor&>(other);
    maybe_without_gil(self.numel(), [&] { ops::binary_(op, self, o); });
    return self_obj;
  }
  double s;
  if (as_scalar(other, &s)) {
    maybe_without_gil(self.numel(), [&] { ops::binary_scalar_(op, self, s); });
    return self_obj;
  }
  return py::reinterpret_borrow<py::object>(Py_NotImplemented);
}

GradReq parse_grad_req(const std::string& req) {
  if (req == "write") return GradReq::Write;
  if (req == "add") return GradReq::Add;
  if (req == "null") return GradReq::Null;
  GL_THROW(ErrorKind::Value, "grad_req must be 'write', 'add' or 'null', got '", req, "'");
}

}  // namespace

void bind_tensor(py::module_& m) {
  py::class_<Tensor> cls(m, "NDArray", "An n-dimensional array on a CPU or GPU (MXNet NDArray).");

// One cls.def(...) each; the semicolon is at the use, so clang-format sees statements.
#define GL_BIN(PYNAME, OP, REFLECTED)                               \
  cls.def(                                                          \
      PYNAME,                                                       \
      [](const Tensor& self, py::handle other) {                    \
        return binary_method(BinaryOp::OP, self, other, REFLECTED); \
      },                                                            \
      py::is_operator())
#define GL_INPLACE(PYNAME, OP)                                                                     \
  cls.def(                                                                                         \
      PYNAME,                                                                                      \
      [](py::object self, py::handle other) { return inplace_method(BinaryOp::OP, self, other); }, \
      py::is_operator())

  GL_BIN("__add__", Add, false);
  GL_BIN("__radd__", Add, true);
  GL_BIN("__sub__", Sub, false);
  GL_BIN("__rsub__", Sub, true);
  GL_BIN("__mul__", Mul, false);
  GL_BIN("__rmul__", Mul, true);
  GL_BIN("__truediv__", Div, false);
  GL_BIN("__rtruediv__", Div, true);
  GL_BIN("__div__", Div, false);
  GL_BIN("__rdiv__", Div, true);
  GL_BIN("__mod__", Mod, false);
  GL_BIN("__rmod__", Mod, true);
  GL_BIN("__pow__", Pow, false);
  GL_BIN("__rpow__", Pow, true);
  GL_BIN("__eq__", Equal, false);
  GL_BIN("__ne__", NotEqual, false);
  GL_BIN("__gt__", Greater, false);
  GL_BIN("__ge__", GreaterEqual, false);
  GL_BIN("__lt__", Less, false);
  GL_BIN("__le__", LessEqual, false);
  GL_INPLACE("__iadd__", Add);
  GL_INPLACE("__isub__", Sub);
  GL_INPLACE("__imul__", Mul);
  GL_INPLACE("__itruediv__", Div);
  GL_INPLACE("__idiv__", Div);
  GL_INPLACE("__imod__", Mod);
#undef GL_BIN
#undef GL_INPLACE

  cls.def("__neg__", [](const Tensor& x) { return ops::neg(x); })
      .def("__abs__", [](const Tensor& x) { return ops::unary(ops::UnaryOp::Abs, x); })
      .def("__hash__",
           [](py::handle self) {
             return py::hash(py::int_(reinterpret_cast<intptr_t>(self.ptr())));
           })
      .def(
          "_rebind",
          [](Tensor& self, const Tensor& other) {
            GL_CHECK(!(is_recording() && self.requires_grad()),
                     "__setstate__: the array is part of a recorded graph while autograd is "
                     "recording");
            self = other;  // this Python object now holds other's data (MXNet's handle swap)
          },
          "Makes this array hold other's data, shape and dtype (unpickling, __setstate__).")
      .def_property_readonly("shape", [](const Tensor& t) { return shape_tuple(t.shape()); })
      .def_property_readonly("size", [](const Tensor& t) { return t.numel(); })
      .def_property_readonly("ndim", [](const Tensor& t) { return t.ndim(); })
      .def_property_readonly("dtype", [](const Tensor& t) { return numpy_type(t.dtype()); })
      .def_property_readonly("_dtype_name", [](const Tensor& t) { return dtype_name(t.dtype()); })
      .def_property_readonly("_device_type",
                             [](const Tensor& t) { return static_cast<int>(t.device().type); })
      .def_property_readonly("_device_id", [](const Tensor& t) { return t.device().id; })
      .def_property_readonly("_strides", [](const Tensor& t) { return shape_tuple(t.strides()); })
      .def_property_readonly("_is_contiguous", &Tensor::is_contiguous)
      .def_property_readonly(
          "_data_ptr", [](const Tensor& t) { return reinterpret_cast<uintptr_t>(t.raw_data()); })
      .def_property_readonly(
          "grad",
          [](const Tensor& t) -> py::object {
            Tensor g = variable_grad(t);
            return g.defined() ? py::cast(g) : py::none();
          },
          "The gradient buffer attached by attach_grad(), or None.")
      .def_property_readonly("_grad_req",
                             [](const Tensor& t) -> std::string {
                               switch (variable_grad_req(t)) {
                                 case GradReq::Write: return "write";
                                 case GradReq::Add: return "add";
                                 default: return "null";
                               }
                             })
      .def_property("_fresh_grad", &variable_fresh, &set_variable_fresh)
      .def("asnumpy", &to_numpy, "Returns a copy of the data as a numpy.ndarray.")
      .def(
          "attach_grad",
          [](const Tensor& t, const std::string& grad_req, py::object /*stype: dense only*/) {
            attach_grad(t, parse_grad_req(grad_req));
          },
          py::arg("grad_req") = "write", py::arg("stype") = py::none(),
          "Allocates a zero gradient buffer and marks the array as a variable "
          "for autograd.")
      .def("detach", &detach, "Returns an array sharing data but detached from the graph.")
      .def("_is_same_storage", &Tensor::same_storage)
      .def("_index_first_axis", [](const Tensor& t, int64_t index) {
        // x[i] in one call: a view of row i; MXNet's legacy arrays give (1,)
        // rather than 0-d.
        GL_CHECK_KIND(t.ndim() > 0, ErrorKind::Index, "too many indices for a 0-d array");
        int64_t n = t.shape()[0], i = index < 0 ? index + n : index;
        GL_CHECK_KIND(i >= 0 && i < n, ErrorKind::Index, "index ", index,
                      " is out of bounds for axis 0 with size ", n);
        Tensor row = ops::slice_view(t, {ops::SliceSpec{ops::SliceSpec::Index, i, 0, 0}});
        return row.ndim() == 0 ? ops::reshape(row, {1}, false) : row;
      });
  // NDArray(t) / subclass(t): a new Python handle on t's storage and autograd state, no copy.
  // mx.np.ndarray (a Python subclass) wraps op results with it.
  cls.def(py::init([](const Tensor& t) { return t; }), py::arg("tensor"));
}

}  // namespace gl::bind
