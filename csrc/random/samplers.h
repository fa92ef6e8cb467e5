// nd.random's samplers beyond the plain fills of random.cc: every distribution with
// array-valued parameters (output shape = parameter shape + sample shape), gamma,
// exponential, Poisson, the negative binomials, and multinomial. CPU drivers in
// samplers.cc, CUDA kernels in samplers.cu, the transforms in distributions.h.
#pragma once
#include <vector>

#include "../core/tensor.h"
#include "distributions.h"

namespace gl::ops {

// The parameter inputs of one sampling call: a tensor or a scalar each, with the names the
// caller's API gives them (for error messages).
struct SampleParam {
  const Tensor* tensor = nullptr;  // null: use `value`
  double value = 0.0;
  const char* name = "";
};

// Fills `out` in place with draws of `kind`. Tensor parameters (one or both) share a shape
// P that out's shape starts with; value i of out uses parameter element i / (out.numel() /
// P.numel()). Every parameter value is checked first (ValueError naming `op`, the parameter
// and the index); a failed call draws nothing.
void sample_(philox::SampleKind kind, const Tensor& out, const SampleParam& a, const SampleParam& b,
             const char* op);

// Samples category indices from the rows (last axis) of `data`: the result has shape
// data.shape[:-1] + shape ((1,) when that is empty) and dtype `dtype` (or is written into
// `out`). A row need not sum to 1: category j is drawn with probability p_j / sum(p). With
// get_prob, also log(p_j) of each sample (the value given, as MXNet), recorded for autograd.
std::vector<Tensor> multinomial(const Tensor& data, const Shape& shape, DType dtype, bool get_prob,
                                const Tensor* out);

}  // namespace gl::ops
