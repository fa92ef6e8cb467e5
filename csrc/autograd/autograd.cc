#include "autograd.h"

#include <atomic>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "../ops/ops.h"

namespace gl {

namespace {
thread_local bool t_recording = false;
thread_local bool t_training = false;
thread_local int64_t t_group = 0;
std::atomic<int64_t> g_live_nodes{0};

struct CountedNode : Node {
  CountedNode() { g_live_nodes.fetch_add(1, std::memory_order_relaxed); }
  ~CountedNode() { g_live_nodes.fetch_sub(1, std::memory_order_relaxed); }
};

const char* kNotInGraph =
    "Cannot differentiate: the array is not the result of an operation recorded in a "
    "computational graph. Call attach_grad() on the inputs and compute the output inside "
    "`with autograd.record():`. If it was recorded, an earlier backward() has already "
    "consumed its graph: pass retain_graph=True to that backward() to differentiate the "
    "same graph twice.";

const char* kNothingToDifferentiate =
    "Cannot differentiate: none of the arrays this output depends on requires a gradient. If "
    "some did, an earlier backward() has freed the part of the graph leading to them: pass "
    "retain_graph=True to that backward() to differentiate it again.";

Tensor accumulate(const Tensor& sum, const Tensor& g) {
  return sum.defined() ? ops::add(sum, g) : g;
}
}  // namespace

bool is_recording() { return t_recording; }
bool is_training() { return t_training; }
bool set_recording(bool on) {
  bool prev = t_recording;
  t_recording = on;
  return prev;
}
int64_t set_record_group(int64_t group) {
  int64_t prev = t_group;
  t_group = group;
  return prev;
}
bool set_training(bool on) {
  bool prev = t_training;
  t_training = on;
  return prev;
}
int64_t live_node_count() { return g_live_nodes.load(); }

bool should_record_list(const std::vector<Tensor>& inputs) {
  if (!is_recording()) return false;
  for (const Tensor& t : inputs)
    if (t.defined() && t.requires_grad()) return true;
  return false;
}

void record_op(const char* name, const std::vector<Tensor>& inputs,
               const std::vector<Tensor*>& outputs, BackwardFn fn) {
  auto node = std::make_shared<CountedNode>();
  node->name = name;
  node->group = t_group;
  node->backward = std::move(fn);
  node->inputs.reserve(inputs.size());
  for (const Tensor& t : inputs) {
    Edge e;
    if (t.defined()) {
      TensorImpl* impl = t.impl();
      // An input whose graph a backward() already freed is a constant here (MXNet).
      if (impl->grad_fn && impl->grad_fn->backward) {
        e.node = impl->grad_fn;
        e.output_index = impl->output_index;
      } else if (impl->variable && impl->variable->req != GradReq::Null) {
        e.variable = impl->variable;
      }
    }
    node->inputs.push_back(std::move(e));
  }
  node->output_dtype = outputs[0]->dtype();
  node->output_device = outputs[0]->device();
  node->outputs.reserve(outputs.size());
  for (size_t i = 0; i < outputs.size(); ++i) {
    node->outputs.push_back(outputs[i]->impl_ptr());
    node->output_shapes.push_back(outputs[i]->shape());
    outputs[i]->impl()->grad_fn = node;
    outputs[i]->impl()->output_index = static_cast<int>(i);
    outputs[i]->impl()->variable = nullptr;
  }
}

namespace {

// Under create_graph, a gradient that does not depend on the recorded inputs (radians' is a
// scale of the head gradient, Dropout's a mask of it) is still a function of them, whose
// derivative is zero. Such a gradient is linked to the inputs of the node that produced it,
// as MXNet's backward operators are, so differentiating it again gives zeros rather than
// "not in a computational graph". The link is a view of the gradient, never the caller's
// head-gradient array itself.
void link_constant_gradients(GradList& grads_in, const Node& producer) {
  for (size_t i = 0; i < grads_in.size() && i < producer.inputs.size(); ++i) {
    Tensor& g = grads_in[i];
    if (producer.opaque_backward) return;
    if (!g.defined() || g.requires_grad() || !producer.inputs[i].active()) continue;
    auto link = std::make_shared<CountedNode>();
    link->name = "_zero_derivative";
    link->inputs = producer.inputs;
    size_t n = producer.inputs.size();
    link->backward = [n](const GradList&) { return GradList(n); };  // zero for every input
    Tensor view = detach(g);
    link->output_dtype = view.dtype();
    link->output_device = view.device();
    link->outputs.push_back(view.impl_ptr());
    link->output_shapes.push_back(view.shape());
    view.impl()->grad_fn = link;
    view.impl()->output_index = 0;
    view.impl()->variable = nullptr;
    g = view;
  }
}

}  // namespace

const char* intern_op_name(const std::string& name) {
  static std::mutex mutex;
  static std::unordered_set<std::string> names;  // node-based: c_str() pointers stay valid
  std::lock_guard<std::mutex> lock(mutex);
  return names.insert(name).first->c_str();
}

void attach_grad_buffer(const Tensor& t, const Tensor& grad, GradReq req) {
  GL_CHECK_KIND(grad.shape() == t.shape(), ErrorKind::Value, "mark_variables: the gradient ",
                "buffer has shape ", shape_str(grad.shape()), " but the variable has shape ",
                shape_str(t.shape()));
  GL_CHECK_KIND(grad.dtype() == t.dtype(), ErrorKind::Value, "mark_variables: the gradient ",
                "buffer has dtype ", dtype_name(grad.dtype()), " but the variable has dtype ",
                dtype_name(t.dtype()));
  GL_CHECK_KIND(grad.device() == t.device(), ErrorKind::Value,
                "mark_variables: the gradient buffer is on another device than the variable");
  auto var = std::make_shared<Variable>();
  var->req = req;
  var->grad = grad;  // the caller's array itself: backward writes into it
  t.impl()->variable = std::move(var);
  t.impl()->grad_fn = nullptr;
}

void attach_grad(const Tensor& t, GradReq req) {
  TensorImpl* impl = t.impl();
  auto var = std::make_shared<Variable>();
  var->req = req;
  if (req != GradReq::Null) {
    var->grad = Tensor::empty(t.shape(), t.dtype(), t.device());
    ops::fill_(var->grad, 0.0);
  }
  impl->variable = std::move(var);
  impl->grad_fn = nullptr;  // attach_grad makes the array a fresh leaf, as in MXNet
}

Tensor variable_grad(const Tensor& t) {
  auto& var = t.impl()->variable;
  return var ? var->grad : Tensor();
}
GradReq variable_grad_req(const Tensor& t) {
  auto& var = t.impl()->variable;
  return var ? var->req : GradReq::Null;
}
bool variable_fresh(const Tensor& t) {
  auto& var = t.impl()->variable;
  return var && var->fresh;
}
void set_variable_fresh(const Tensor& t, bool fresh) {
  if (auto& var = t.impl()->variable) var->fresh = fresh;
}

Tensor detach(const Tensor& t) { return Tensor::view(t, t.shape(), t.strides(), t.offset()); }

namespace {

GradReadyHook& grad_ready_hook() {
  static GradReadyHook hook;
  return hook;
}

// backward()'s write of one variable's gradient (grad_req write or add), then the hook.
void write_variable_grad(Variable& var, const Tensor& g) {
  if (var.req == GradReq::Write) {
    ops::copy_(var.grad, g);
  } else if (var.req == GradReq::Add) {
    ops::copy_(var.grad, ops::add(var.grad, g));
  }
  var.fresh = true;
  if (var.req != GradReq::Null && grad_ready_hook()) grad_ready_hook()(var.grad);
}

struct BackwardResult {
  // The accumulated gradient of every variable that received one.
  std::unordered_map<Variable*, std::pair<std::shared_ptr<Variable>, Tensor>> var_grads;
  std::unordered_set<Variable*> reachable;  // every variable the heads depend on
};

// Frees a consumed graph: drops the saved tensors and detaches the arrays the nodes produced,
// which stay usable as constants (MXNet clears their autograd entries the same way).
void free_graph(const std::vector<std::shared_ptr<Node>>& nodes) {
  for (const auto& node : nodes) {
    node->backward = nullptr;
    for (const auto& weak : node->outputs)
      if (auto impl = weak.lock())
        if (impl->grad_fn.get() == node.get()) impl->grad_fn = nullptr;
    node->outputs.clear();
  }
}

// Runs the backward pass over the graph behind `heads`. With `write_early` (backward(), not
// grad()), each variable's gradient is written to its buffer once the last node feeding it
// has run, and left out of the result.
BackwardResult run_backward(const std::vector<Tensor>& heads, const std::vector<Tensor>& head_grads,
                            bool retain_graph, bool create_graph, bool write_early) {
  GL_CHECK_KIND(head_grads.empty() || head_grads.size() == heads.size(), ErrorKind::Value,
                "backward: got ", heads.size(), " output(s) but ", head_grads.size(),
                " head gradient(s)");
  BackwardResult result;
  auto& var_grads = result.var_grads;
  std::unordered_map<Node*, GradList> node_grads;
  std::vector<std::shared_ptr<Node>> roots;
  std::unordered_set<Variable*> head_variables;  // written at the end, with the heads' seed

  for (size_t i = 0; i < heads.size(); ++i) {
    const Tensor& h = heads[i];
    Tensor hg;
    if (!head_grads.empty() && head_grads[i].defined()) {
      hg = head_grads[i];
      GL_CHECK(hg.shape() == h.shape(), "backward: head gradient has shape ", shape_str(hg.shape()),
               " but the output has shape ", shape_str(h.shape()));
    } else {
      hg = ops::full_like(h, 1.0);
    }
    TensorImpl* impl = h.impl();
    if (impl->grad_fn) {
      GL_CHECK(impl->grad_fn->backward,
               "backward: the graph of this output was already freed by an earlier "
               "backward(). Pass retain_graph=True to the first backward() to "
               "differentiate the same graph twice.");
      GradList& slot = node_grads[impl->grad_fn.get()];
      slot.resize(impl->grad_fn->output_shapes.size());
      slot[impl->output_index] = accumulate(slot[impl->output_index], hg);
      roots.push_back(impl->grad_fn);
    } else if (impl->variable && impl->variable->req != GradReq::Null) {
      head_variables.insert(impl->variable.get());
      auto& entry = var_grads[impl->variable.get()];
      entry.first = impl->variable;
      entry.second = accumulate(entry.second, hg);
      result.reachable.insert(impl->variable.get());
    } else {
      GL_THROW(ErrorKind::MXNet, kNotInGraph);
    }
  }

  // Count, for every reachable node and variable, how many edges lead into it.
  std::unordered_map<Node*, int> pending;
  std::unordered_map<Variable*, int> var_pending;
  std::vector<Node*> stack;
  std::unordered_set<Node*> seen;
  for (auto& r : roots)
    if (seen.insert(r.get()).second) stack.push_back(r.get());
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    for (Edge& e : n->inputs) {
      if (e.variable) {
        result.reachable.insert(e.variable.get());
        ++var_pending[e.variable.get()];
      }
      if (!e.node || !e.node->backward) continue;  // freed by an earlier backward: a constant
      ++pending[e.node.get()];
      if (seen.insert(e.node.get()).second) stack.push_back(e.node.get());
    }
  }

