// Autograd state and entry points.
#include "../autograd/autograd.h"
#include "bind.h"

namespace gl::bind {

void bind_autograd(py::module_& m) {
  m.def("is_recording", &is_recording);
  m.def("is_training", &is_training);
  m.def("set_recording", &set_recording, "Sets the recording flag; returns the previous one.");
  m.def("set_training", &set_training, "Sets the training flag; returns the previous one.");
  m.def("backward",
        [](const std::vector<Tensor>& heads, const std::vector<std::optional<Tensor>>& head_grads,
           bool retain_graph, bool create_graph) {
          std::vector<Tensor> hg;
          for (const auto& g : head_grads) hg.push_back(g ? *g : Tensor());
          backward(heads, hg, retain_graph, create_graph);
        });
  m.def("grad", [](const std::vector<Tensor>& heads, const std::vector<Tensor>& variables,
                   const std::vector<std::optional<Tensor>>& head_grads, bool retain_graph,
                   bool create_graph) {
    std::vector<Tensor> hg;
    for (const auto& g : head_grads) hg.push_back(g ? *g : Tensor());
    return grad(heads, variables, hg, retain_graph, create_graph);
  });
}

}  // namespace gl::bind
