// gluonlite._core: the module, error translation and the small conversions every binding
// uses. The bindings stay thin: convert arguments, call one op, convert the result.
#include <cblas.h>

#include <cstring>
#include <limits>

#include "../autograd/autograd.h"
#include "../core/parallel.h"
#include "../cuda/runtime.h"
#include "../ops/ops.h"
#include "bind.h"

namespace gl::bind {

bool as_scalar(py::handle obj, double* out) {
  PyObject* o = obj.ptr();
  if (PyFloat_Check(o)) {
    *out = PyFloat_AS_DOUBLE(o);
    return true;
  }
  if (PyLong_Check(o)) {  // includes bool
    *out = PyLong_AsDouble(o);
    // 10**400 is no float: raise Python's OverflowError, as MXNet does, not SystemError
    if (*out == -1.0 && PyErr_Occurred()) throw py::error_already_set();
    return true;
  }
  // numpy scalars (np.float32(2), np.int64(3)) and 0-d numpy arrays
  if (py::isinstance<py::array>(obj) || PyObject_HasAttrString(o, "dtype")) {
    if (!PyObject_HasAttrString(o, "__float__") || PyObject_HasAttrString(o, "asnumpy"))
      return false;
    py::object shape = obj.attr("shape");
    if (py::len(shape) != 0) return false;
    *out = PyFloat_AsDouble(o);
    if (*out == -1.0 && PyErr_Occurred()) throw py::error_already_set();
    return true;
  }
  return false;
}

namespace {

std::string python_repr(py::handle obj) { return py::repr(obj).cast<std::string>(); }

// One integer entry of `whole` (a shape or axes argument called `what`), refusing what
// pybind11 would report as "Unable to cast": floats, strings, ints beyond [lo, hi].
int64_t checked_int(py::handle entry, py::handle whole, const char* what, int64_t lo, int64_t hi,
                    ErrorKind range_kind) {
  if (!PyIndex_Check(entry.ptr()))
    GL_THROW(ErrorKind::Type, what, " must be an int or a tuple of ints, got ", python_repr(whole));
  int overflow = 0;
  py::object index = py::reinterpret_steal<py::object>(PyNumber_Index(entry.ptr()));
  if (!index) throw py::error_already_set();
  long long v = PyLong_AsLongLongAndOverflow(index.ptr(), &overflow);
  GL_CHECK_KIND(!overflow && v >= lo && v <= hi, range_kind, what, " ", python_repr(whole),
                " is out of range: each entry must lie in [", lo, ", ", hi, "]");
  return v;
}

// Integers of `obj`: one int or an iterable of them (a str is not one).
template <typename Int>
std::vector<Int> checked_ints(py::handle obj, const char* what, ErrorKind range_kind) {
  auto entry = [&](py::handle d) {
    return static_cast<Int>(checked_int(d, obj, what, std::numeric_limits<Int>::min(),
                                        std::numeric_limits<Int>::max(), range_kind));
  };
  if (PyIndex_Check(obj.ptr())) return {entry(obj)};
  if (PyUnicode_Check(obj.ptr()) || PyBytes_Check(obj.ptr()) || !py::isinstance<py::iterable>(obj))
    GL_THROW(ErrorKind::Type, what, " must be an int or a tuple of ints, got ", python_repr(obj));
  std::vector<Int> out;
  for (py::handle d : obj) out.push_back(entry(d));
  return out;
}

}  // namespace

Shape to_shape(py::handle obj, const char* what) {
  return checked_ints<int64_t>(obj, what, ErrorKind::MXNet);
}

std::vector<int> to_axes(py::handle obj, const char* what) {
  if (obj.is_none()) return {};
  return checked_ints<int>(obj, what, ErrorKind::Index);  // as an axis out of range
}

py::tuple shape_tuple(const Shape& shape) {
  py::tuple t(shape.size());
  for (size_t i = 0; i < shape.size(); ++i) t[i] = py::int_(shape[i]);
  return t;
}

DType parse_dtype(py::handle obj) {
  if (obj.is_none()) return DType::Float32;
  std::string name;
  if (py::isinstance<py::str>(obj)) {
    name = py::cast<std::string>(obj);
  } else {
    // numpy dtype objects and scalar types (np.float32) both normalise through np.dtype
    static py::object np_dtype = py::module_::import("numpy").attr("dtype");
    name = py::cast<std::string>(np_dtype(obj).attr("name"));
  }
  DType t;
  if (!dtype_from_name(name, &t)) {
    GL_THROW(ErrorKind::Type, "unsupported dtype '", name,
             "'; gluonlite supports float32, float64, float16, uint8, int8, int32, int64 and bool");
  }
  return t;
}

Device make_device(int device_type, int device_id) {
  GL_CHECK(device_type == 1 || device_type == 2, "unknown device type ", device_type);
  Device d{static_cast<DeviceType>(device_type), device_id};
  if (d.is_gpu()) cuda::require_device(device_id, "gpu context");
  return d;
}

py::array to_numpy(const Tensor& t) {
  std::vector<py::ssize_t> shape(t.shape().begin(), t.shape().end());
  py::array arr(py::dtype(dtype_name(t.dtype())), shape);
  auto storage = wrap_external_storage(arr.mutable_data(), t.nbytes(), cpu_device(), [] {});
  Tensor host = Tensor::from_storage(storage, t.shape(), contiguous_strides(t.shape()), t.dtype());
  ops::copy_(host, t);
  return arr;
}

}  // namespace gl::bind