  GL_CHECK(!result.reachable.empty(), kNothingToDifferentiate);

  std::vector<std::shared_ptr<Node>> ready;
  std::unordered_set<Node*> queued;
  for (auto& r : roots)
    if (pending[r.get()] == 0 && queued.insert(r.get()).second) ready.push_back(r);

  std::vector<std::shared_ptr<Node>> visited;
  RecordingGuard recording(create_graph);
  while (!ready.empty()) {
    std::shared_ptr<Node> node = std::move(ready.back());
    ready.pop_back();
    GL_CHECK(node->backward, "backward: the graph through '", node->name,
             "' was already freed by an earlier backward(). Pass retain_graph=True to "
             "differentiate the same graph twice.");
    GradList grads_out = std::move(node_grads[node.get()]);
    node_grads.erase(node.get());
    grads_out.resize(node->output_shapes.size());
    for (size_t i = 0; i < grads_out.size(); ++i) {
      if (!grads_out[i].defined()) {
        grads_out[i] =
            Tensor::empty(node->output_shapes[i], node->output_dtype, node->output_device);
        ops::fill_(grads_out[i], 0.0);
      }
    }
    GradList grads_in = node->backward(grads_out);
    if (create_graph) link_constant_gradients(grads_in, *node);
    visited.push_back(node);
    for (size_t i = 0; i < node->inputs.size(); ++i) {
      Edge& e = node->inputs[i];
      bool live_node = e.node && e.node->backward;
      bool has_grad = i < grads_in.size() && grads_in[i].defined();
      if (e.variable) {
        Variable* var = e.variable.get();
        if (has_grad) {
          auto& entry = var_grads[var];
          entry.first = e.variable;
          entry.second = accumulate(entry.second, grads_in[i]);
        }
        // the last edge into a variable that is not also a head: its gradient is final
        if (--var_pending[var] == 0 && write_early && !head_variables.count(var)) {
          auto found = var_grads.find(var);
          if (found != var_grads.end()) {
            write_variable_grad(*found->second.first, found->second.second);
            var_grads.erase(found);
          }
        }
        continue;
      }
      if (!live_node || !has_grad) {
        if (live_node && --pending[e.node.get()] == 0) ready.push_back(e.node);
        continue;
      }
      GradList& slot = node_grads[e.node.get()];
      slot.resize(e.node->output_shapes.size());
      slot[e.output_index] = accumulate(slot[e.output_index], grads_in[i]);
      if (--pending[e.node.get()] == 0) ready.push_back(e.node);
    }
  }
  if (!retain_graph) free_graph(visited);
  return result;
}

}  // namespace

