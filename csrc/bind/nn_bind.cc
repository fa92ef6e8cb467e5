// Bindings of the nn family: convolution, pooling, normalization, embedding, LeakyReLU,
// the fused recurrent layer.
// gluonlite/ndarray/nn_ops.py gives them MXNet's names and keyword arguments.
#include <optional>

#include "../graph/plan.h"
#include "../ops/nn_ops.h"
#include "bind.h"

namespace gl::bind {

namespace {

const Tensor* opt(const std::optional<Tensor>& t) { return t ? &*t : nullptr; }

ops::ConvParams conv_params(py::handle kernel, py::handle stride, py::handle dilate, py::handle pad,
                            int64_t num_filter, int64_t num_group) {
  ops::ConvParams p;
  p.kernel = to_shape(kernel, "kernel");
  p.stride = to_shape(stride, "stride");
  p.dilate = to_shape(dilate, "dilate");
  p.pad = to_shape(pad, "pad");
  p.num_filter = num_filter;
  p.num_group = num_group;
  return p;
}

ops::PoolParams pool_params(py::handle kernel, py::handle stride, py::handle pad, int pool_type,
                            int convention, bool global, bool count_include_pad) {
  ops::PoolParams p;
  p.kernel = to_shape(kernel, "kernel");
  p.stride = to_shape(stride, "stride");
  p.pad = to_shape(pad, "pad");
  p.type = static_cast<ops::PoolType>(pool_type);
  p.convention = static_cast<ops::PoolConvention>(convention);
  p.global = global;
  p.count_include_pad = count_include_pad;
  return p;
}

ops::BatchNormParams bn_params(double eps, double momentum, bool fix_gamma, bool use_global_stats,
                               int axis) {
  ops::BatchNormParams p;
  p.eps = eps;
  p.momentum = momentum;
  p.fix_gamma = fix_gamma;
  p.use_global_stats = use_global_stats;
  p.axis = axis;
  return p;
}

}  // namespace

void bind_nn(py::module_& m) {
  m.def("convolution", [](const Tensor& x, const Tensor& w, const std::optional<Tensor>& b,
                          py::handle kernel, py::handle stride, py::handle dilate, py::handle pad,
                          int64_t num_filter, int64_t num_group) {
    return ops::convolution(x, w, opt(b),
                            conv_params(kernel, stride, dilate, pad, num_filter, num_group));
  });
  m.def("deconvolution", [](const Tensor& x, const Tensor& w, const std::optional<Tensor>& b,
                            py::handle kernel, py::handle stride, py::handle dilate, py::handle pad,
                            py::handle adj, int64_t num_filter, int64_t num_group) {
    return ops::deconvolution(x, w, opt(b),
                              conv_params(kernel, stride, dilate, pad, num_filter, num_group),
                              to_shape(adj, "adj"));
  });
  m.def("pooling", [](const Tensor& x, py::handle kernel, py::handle stride, py::handle pad,
                      int pool_type, int convention, bool global, bool count_include_pad) {
    return ops::pooling(
        x, pool_params(kernel, stride, pad, pool_type, convention, global, count_include_pad));
  });
  m.def("batch_norm", [](const Tensor& x, const Tensor& gamma, const Tensor& beta,
                         const Tensor& running_mean, const Tensor& running_var, double eps,
                         double momentum, bool fix_gamma, bool use_global_stats, int axis) {
    return ops::batch_norm(x, gamma, beta, running_mean, running_var,
                           bn_params(eps, momentum, fix_gamma, use_global_stats, axis));
  });
  // graph-plan kernels (csrc/graph/plan.h): the three ops above with attributes bound
  m.def("convolution_kernel",
        [](py::handle kernel, py::handle stride, py::handle dilate, py::handle pad,
           int64_t num_filter, int64_t num_group, bool has_bias) {
          ops::ConvParams p = conv_params(kernel, stride, dilate, pad, num_filter, num_group);
          graph::Kernel k{"Convolution", has_bias ? 3 : 2, 1, nullptr};
          k.run = [p, has_bias](const std::vector<Tensor>& a) {
            return std::vector<Tensor>{ops::convolution(a[0], a[1], has_bias ? &a[2] : nullptr, p)};
          };
          return k;
        });
  m.def("pooling_kernel", [](py::handle kernel, py::handle stride, py::handle pad, int pool_type,
                             int convention, bool global, bool count_include_pad) {
    ops::PoolParams p =
        pool_params(kernel, stride, pad, pool_type, convention, global, count_include_pad);
    return graph::Kernel{"Pooling", 1, 1, [p](const std::vector<Tensor>& a) {
                           return std::vector<Tensor>{ops::pooling(a[0], p)};
                         }};
  });
  m.def("batch_norm_kernel",
        [](double eps, double momentum, bool fix_gamma, bool use_global_stats, int axis) {
          ops::BatchNormParams p = bn_params(eps, momentum, fix_gamma, use_global_stats, axis);
          // the graph node's one visible output (MXNet: mean and var only with output_mean_var)
          return graph::Kernel{
              "BatchNorm", 5, 1, [p](const std::vector<Tensor>& a) {
                return std::vector<Tensor>{ops::batch_norm(a[0], a[1], a[2], a[3], a[4], p)[0]};
              }};
        });
  m.def("layer_norm", &ops::layer_norm);
  m.def("instance_norm", &ops::instance_norm);
  m.def("embedding", &ops::embedding);
  m.def(
      "rnn_layer",
      [](const Tensor& x, const Tensor& h0, const std::optional<Tensor>& c0, const Tensor& wi,
         const Tensor& wh, const Tensor& bi, const Tensor& bh, const std::optional<Tensor>& wr,
         int mode, bool reverse, const std::optional<Tensor>& lengths,
         std::optional<double> clip_min, std::optional<double> clip_max, bool clip_nan) {
        ops::RnnOptions opts;
        opts.lengths = opt(lengths);
        opts.clip = clip_min.has_value() && clip_max.has_value();
        opts.clip_min = clip_min.value_or(0.0);
        opts.clip_max = clip_max.value_or(0.0);
        opts.clip_nan = clip_nan;
        return ops::rnn_layer(x, h0, opt(c0), wi, wh, bi, bh, opt(wr),
                              static_cast<ops::RnnMode>(mode), reverse, opts);
      },
      py::arg("x"), py::arg("h0"), py::arg("c0"), py::arg("wi"), py::arg("wh"), py::arg("bi"),
      py::arg("bh"), py::arg("wr"), py::arg("mode"), py::arg("reverse"),
      py::arg("lengths") = py::none(), py::arg("clip_min") = py::none(),
      py::arg("clip_max") = py::none(), py::arg("clip_nan") = false);
  m.def("leaky_relu",
        [](const Tensor& x, const std::optional<Tensor>& gamma, int act, double slope) {
          return ops::leaky_relu(x, opt(gamma), static_cast<ops::LeakyAct>(act), slope);
        });
}

}  // namespace gl::bind
