// Bindings of the fused optimizer updates (ops/optimizer.h). One function per MXNet update
// operator; each updates its arrays in place and returns None. `weight32` is the float32
// master copy of a float16 weight under multi-precision, or None.
#include <optional>

#include "../ops/optimizer.h"
#include "bind.h"

namespace gl::bind {

namespace {

using ops::OptimParams;
using ops::OptimRule;

void update(OptimRule rule, const Tensor& weight, const Tensor& grad, std::vector<Tensor> states,
            const std::optional<Tensor>& weight32, const OptimParams& p) {
  ops::optimizer_update(rule, weight, grad, states, weight32 ? *weight32 : Tensor(), p);
}

OptimParams base(double lr, double wd, double rescale_grad, double clip_gradient) {
  OptimParams p;
  p.lr = lr;
  p.wd = wd;
  p.rescale_grad = rescale_grad;
  p.clip_gradient = clip_gradient;
  return p;
}

using W32 = const std::optional<Tensor>&;

}  // namespace

void bind_optim(py::module_& m) {
  const char* doc = "Fused in-place optimizer update (see gluonlite/optimizer).";
  m.def(
      "sgd_update",
      [](const Tensor& w, const Tensor& g, W32 w32, double lr, double wd, double rescale,
         double clip) { update(OptimRule::Sgd, w, g, {}, w32, base(lr, wd, rescale, clip)); },
      doc);
  m.def(
      "multi_sgd_update",
      [](const Tensor& w, const Tensor& g, W32 w32, double lr, double wd, double rescale,
         double clip) { update(OptimRule::MultiSgd, w, g, {}, w32, base(lr, wd, rescale, clip)); },
      doc);
  m.def(
      "sgd_mom_update",
      [](const Tensor& w, const Tensor& g, const Tensor& mom, W32 w32, double lr, double momentum,
         double wd, double rescale, double clip) {
        OptimParams p = base(lr, wd, rescale, clip);
        p.momentum = momentum;
        update(OptimRule::SgdMom, w, g, {mom}, w32, p);
      },
      doc);
  m.def(
      "nag_mom_update",
      [](const Tensor& w, const Tensor& g, const Tensor& mom, W32 w32, double lr, double momentum,
         double wd, double rescale, double clip) {
        OptimParams p = base(lr, wd, rescale, clip);
        p.momentum = momentum;
        update(OptimRule::Nag, w, g, {mom}, w32, p);
      },
      doc);
  m.def(
      "adam_update",
      [](const Tensor& w, const Tensor& g, const Tensor& mean, const Tensor& var, W32 w32,
         double lr, double beta1, double beta2, double epsilon, double wd, double rescale,
         double clip) {
        OptimParams p = base(lr, wd, rescale, clip);
        p.beta1 = beta1;
        p.beta2 = beta2;
        p.epsilon = epsilon;
        update(OptimRule::Adam, w, g, {mean, var}, w32, p);
      },
      doc);
  m.def(
      "adamw_update",
      [](const Tensor& w, const Tensor& g, const Tensor& mean, const Tensor& var, W32 w32,
         double lr, double eta, double beta1, double beta2, double epsilon, double wd,
         double rescale, double clip) {
        OptimParams p = base(lr, wd, rescale, clip);
        p.eta = eta;
        p.beta1 = beta1;
        p.beta2 = beta2;
        p.epsilon = epsilon;
        update(OptimRule::AdamW, w, g, {mean, var}, w32, p);
      },
      doc);
  m.def(
      "rmsprop_update",
      [](const Tensor& w, const Tensor& g, const Tensor& n, W32 w32, double lr, double gamma1,
         double epsilon, double wd, double rescale, double clip, double clip_weights) {
        OptimParams p = base(lr, wd, rescale, clip);
        p.gamma1 = gamma1;
        p.epsilon = epsilon;
        p.clip_weights = clip_weights;
        update(OptimRule::RMSProp, w, g, {n}, w32, p);
      },
      doc);
  m.def(
      "rmspropalex_update",
      [](const Tensor& w, const Tensor& g, const Tensor& n, const Tensor& g_avg,
         const Tensor& delta, W32 w32, double lr, double gamma1, double gamma2, double epsilon,
         double wd, double rescale, double clip, double clip_weights) {
        OptimParams p = base(lr, wd, rescale, clip);
        p.gamma1 = gamma1;
        p.gamma2 = gamma2;
        p.epsilon = epsilon;
        p.clip_weights = clip_weights;
        update(OptimRule::RMSPropAlex, w, g, {n, g_avg, delta}, w32, p);
      },
      doc);
  m.def(
      "adagrad_update",
      [](const Tensor& w, const Tensor& g, const Tensor& history, W32 w32, double lr,
         double epsilon, double wd, double rescale, double clip) {
        OptimParams p = base(lr, wd, rescale, clip);
        p.epsilon = epsilon;
        update(OptimRule::AdaGrad, w, g, {history}, w32, p);
      },
      doc);
  m.def(
      "adadelta_update",
      [](const Tensor& w, const Tensor& g, const Tensor& acc_g, const Tensor& acc_delta, W32 w32,
         double rho, double epsilon, double wd, double rescale, double clip) {
        OptimParams p = base(0.0, wd, rescale, clip);
        p.rho = rho;
        p.epsilon = epsilon;
        update(OptimRule::AdaDelta, w, g, {acc_g, acc_delta}, w32, p);
      },
      doc);
  m.def(
      "signsgd_update",
      [](const Tensor& w, const Tensor& g, W32 w32, double lr, double wd, double rescale,
         double clip) { update(OptimRule::SignSgd, w, g, {}, w32, base(lr, wd, rescale, clip)); },
      doc);
  m.def(
      "signum_update",
      [](const Tensor& w, const Tensor& g, const Tensor& mom, W32 w32, double lr, double momentum,
         double wd, double rescale, double clip, double wd_lh) {
        OptimParams p = base(lr, wd, rescale, clip);
        p.momentum = momentum;
        p.wd_lh = wd_lh;
        update(OptimRule::Signum, w, g, {mom}, w32, p);
      },
      doc);
}

}  // namespace gl::bind
