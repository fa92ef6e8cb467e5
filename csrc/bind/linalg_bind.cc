// Bindings of nd.linalg (csrc/ops/linalg.h). gluonlite/ndarray/linalg.py gives them
// MXNet's names, keyword arguments and defaults.
#include "../ops/linalg.h"
#include "bind.h"

namespace gl::bind {

namespace {

// Long factorizations release the GIL, as the elementwise ops do.
template <typename Fn>
auto work_on(const Tensor& a, Fn&& fn) {
  return maybe_without_gil(a.numel(), std::forward<Fn>(fn));
}

py::tuple pair(const std::vector<Tensor>& outs) { return py::make_tuple(outs[0], outs[1]); }

}  // namespace

void bind_linalg(py::module_& m) {
  m.def("linalg_gemm", [](const Tensor& a, const Tensor& b, const Tensor& c, bool ta, bool tb,
                          double alpha, double beta, int axis) {
    return work_on(a, [&] { return ops::linalg_gemm(a, b, c, ta, tb, alpha, beta, axis); });
  });
  m.def("linalg_gemm2",
        [](const Tensor& a, const Tensor& b, bool ta, bool tb, double alpha, int axis) {
          return work_on(a, [&] { return ops::linalg_gemm2(a, b, ta, tb, alpha, axis); });
        });
  m.def("linalg_syrk", [](const Tensor& a, bool transpose, double alpha) {
    return work_on(a, [&] { return ops::linalg_syrk(a, transpose, alpha); });
  });
  m.def("linalg_trmm", [](const Tensor& a, const Tensor& b, bool transpose, bool rightside,
                          bool lower, double alpha) {
    return work_on(b, [&] { return ops::linalg_trmm(a, b, transpose, rightside, lower, alpha); });
  });
  m.def("linalg_trsm", [](const Tensor& a, const Tensor& b, bool transpose, bool rightside,
                          bool lower, double alpha) {
    return work_on(b, [&] { return ops::linalg_trsm(a, b, transpose, rightside, lower, alpha); });
  });
  m.def("linalg_potrf", [](const Tensor& a, bool lower) {
    return work_on(a, [&] { return ops::linalg_potrf(a, lower); });
  });
  m.def("linalg_potri", [](const Tensor& a, bool lower) {
    return work_on(a, [&] { return ops::linalg_potri(a, lower); });
  });
  m.def("linalg_gelqf",
        [](const Tensor& a) { return pair(work_on(a, [&] { return ops::linalg_gelqf(a); })); });
  m.def("linalg_syevd",
        [](const Tensor& a) { return pair(work_on(a, [&] { return ops::linalg_syevd(a); })); });
  m.def("linalg_inverse",
        [](const Tensor& a) { return work_on(a, [&] { return ops::linalg_inverse(a); }); });
  m.def("linalg_det",
        [](const Tensor& a) { return work_on(a, [&] { return ops::linalg_det(a); }); });
  m.def("linalg_slogdet",
        [](const Tensor& a) { return pair(work_on(a, [&] { return ops::linalg_slogdet(a); })); });
  m.def("linalg_sumlogdiag", &ops::linalg_sumlogdiag);
  m.def("linalg_extractdiag", &ops::linalg_extractdiag);
  m.def("linalg_makediag", &ops::linalg_makediag);
  m.def("linalg_extracttrian", &ops::linalg_extracttrian);
  m.def("linalg_maketrian", &ops::linalg_maketrian);
}

}  // namespace gl::bind