void backward(const std::vector<Tensor>& heads, const std::vector<Tensor>& head_grads,
              bool retain_graph, bool create_graph) {
  auto var_grads =
      run_backward(heads, head_grads, retain_graph, create_graph, /*write_early=*/true).var_grads;
  RecordingGuard recording(create_graph);
  for (auto& kv : var_grads) write_variable_grad(*kv.second.first, kv.second.second);
}

void set_grad_ready_hook(GradReadyHook hook) { grad_ready_hook() = std::move(hook); }
bool has_grad_ready_hook() { return static_cast<bool>(grad_ready_hook()); }

std::vector<Tensor> grad(const std::vector<Tensor>& heads, const std::vector<Tensor>& variables,
                         const std::vector<Tensor>& head_grads, bool retain_graph,
                         bool create_graph) {
  for (size_t i = 0; i < variables.size(); ++i) {
    const auto& var = variables[i].impl()->variable;
    GL_CHECK(var != nullptr && var->req != GradReq::Null,
             "autograd.grad: cannot differentiate with respect to variable ", i, " (shape ",
             shape_str(variables[i].shape()), "): it does not require a gradient. ",
             "Call attach_grad() on it (grad_req 'write' or 'add') before recording.");
  }
  auto backward_result =
      run_backward(heads, head_grads, retain_graph, create_graph, /*write_early=*/false);
  const auto& var_grads = backward_result.var_grads;
  std::vector<Tensor> result;
  for (size_t i = 0; i < variables.size(); ++i) {
    const Tensor& v = variables[i];
    Variable* var = v.impl()->variable.get();
    GL_CHECK(backward_result.reachable.count(var),
             "autograd.grad: cannot differentiate with respect to variable ", i, " (shape ",
             shape_str(v.shape()), "): it is unreachable from the heads");
    auto it = var_grads.find(var);
    if (it != var_grads.end()) {
      result.push_back(it->second.second);
    } else {
      Tensor z = Tensor::empty(v.shape(), v.dtype(), v.device());
      ops::fill_(z, 0.0);
      result.push_back(z);
    }
  }
  return result;
}

}  // namespace gl
