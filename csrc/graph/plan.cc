#include "plan.h"

#include <algorithm>

#include "../core/error.h"

namespace gl::graph {

Plan::Plan(int num_inputs) : num_inputs_(num_inputs), num_registers_(num_inputs) {
  GL_CHECK_KIND(num_inputs >= 0, ErrorKind::Value, "GraphPlan: negative input count ", num_inputs);
}

std::vector<int> Plan::add(const Kernel& kernel, const std::vector<int>& args) {
  GL_CHECK(!finished_, "GraphPlan: step '", kernel.name, "' added after finish()");
  GL_CHECK_KIND(static_cast<int>(args.size()) == kernel.num_args, ErrorKind::Value, "GraphPlan: '",
                kernel.name, "' takes ", kernel.num_args, " arguments, got ", args.size());
  for (int r : args)
    GL_CHECK_KIND(r >= 0 && r < num_registers_, ErrorKind::Index, "GraphPlan: '", kernel.name,
                  "' reads register ", r, " of ", num_registers_);
  Step step;
  step.kernel = kernel;
  step.args = args;
  step.first_output = num_registers_;
  num_registers_ += kernel.num_outputs;
  steps_.push_back(std::move(step));
  std::vector<int> out(kernel.num_outputs);
  for (int i = 0; i < kernel.num_outputs; ++i) out[i] = steps_.back().first_output + i;
  return out;
}

void Plan::finish(const std::vector<int>& outputs) {
  GL_CHECK(!finished_, "GraphPlan: finish() called twice");
  for (int r : outputs)
    GL_CHECK_KIND(r >= 0 && r < num_registers_, ErrorKind::Index, "GraphPlan: output register ", r,
                  " of ", num_registers_);
  outputs_ = outputs;
  // last reader of each register; -1: never read. Outputs are kept to the end.
  std::vector<int> last(num_registers_, -1);
  for (size_t i = 0; i < steps_.size(); ++i)
    for (int r : steps_[i].args) last[r] = static_cast<int>(i);
  std::vector<bool> kept(num_registers_, false);
  for (int r : outputs) kept[r] = true;
  for (size_t i = 0; i < steps_.size(); ++i) {
    Step& s = steps_[i];
    for (int k = 0; k < s.kernel.num_outputs; ++k) {
      int r = s.first_output + k;
      if (last[r] < 0 && !kept[r]) s.release.push_back(r);  // an output nobody reads
    }
  }
  for (int r = 0; r < num_registers_; ++r)
    if (last[r] >= 0 && !kept[r]) steps_[last[r]].release.push_back(r);
  for (Step& s : steps_) std::sort(s.release.begin(), s.release.end());
  finished_ = true;
}

std::vector<Tensor> Plan::run(std::vector<Tensor> inputs) const {
  GL_CHECK(finished_, "GraphPlan: run() before finish()");
  GL_CHECK_KIND(static_cast<int>(inputs.size()) == num_inputs_, ErrorKind::Value,
                "GraphPlan: expected ", num_inputs_, " inputs, got ", inputs.size());
  std::vector<Tensor> regs(num_registers_);
  for (int i = 0; i < num_inputs_; ++i) regs[i] = std::move(inputs[i]);
  std::vector<Tensor> args;
  for (const Step& s : steps_) {
    args.clear();
    for (int r : s.args) args.push_back(regs[r]);
    std::vector<Tensor> out = s.kernel.run(args);
    GL_CHECK(static_cast<int>(out.size()) == s.kernel.num_outputs, "GraphPlan: '", s.kernel.name,
             "' returned ", out.size(), " outputs, expected ", s.kernel.num_outputs);
    for (int k = 0; k < s.kernel.num_outputs; ++k) regs[s.first_output + k] = std::move(out[k]);
    args.clear();
    for (int r : s.release) regs[r] = Tensor();
  }
  std::vector<Tensor> result;
  result.reserve(outputs_.size());
  for (int r : outputs_) result.push_back(regs[r]);
  return result;
}

const std::vector<int>& Plan::released_after(int i) const {
  GL_CHECK_KIND(i >= 0 && i < num_steps(), ErrorKind::Index, "GraphPlan: step ", i, " of ",
                num_steps());
  return steps_[i].release;
}

int Plan::peak_live_registers() const {
  int live = 0, peak = 0;
  for (const Step& s : steps_) {
    live += s.kernel.num_outputs;
    peak = std::max(peak, live);
    for (int r : s.release)
      if (r >= num_inputs_) --live;
  }
  return peak;
}

}  // namespace gl::graph
