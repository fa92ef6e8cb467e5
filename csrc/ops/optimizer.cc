// Fused optimizer updates: operand checks, the CPU loop and device dispatch. CUDA kernel:
// optimizer.cu. The update rules themselves are in optimizer.h.
#include "optimizer.h"

#include <cmath>

#include "../core/parallel.h"
#include "../cuda/runtime.h"
#include "ops.h"
#include "cuda_kernels.h"

namespace gl::ops {

namespace {

struct RuleInfo {
  const char* name;
  int num_states;
  const char* state_names[3];
};

const RuleInfo& rule_info(OptimRule rule) {
  static const RuleInfo infos[] = {
      {"sgd_update", 0, {}},
      {"multi_sgd_update", 0, {}},
      {"sgd_mom_update", 1, {"mom"}},
      {"nag_mom_update", 1, {"mom"}},
      {"adam_update", 2, {"mean", "var"}},
      {"adamw_update", 2, {"mean", "var"}},
      {"rmsprop_update", 1, {"n"}},
      {"rmspropalex_update", 3, {"n", "g", "delta"}},
      {"adagrad_update", 1, {"history"}},
      {"adadelta_update", 2, {"acc_g", "acc_delta"}},
      {"signsgd_update", 0, {}},
      {"signum_update", 1, {"mom"}},
  };
  return infos[static_cast<int>(rule)];
}

// `what` must match the weight in shape and device, and have dtype `dtype`.
void check_operand(const char* op, const char* what, const Tensor& t, const Tensor& weight,
                   DType dtype) {
  GL_CHECK(t.defined(), op, ": ", what, " is missing");
  GL_CHECK(t.shape() == weight.shape(), op, ": ", what, " has shape ", shape_str(t.shape()),
           " but weight has shape ", shape_str(weight.shape()));
  GL_CHECK(t.device() == weight.device(), op, ": ", what, " is on ", t.device().str(),
           " but weight is on ", weight.device().str());
  GL_CHECK(t.dtype() == dtype, op, ": ", what, " has dtype ", dtype_name(t.dtype()), ", expected ",
           dtype_name(dtype));
}

template <bool kMaster, typename T, typename S, typename Rule>
void cpu_update(const Rule& rule, const optim::Buffers<T, S>& b, int64_t n) {
  parallel_for(n, kParallelGrain, [&](int64_t begin, int64_t end) {
    // Private copies: the compiler can then see that the stores cannot change the pointers
    // or parameters, and vectorizes the loop.
    const optim::Buffers<T, S> local = b;
    const Rule local_rule = rule;
    for (int64_t i = begin; i < end; ++i) optim::update_element<kMaster>(local_rule, local, i);
  });
}

bool all_contiguous(const Tensor& weight, const Tensor& grad, const std::vector<Tensor>& states,
                    const Tensor& master) {
  if (!weight.is_contiguous() || !grad.is_contiguous()) return false;
  if (master.defined() && !master.is_contiguous()) return false;
  for (const Tensor& s : states)
    if (!s.is_contiguous()) return false;
  return true;
}

void run_update(OptimRule rule, const Tensor& weight, const Tensor& grad,
                const std::vector<Tensor>& states, const Tensor& master, const OptimParams& p) {
  if (weight.device().is_gpu()) {
    GL_CUDA_LAUNCH(optim_name(rule), weight.device(),
                   optimizer_update_cuda(rule, weight, grad, states, master, p));
    return;
  }
  optim::dispatch_update(rule, weight, grad, states, master, p,
                         [](auto has_master, const auto& r, const auto& b, int64_t n) {
                           cpu_update<decltype(has_master)::value>(r, b, n);
                         });
}

}  // namespace

const char* optim_name(OptimRule rule) { return rule_info(rule).name; }
int optim_num_states(OptimRule rule) { return rule_info(rule).num_states; }

void optimizer_update(OptimRule rule, const Tensor& weight, const Tensor& grad,
                      const std::vector<Tensor>& states, const Tensor& master,
                      const OptimParams& p) {
  const RuleInfo& info = rule_info(rule);
  const char* op = info.name;
  GL_CHECK(weight.defined(), op, ": weight is missing");
  GL_CHECK(is_floating(weight.dtype()), op, ": weight must be float16, float32 or float64, got ",
           dtype_name(weight.dtype()));
  GL_CHECK(static_cast<int>(states.size()) == info.num_states, op, " takes ", info.num_states,
           " state array(s), got ", states.size());
  DType state_dtype = weight.dtype();
  if (master.defined()) {
    GL_CHECK(weight.dtype() == DType::Float16, "mp_", op,
             ": multi-precision updates need a float16 weight, got ", dtype_name(weight.dtype()));
    check_operand(op, "weight32 (the float32 master copy)", master, weight, DType::Float32);
    state_dtype = DType::Float32;
  }
  check_operand(op, "grad", grad, weight, weight.dtype());
  for (int k = 0; k < info.num_states; ++k)
    check_operand(op, info.state_names[k], states[k], weight, state_dtype);
  if (rule == OptimRule::AdamW && !(std::isfinite(p.rescale_grad) && p.rescale_grad != 0))
    return;  // MXNet skips the AdamW step when the gradient scale overflowed (AMP)
  if (weight.numel() == 0) return;

  if (all_contiguous(weight, grad, states, master)) {
    run_update(rule, weight, grad, states, master, p);
    return;
  }
  // The kernels run on flat buffers: update contiguous copies, then write them back.
  Tensor w = contiguous(weight), g = contiguous(grad),
         m = master.defined() ? contiguous(master) : master;
  std::vector<Tensor> s;
  for (const Tensor& t : states) s.push_back(contiguous(t));
  run_update(rule, w, g, s, m, p);
  if (!w.same_storage(weight)) copy_(weight, w);
  if (m.defined() && !m.same_storage(master)) copy_(master, m);
  for (size_t k = 0; k < s.size(); ++k)
    if (!s[k].same_storage(states[k])) copy_(states[k], s[k]);
}

}  // namespace gl::ops