PYBIND11_MODULE(_core, m) {
  using namespace gl;
  m.doc() = "gluonlite's C++ tensor, autograd and operator core";

  // One C++ error type; its kind picks the Python class MXNet raises in that situation.
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const Error& e) {
      // Classes live in gluonlite.base; the Index/Value/Type ones also derive MXNetError.
      static py::object* classes[5] = {};
      static const char* names[5] = {"MXNetError", "MXNetValueError", "MXNetTypeError",
                                     "MXNetIndexError", nullptr};
      int k = static_cast<int>(e.kind());
      if (e.kind() == ErrorKind::NotImplemented) {
        PyErr_SetString(PyExc_NotImplementedError, e.what());
        return;
      }
      if (!classes[k])
        classes[k] = new py::object(py::module_::import("gluonlite.base").attr(names[k]));
      PyErr_SetString(classes[k]->ptr(), e.what());
    } catch (const std::bad_alloc&) {
      PyErr_SetString(PyExc_MemoryError, "out of memory in gluonlite's core");
    }
  });

  bind::bind_tensor(m);
  bind::bind_graph(m);  // before the op families, whose *_kernel factories return GraphKernel
  bind::bind_ops(m);
  bind::bind_autograd(m);
  bind::bind_dlpack(m);
  bind::bind_io(m);
  bind::bind_optim(m);
  bind::bind_nn(m);
  bind::bind_random(m);
  bind::bind_sort(m);
  bind::bind_linalg(m);
  bind::bind_comm(m);

  m.def("get_num_threads", &cpu_threads);
  m.def("set_num_threads", [](py::handle n) {
    if (!PyLong_Check(n.ptr()) || PyBool_Check(n.ptr()))
      GL_THROW(ErrorKind::Type, "set_num_threads: expected an int, got ",
               Py_TYPE(n.ptr())->tp_name);
    long long v = PyLong_AsLongLong(n.ptr());
    if (v == -1 && PyErr_Occurred()) {
      PyErr_Clear();
      v = 0;
    }
    GL_CHECK_KIND(v >= 1 && v <= kMaxCpuThreads, ErrorKind::Value,
                  "set_num_threads: ", py::str(n).cast<std::string>(),
                  " threads is out of range; give 1 to ", kMaxCpuThreads);
    set_cpu_threads(static_cast<int>(v));
  });
  // The kernel family OpenBLAS chose when it loaded ("Haswell", "SkylakeX", ...): from the
  // CPU, or from OPENBLAS_CORETYPE when set. Benchmarks report it.
  m.def("blas_corename", [] { return std::string(scipy_openblas_get_corename()); });
  m.def("num_gpus", &cuda::device_count);
  m.def("compiled_with_cuda", &cuda::compiled_with_cuda);
  m.def("synchronize", &cuda::synchronize);
  m.def("live_tensor_count", &live_tensor_count);
  m.def("live_node_count", &live_node_count);
  m.def("cpu_allocator_stats", [] {
    AllocatorStats s = cpu_allocator_stats();
    return py::make_tuple(s.live_buffers, s.live_bytes, s.cached_bytes);
  });
  m.def("cpu_allocator_empty_cache", &cpu_allocator_empty_cache);
}
