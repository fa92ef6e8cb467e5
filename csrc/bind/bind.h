// Shared pieces of the pybind11 module gluonlite._core.
#pragma once
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "../core/tensor.h"

namespace py = pybind11;

namespace gl::bind {

// Python numbers (int, float, bool, numpy scalars) usable as a scalar operand.
bool as_scalar(py::handle obj, double* out);
// An int or a sequence of ints, as a shape or axes (None: no axes). Anything else raises
// MXNetError naming `what` and the value, never pybind11's cast error.
Shape to_shape(py::handle obj, const char* what = "shape");
std::vector<int> to_axes(py::handle obj, const char* what = "axis");
py::tuple shape_tuple(const Shape& shape);
DType parse_dtype(py::handle obj);  // str, numpy dtype or type, None -> float32
Device make_device(int device_type, int device_id);
py::array to_numpy(const Tensor& t);

// Runs fn() without the GIL when `work` (elements touched) is large, so other Python threads
// progress during long kernels; small ops keep it, as releasing would cost more than they do.
constexpr int64_t kReleaseGilWork = int64_t(1) << 16;
template <typename Fn>
auto maybe_without_gil(int64_t work, Fn&& fn) {
  if (work >= kReleaseGilWork) {
    py::gil_scoped_release nogil;
    return fn();
  }
  return fn();
}

void bind_tensor(py::module_& m);
void bind_ops(py::module_& m);
void bind_autograd(py::module_& m);
void bind_dlpack(py::module_& m);
void bind_io(py::module_& m);     // io_bind.cc: .params reader/writer
void bind_optim(py::module_& m);  // optim_bind.cc: fused optimizer updates
void bind_nn(py::module_& m);     // nn_bind.cc: convolution, pooling, normalization, ...
void bind_sort(py::module_& m);   // sort_bind.cc: sort, topk, gather_nd, scatter_nd

// random_bind.cc: the samplers (sample_, multinomial)
void bind_random(py::module_& m);

// linalg_bind.cc: nd.linalg
void bind_linalg(py::module_& m);

// graph_bind.cc: graph plans, the C++ replay of hybridized blocks
void bind_graph(py::module_& m);

// comm_bind.cc: NCCL, loaded at run time
void bind_comm(py::module_& m);

}  // namespace gl::bind
