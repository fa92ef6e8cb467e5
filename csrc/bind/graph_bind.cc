// Bindings of graph plans (csrc/graph/plan.h): the C++ replay of hybridized blocks. Each
// op family binds its kernels (fully_connected_kernel, convolution_kernel, ...) beside the
// op itself; this file binds the Kernel handle and the Plan.
#include "../graph/plan.h"
#include "bind.h"

namespace gl::bind {

void bind_graph(py::module_& m) {
  py::class_<graph::Kernel>(m, "GraphKernel", "An operator with its attributes bound.")
      .def_property_readonly("name", [](const graph::Kernel& k) { return k.name; })
      .def_property_readonly("num_args", [](const graph::Kernel& k) { return k.num_args; })
      .def_property_readonly("num_outputs", [](const graph::Kernel& k) { return k.num_outputs; })
      .def("__call__", [](const graph::Kernel& k, const std::vector<Tensor>& args) {
        GL_CHECK_KIND(static_cast<int>(args.size()) == k.num_args, ErrorKind::Value, k.name,
                      " kernel: takes ", k.num_args, " arguments, got ", args.size());
        return k.run(args);
      });

  py::class_<graph::Plan>(m, "GraphPlan",
                          "Operator calls replayed in C++, intermediates dropped at last use.")
      .def(py::init<int>(), py::arg("num_inputs"))
      .def("add", &graph::Plan::add, py::arg("kernel"), py::arg("args"),
           "Adds a step; returns its output registers.")
      .def("finish", &graph::Plan::finish, py::arg("outputs"))
      .def(
          "run",
          [](const graph::Plan& plan, std::vector<Tensor> inputs) {
            int64_t work = 0;
            for (const Tensor& t : inputs) work += t.defined() ? t.numel() : 0;
            return maybe_without_gil(work, [&] { return plan.run(std::move(inputs)); });
          },
          py::arg("inputs"))
      .def_property_readonly("num_inputs", &graph::Plan::num_inputs)
      .def_property_readonly("num_registers", &graph::Plan::num_registers)
      .def_property_readonly("num_steps", &graph::Plan::num_steps)
      .def("released_after", &graph::Plan::released_after, py::arg("step"))
      .def_property_readonly("peak_live_registers", &graph::Plan::peak_live_registers);
}

}  // namespace gl::bind
