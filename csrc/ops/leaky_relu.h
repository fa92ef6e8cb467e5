// Functors of the LeakyReLU family (leaky, elu, selu, gelu), shared by the CPU kernel
// (leaky_relu.cc) and the CUDA kernel (leaky_relu.cu). Each computes in math_t<T>.
#pragma once
#include "math_functors.h"
#include "nn_ops.h"

namespace gl {

// SELU's fixed constants (Klambauer et al. 2017), as MXNet uses them.
constexpr double kSeluLambda = 1.0507009873554804934193349852946;
constexpr double kSeluAlpha = 1.6732632423543772848170429916717;

struct LeakyReluF {
  int act;       // ops::LeakyAct
  double slope;  // leaky: negative slope; elu: alpha
  template <typename T>
  GL_HD T operator()(T in) const {
    using M = math_t<T>;
    const M x = static_cast<M>(static_cast<acc_t<T>>(in)), a = static_cast<M>(slope);
    switch (act) {
      case int(ops::LeakyAct::Leaky): return static_cast<T>(x > M(0) ? x : a * x);
      // expm1, as MXNet: exact near 0, and SELU's products in MXNet's order, so results
      // agree bit for bit with scale * (alpha * expm1(x)) written with nd ops.
      case int(ops::LeakyAct::Elu): return static_cast<T>(x > M(0) ? x : a * GL_MATH(expm1)(x));
      case int(ops::LeakyAct::Selu):
        return static_cast<T>(M(kSeluLambda) * (x > M(0) ? x : M(kSeluAlpha) * GL_MATH(expm1)(x)));
      default:  // Gelu, erf form
        return static_cast<T>(M(0.5) * x * (M(1) + GL_MATH(erf)(x * M(0.70710678118654752440))));
    }
  }
};

// d act(x) / dx times the incoming gradient g.
struct LeakyReluGradF {
  int act;
  double slope;
  template <typename T>
  GL_HD T operator()(T in, T grad) const {
    using M = math_t<T>;
    const M x = static_cast<M>(static_cast<acc_t<T>>(in)), a = static_cast<M>(slope);
    const M g = static_cast<M>(static_cast<acc_t<T>>(grad));
    M d;
    switch (act) {
      case int(ops::LeakyAct::Leaky): d = x > M(0) ? M(1) : a; break;
      case int(ops::LeakyAct::Elu): d = x > M(0) ? M(1) : a * GL_MATH(exp)(x); break;
      case int(ops::LeakyAct::Selu):
        d = M(kSeluLambda) * (x > M(0) ? M(1) : M(kSeluAlpha) * GL_MATH(exp)(x));
        break;
      default:  // Gelu: Phi(x) + x * phi(x)
        d = M(0.5) * (M(1) + GL_MATH(erf)(x * M(0.70710678118654752440))) +
            x * GL_MATH(exp)(M(-0.5) * x * x) * M(0.39894228040143267794);
    }
    return static_cast<T>(g * d);
  }
};

}  // namespace gl
