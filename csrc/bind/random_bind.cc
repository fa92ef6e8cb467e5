// Bindings of the samplers (sample_, multinomial); the plain fills, seed, shuffle and
// dropout are bound in ops_bind.cc. gluonlite/ndarray/random.py gives them MXNet's
// signatures.
#include <optional>

#include "../random/samplers.h"
#include "bind.h"

namespace gl::bind {

namespace {

// Names of nd.random's sampler kinds, as gluonlite/ndarray/random.py passes them.
philox::SampleKind sample_kind(const std::string& name) {
  using philox::SampleKind;
  static const std::pair<const char*, SampleKind> kinds[] = {
      {"uniform", SampleKind::Uniform},
      {"normal", SampleKind::Normal},
      {"gamma", SampleKind::Gamma},
      {"exponential_scale", SampleKind::ExponentialScale},
      {"exponential_rate", SampleKind::ExponentialRate},
      {"poisson", SampleKind::Poisson},
      {"negative_binomial", SampleKind::NegativeBinomial},
      {"generalized_negative_binomial", SampleKind::GeneralizedNegativeBinomial},
  };
  for (const auto& [n, kind] : kinds)
    if (name == n) return kind;
  GL_THROW(ErrorKind::Value, "sample_: unknown distribution '", name, "'");
}

// A sampler parameter: an NDArray or a number.
ops::SampleParam sample_param(py::handle value, const std::string& name, const char* op) {
  ops::SampleParam p;
  p.name = name.c_str();
  if (py::isinstance<Tensor>(value)) {
    p.tensor = &py::cast<const Tensor&>(value);
  } else if (!as_scalar(value, &p.value)) {
    GL_THROW(ErrorKind::Type, op, ": ", name, " must be an NDArray or a number, got ",
             py::str(py::type::of(value)).cast<std::string>());
  }
  return p;
}

}  // namespace

void bind_random(py::module_& m) {
  m.def(
      "sample_",
      [](const std::string& kind, const Tensor& out, py::handle a, py::handle b,
         const std::string& op, const std::string& a_name, const std::string& b_name) {
        const philox::SampleKind k = sample_kind(kind);
        const ops::SampleParam pa = sample_param(a, a_name, op.c_str());
        const ops::SampleParam pb = sample_param(b, b_name, op.c_str());
        maybe_without_gil(out.numel(), [&] {
          ops::sample_(k, out, pa, pb, op.c_str());
          return 0;
        });
      },
      "Fills out with draws of `kind`; a and b are NDArrays or numbers (see samplers.h).");
  m.def(
      "multinomial",
      [](const Tensor& data, py::handle shape, py::handle dtype, bool get_prob,
         const std::optional<Tensor>& out) {
        const Shape s = to_shape(shape);
        const DType dt = parse_dtype(dtype);
        return maybe_without_gil(data.numel() * (shape_numel(s) + 1), [&] {
          return ops::multinomial(data, s, dt, get_prob, out ? &*out : nullptr);
        });
      },
      "Category samples of data's rows: [samples] or [samples, log_prob].");
}

}  // namespace gl::bind
