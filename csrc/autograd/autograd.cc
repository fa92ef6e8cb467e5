#include "autograd.h"

#include <atomic>
#include <unordered_map>
#include <unordered_set>

#include "../ops/ops.h"

namespace gl {

namespace {
thread_local bool t_recording = false;
thread_local bool t_training = false;
std::atomic<int64_t> g_live_nodes{0};

struct CountedNode : Node {
  CountedNode() { g_live_nodes.fetch_add(1, std::memory_order_relaxed); }
  ~CountedNode() { g_live_nodes.fetch_sub(1, std::memory_order_relaxed); }
};

const char* kNotInGraph =
    "Cannot differentiate: the array is not the result of an operation recorded in a "
    "computational graph. Call attach_grad() on the inputs and compute the output inside "
    "`with autograd.record():`.";

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
  node->backward = std::move(fn);
  node->inputs.reserve(inputs.size());
  for (const Tensor& t : inputs) {
    Edge e;
    if (t.defined()) {
      TensorImpl* impl = t.impl();
      if (impl->grad_fn) {
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
  for (size_t i = 0; i < outputs.size(); ++i) {
    node->output_shapes.push_back(outputs[i]->shape());
    outputs[i]->impl()->grad_fn = node;
    outputs[i]->impl()->output_index = static_cast<int>(i);
    outputs[i]->impl()->variable = nullptr;
  }
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

// Runs the backward pass; returns the accumulated gradient of every reached variable.
std::unordered_map<Variable*, std::pair<std::shared_ptr<Variable>, Tensor>> run_backward(
    const std::vector<Tensor>& heads, const std::vector<Tensor>& head_grads, bool retain_graph,
    bool create_graph) {
  GL_CHECK_KIND(head_grads.empty() || head_grads.size() == heads.size(), ErrorKind::Value,
                "backward: got ", heads.size(), " output(s) but ", head_grads.size(),
                " head gradient(s)");
  std::unordered_map<Variable*, std::pair<std::shared_ptr<Variable>, Tensor>> var_grads;
  std::unordered_map<Node*, GradList> node_grads;
  std::vector<std::shared_ptr<Node>> roots;

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
      auto& entry = var_grads[impl->variable.get()];
      entry.first = impl->variable;
      entry.second = accumulate(entry.second, hg);
    } else {
      GL_THROW(ErrorKind::MXNet, kNotInGraph);
    }
  }

  // Count, for every reachable node, how many edges lead into it.
  std::unordered_map<Node*, int> pending;
  std::vector<Node*> stack;
  std::unordered_set<Node*> seen;
  for (auto& r : roots)
    if (seen.insert(r.get()).second) stack.push_back(r.get());
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    for (Edge& e : n->inputs) {
      if (!e.node) continue;
      ++pending[e.node.get()];
      if (seen.insert(e.node.get()).second) stack.push_back(e.node.get());
    }
  }

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
    visited.push_back(node);
    for (size_t i = 0; i < node->inputs.size(); ++i) {
      Edge& e = node->inputs[i];
      if (!e.active() || i >= grads_in.size() || !grads_in[i].defined()) {
        if (e.node && --pending[e.node.get()] == 0) ready.push_back(e.node);
        continue;
      }
      if (e.variable) {
        auto& entry = var_grads[e.variable.get()];
        entry.first = e.variable;
        entry.second = accumulate(entry.second, grads_in[i]);
      } else {
        GradList& slot = node_grads[e.node.get()];
        slot.resize(e.node->output_shapes.size());
        slot[e.output_index] = accumulate(slot[e.output_index], grads_in[i]);
        if (--pending[e.node.get()] == 0) ready.push_back(e.node);
      }
    }
  }
  if (!retain_graph)
    for (auto& n : visited) n->backward = nullptr;  // frees the saved tensors
  return var_grads;
}

}  // namespace

void backward(const std::vector<Tensor>& heads, const std::vector<Tensor>& head_grads,
              bool retain_graph, bool create_graph) {
  auto var_grads = run_backward(heads, head_grads, retain_graph, create_graph);
  RecordingGuard recording(create_graph);
  for (auto& kv : var_grads) {
    Variable& var = *kv.second.first;
    const Tensor& g = kv.second.second;
    if (var.req == GradReq::Write) {
      ops::copy_(var.grad, g);
    } else if (var.req == GradReq::Add) {
      ops::copy_(var.grad, ops::add(var.grad, g));
    }
    var.fresh = true;
  }
}

std::vector<Tensor> grad(const std::vector<Tensor>& heads, const std::vector<Tensor>& variables,
                         const std::vector<Tensor>& head_grads, bool retain_graph,
                         bool create_graph) {
  for (const Tensor& v : variables)
    GL_CHECK(v.impl()->variable != nullptr,
             "autograd.grad: every variable must have had attach_grad() called on it");
  auto var_grads = run_backward(heads, head_grads, retain_graph, create_graph);
  std::vector<Tensor> result;
  for (const Tensor& v : variables) {
    auto it = var_grads.find(v.impl()->variable.get());
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
