// Autograd state and entry points, and the node that calls back into Python for custom
// operators (autograd.Function, operator.CustomOp).
#include <unordered_map>
#include <utility>
#include <vector>

#include "../autograd/autograd.h"
#include "bind.h"

namespace gl::bind {

namespace {

// A Python callable held by a C++ backward closure. The closure may be destroyed wherever
// the graph is freed, so the reference is dropped under the GIL (and leaked, harmlessly, if
// the interpreter is already gone).
struct PythonCallback {
  py::object fn;
  explicit PythonCallback(py::object f) : fn(std::move(f)) {}
  PythonCallback(const PythonCallback&) = delete;
  PythonCallback& operator=(const PythonCallback&) = delete;
  ~PythonCallback() {
    if (!Py_IsInitialized()) {
      fn.release();
      return;
    }
    py::gil_scoped_acquire gil;
    fn = py::object();
  }
};

// Whether a gradient can flow into `t`: it has a live graph or is a variable.
bool tracks_gradient(const Tensor& t) {
  TensorImpl* impl = t.impl();
  return (impl->grad_fn && impl->grad_fn->backward) ||
         (impl->variable && impl->variable->req != GradReq::Null);
}

// What the custom backward must return for one input: a gradient of this shape and dtype.
struct InputSpec {
  Shape shape;
  DType dtype;
  Device device;
};

// Records `outputs` as computed from `inputs` by the custom op `name` (when recording and
// some input carries a gradient); on backward, `backward(list of output gradients)` returns
// one gradient (NDArray or None) per input. Python exceptions raised there propagate out of
// backward() unchanged.
void record_custom(const std::string& name, const std::vector<Tensor>& inputs,
                   const std::vector<Tensor>& outputs, py::object backward) {
  GL_CHECK_KIND(!outputs.empty(), ErrorKind::Value, name, ": a custom operator needs at least ",
                "one output to record");
  bool connected = false;
  for (const Tensor& in : inputs) connected = connected || tracks_gradient(in);
  if (!is_recording() || !connected) return;
  for (size_t i = 0; i < outputs.size(); ++i) {
    TensorImpl* out = outputs[i].impl();
    bool reused = false;
    for (const Tensor& in : inputs) reused = reused || in.impl() == out;
    for (size_t j = 0; j < i; ++j) reused = reused || outputs[j].impl() == out;
    bool in_graph = out->variable != nullptr || (out->grad_fn && out->grad_fn->backward);
    GL_CHECK(!reused && !in_graph, name, ": output ", i,
             " is an input, another output or an array already in a computational graph; "
             "forward must return new arrays (return x.copy() to pass an input through)");
  }
  std::vector<InputSpec> specs;
  for (const Tensor& in : inputs) specs.push_back({in.shape(), in.dtype(), in.device()});
  std::vector<Tensor> outs = outputs;  // share the TensorImpls: recording marks them
  std::vector<Tensor*> out_ptrs;
  for (Tensor& o : outs) out_ptrs.push_back(&o);
  const char* op = intern_op_name(name);
  auto callback = std::make_shared<PythonCallback>(std::move(backward));
  record_op(op, inputs, out_ptrs, [callback, op, specs](const GradList& grad_outputs) {
    py::gil_scoped_acquire gil;
    RecordingGuard paused(false);  // the custom backward runs unrecorded, as in MXNet
    py::list args;
    for (const Tensor& g : grad_outputs) args.append(py::cast(g));
    py::object returned = callback->fn(args);
    GL_CHECK(py::isinstance<py::sequence>(returned) && py::len(returned) == specs.size(), op,
             ": the backward callback must return ", specs.size(), " gradient(s)");
    GradList grads(specs.size());
    py::sequence seq = returned.cast<py::sequence>();
    for (size_t i = 0; i < specs.size(); ++i) {
      py::object item = seq[i];
      if (item.is_none()) continue;
      GL_CHECK_KIND(py::isinstance<Tensor>(item), ErrorKind::Type, op, ": gradient ", i,
                    " must be an NDArray or None, got ", py::repr(item).cast<std::string>());
      Tensor g = item.cast<Tensor>();
      GL_CHECK(g.shape() == specs[i].shape && g.dtype() == specs[i].dtype &&
                   g.device() == specs[i].device,
               op, ": gradient ", i, " has shape ", shape_str(g.shape()), " and dtype ",
               dtype_name(g.dtype()), " but input ", i, " has shape ", shape_str(specs[i].shape),
               " and dtype ", dtype_name(specs[i].dtype));
      grads[i] = detach(g);  // the caller's array, without any history it may carry
    }
    return grads;
  });
  if (outs[0].impl()->grad_fn) outs[0].impl()->grad_fn->opaque_backward = true;
}

// The recorded graph behind `heads`, for autograd.get_symbol: (nodes, heads). nodes lists
// (op name, [(kind, index, output)]) in topological order; kind 0 refers to an earlier node,
// kind 1 to the index-th distinct variable leaf. Inputs that are constants (no gradient
// flows into them: numbers, arrays outside the graph) are left out, as MXNet keeps scalars
// as attributes. A head that is a leaf itself is (1, index, 0).
py::tuple recorded_graph(const std::vector<Tensor>& heads) {
  std::unordered_map<const Node*, int> node_index;
  std::unordered_map<const Variable*, int> var_index;
  py::list nodes;
  auto var_ref = [&](const Variable* v) {
    auto it = var_index.find(v);
    int i = it != var_index.end() ? it->second : static_cast<int>(var_index.size());
    if (it == var_index.end()) var_index.emplace(v, i);
    return py::make_tuple(1, i, 0);
  };
  // Iterative post-order walk: a node is emitted after every node it reads.
  auto visit = [&](const std::shared_ptr<Node>& root) {
    std::vector<std::pair<const Node*, size_t>> stack{{root.get(), 0}};
    while (!stack.empty()) {
      auto& [n, next] = stack.back();
      if (node_index.count(n)) {
        stack.pop_back();
        continue;
      }
      if (next < n->inputs.size()) {
        const Edge& e = n->inputs[next++];
        if (e.node && e.node->backward && !node_index.count(e.node.get()))
          stack.push_back({e.node.get(), 0});
        continue;
      }
      py::list refs;
      for (const Edge& e : n->inputs) {
        if (e.node && e.node->backward)
          refs.append(py::make_tuple(0, node_index.at(e.node.get()), e.output_index));
        else if (e.variable)
          refs.append(var_ref(e.variable.get()));
      }
      node_index.emplace(n, static_cast<int>(node_index.size()));
      nodes.append(py::make_tuple(std::string(n->name), refs, n->group));
      stack.pop_back();
    }
  };
  py::list head_refs;
  for (const Tensor& h : heads) {
    const TensorImpl* impl = h.impl();
    if (impl->grad_fn && impl->grad_fn->backward) {
      visit(impl->grad_fn);
      head_refs.append(py::make_tuple(0, node_index.at(impl->grad_fn.get()), impl->output_index));
    } else if (impl->variable) {
      head_refs.append(var_ref(impl->variable.get()));
    } else {
      GL_THROW(ErrorKind::MXNet,
               "get_symbol: the array is not the result of an operation recorded in a "
               "computational graph (record it inside `with autograd.record():` with inputs "
               "that have attach_grad())");
    }
  }
  return py::make_tuple(nodes, head_refs);
}

GradReq parse_req(const std::string& req) {
  if (req == "write") return GradReq::Write;
  if (req == "add") return GradReq::Add;
  if (req == "null") return GradReq::Null;
  GL_THROW(ErrorKind::Value, "grad_req must be 'write', 'add' or 'null', got '", req, "'");
}

}  // namespace

void bind_autograd(py::module_& m) {
  m.def("is_recording", &is_recording);
  m.def("is_training", &is_training);
  m.def("set_recording", &set_recording, "Sets the recording flag; returns the previous one.");
  m.def("set_record_group", &set_record_group,
        "Tags the nodes recorded from now on (get_symbol); returns the previous tag.");
  m.def("set_training", &set_training, "Sets the training flag; returns the previous one.");
  m.def("backward",
        [](const std::vector<Tensor>& heads, const std::vector<std::optional<Tensor>>& head_grads,
           bool retain_graph, bool create_graph) {
          std::vector<Tensor> hg;
          for (const auto& g : head_grads) hg.push_back(g ? *g : Tensor());
          backward(heads, hg, retain_graph, create_graph);
        });
  m.def(
      "set_grad_ready_hook",
      [](py::object hook) {
        if (hook.is_none()) {
          set_grad_ready_hook(nullptr);
          return;
        }
        auto callback = std::make_shared<PythonCallback>(std::move(hook));
        set_grad_ready_hook([callback](const Tensor& grad) {
          py::gil_scoped_acquire gil;
          callback->fn(grad);
        });
      },
      py::arg("hook"),
      "hook(grad): called by backward() with each gradient buffer once it is final (None: off).");
  m.def("has_grad_ready_hook", &has_grad_ready_hook);
  m.def("grad", [](const std::vector<Tensor>& heads, const std::vector<Tensor>& variables,
                   const std::vector<std::optional<Tensor>>& head_grads, bool retain_graph,
                   bool create_graph) {
    std::vector<Tensor> hg;
    for (const auto& g : head_grads) hg.push_back(g ? *g : Tensor());
    return grad(heads, variables, hg, retain_graph, create_graph);
  });
  m.def(
      "mark_variable",
      [](const Tensor& t, const Tensor& grad, const std::string& req) {
        attach_grad_buffer(t, grad, parse_req(req));
      },
      "Makes t a variable whose gradient is written into grad itself (mark_variables).");
  m.def("requires_grad", &tracks_gradient,
        "Whether a gradient can flow into the array (a live graph or a variable).");
  m.def("recorded_graph", &recorded_graph,
        "(nodes, heads) of the graph recorded behind the heads (autograd.get_symbol).");
  m.def("record_custom", &record_custom,
        "Records a custom operator's outputs; backward(output grads) returns input grads.");
}

}  // namespace gl::bind
