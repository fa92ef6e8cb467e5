// A straight-line program of operator calls: what a hybridized block replays. A plan holds
// registers (its inputs, then every step's outputs) and steps that read registers and write
// new ones. run() executes the steps in order in C++, without returning to Python between
// operators, and drops each intermediate at its last use, so its buffer goes back to the
// caching allocator and the next steps of the same call (or the next call) reuse it.
// gluon/_cached_graph.py builds plans from traced graphs; operators that have no kernel
// here run as Python steps between plans.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "../core/tensor.h"

namespace gl::graph {

// One operator with its attributes bound: arguments in, outputs out.
struct Kernel {
  std::string name;  // the operator, for error messages
  int num_args = 1;
  int num_outputs = 1;
  std::function<std::vector<Tensor>(const std::vector<Tensor>& args)> run;
};

class Plan {
 public:
  explicit Plan(int num_inputs);

  // Adds a step calling `kernel` on `args` (registers); returns its output registers.
  std::vector<int> add(const Kernel& kernel, const std::vector<int>& args);
  // Declares what run() returns (registers; one may repeat) and fixes each register's last
  // use. No step can be added afterwards.
  void finish(const std::vector<int>& outputs);

  // Runs the steps on `inputs` (one per input register) and returns the outputs.
  std::vector<Tensor> run(std::vector<Tensor> inputs) const;

  int num_inputs() const { return num_inputs_; }
  int num_registers() const { return num_registers_; }
  int num_steps() const { return static_cast<int>(steps_.size()); }
  // The registers step `i` drops once it has run (tests check the memory plan).
  const std::vector<int>& released_after(int i) const;
  // The most intermediate registers held at once during a run (inputs not counted).
  int peak_live_registers() const;

 private:
  struct Step {
    Kernel kernel;
    std::vector<int> args;
    int first_output = 0;
    std::vector<int> release;  // registers whose last reader is this step
  };
  int num_inputs_;
  int num_registers_;
  std::vector<Step> steps_;
  std::vector<int> outputs_;
  bool finished_ = false;
};

}  // namespace gl::graph
