// Reverse-mode autograd in the micrograd style: while recording, each op that touches a
// tensor needing a gradient appends a Node holding a backward closure; backward() walks
// the nodes in reverse topological order. Closures are written with ordinary ops, so
// gradients run on whichever device the tensors live on, and create_graph records them.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "../core/tensor.h"

namespace gl {

// A leaf on which attach_grad() was called.
struct Variable {
  Tensor grad;  // same shape/dtype/device as the data
  GradReq req = GradReq::Write;
  bool fresh = false;  // set by backward, cleared by the optimizer (stale-grad check)
};

using GradList = std::vector<Tensor>;
// Receives one gradient per output (undefined for outputs that got none, when allowed),
// returns one per input (undefined where the input needs none).
using BackwardFn = std::function<GradList(const GradList& grad_outputs)>;

struct Edge {
  std::shared_ptr<Node> node;  // producer of the input, or
  int output_index = 0;
  std::shared_ptr<Variable> variable;  // the input itself is a variable leaf
  bool active() const { return node != nullptr || variable != nullptr; }
};

struct Node {
  const char* name = "";
  std::vector<Edge> inputs;
  BackwardFn backward;  // empty once the graph has been freed
  // The arrays this node produced: a backward that frees the graph detaches them, so they
  // become constants in later recordings, as in MXNet.
  std::vector<std::weak_ptr<TensorImpl>> outputs;
  std::vector<Shape> output_shapes;
  DType output_dtype = DType::Float32;
  Device output_device;
  // A custom operator's backward runs unrecorded (MXNet): its gradients stay constants even
  // under create_graph, instead of being linked to the inputs with a zero derivative.
  bool opaque_backward = false;
  // The hybridized-block call that recorded this node (0: none); autograd.get_symbol shows
  // each such call as one _CachedOp node, as MXNet does (see set_record_group).
  int64_t group = 0;
};

// Thread-local recording state (autograd.record / pause / train_mode).
bool is_recording();
bool is_training();
bool set_recording(bool on);  // returns the previous value
// Tags the nodes recorded from now on with `group` (0: none); returns the previous tag.
int64_t set_record_group(int64_t group);
bool set_training(bool on);

// True when an op on these inputs must record a node.
inline bool should_record(std::initializer_list<const Tensor*> inputs) {
  if (!is_recording()) return false;
  for (const Tensor* t : inputs)
    if (t->defined() && t->requires_grad()) return true;
  return false;
}
bool should_record_list(const std::vector<Tensor>& inputs);

// Links `outputs` to a new node whose backward is `fn`.
void record_op(const char* name, const std::vector<Tensor>& inputs,
               const std::vector<Tensor*>& outputs, BackwardFn fn);
// A stable C string for an op name known only at run time (custom operators), kept for the
// life of the process: node names must outlive their backward closures.
const char* intern_op_name(const std::string& name);

void attach_grad(const Tensor& t, GradReq req);
// Makes `t` a variable whose gradient lands in `grad` itself (autograd.mark_variables): the
// same storage the caller holds, not a copy. Shape, dtype and device must match.
void attach_grad_buffer(const Tensor& t, const Tensor& grad, GradReq req);
// Gradient buffer of a variable, or an undefined tensor.
Tensor variable_grad(const Tensor& t);
GradReq variable_grad_req(const Tensor& t);
bool variable_fresh(const Tensor& t);
void set_variable_fresh(const Tensor& t, bool fresh);
// A tensor sharing storage but with no autograd history.
Tensor detach(const Tensor& t);

// Called by backward() as soon as a variable's gradient buffer holds its final value for
// the pass, while the rest of the pass goes on (distributed training starts reducing it
// then). Receives the buffer. Process-wide; empty: none. The hook must not record.
using GradReadyHook = std::function<void(const Tensor& grad)>;
void set_grad_ready_hook(GradReadyHook hook);
bool has_grad_ready_hook();

// Writes (or adds) d heads / d variable into every reachable variable's grad buffer, each
// once the last node feeding it has run (then the grad-ready hook sees it).
void backward(const std::vector<Tensor>& heads, const std::vector<Tensor>& head_grads,
              bool retain_graph, bool create_graph);
// Returns d heads / d variables without touching grad buffers (autograd.grad).
std::vector<Tensor> grad(const std::vector<Tensor>& heads, const std::vector<Tensor>& variables,
                         const std::vector<Tensor>& head_grads, bool retain_graph,
                         bool create_graph);

int64_t live_node_count();

// RAII guard used inside backward closures and by pause().
class RecordingGuard {
 public:
  explicit RecordingGuard(bool on) : prev_(set_recording(on)) {}
  ~RecordingGuard() { set_recording(prev_); }

 private:
  bool prev_;
};

}  // namespace gl
