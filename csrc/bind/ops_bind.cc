// Module-level operator functions (_core.relu, _core.add, ...). gluonlite/ndarray/ wraps
// them with MXNet's Python signatures.
#include <array>

#include "../autograd/autograd.h"
#include "../graph/plan.h"
#include "../ops/ops.h"
#include "../random/philox.h"
#include "bind.h"

namespace gl::bind {

namespace {

using ops::BinaryOp;
using ops::UnaryOp;

// nd.maximum(x, 2), nd.maximum(2, x), nd.maximum(x, y)
Tensor binary_any(BinaryOp op, const char* name, py::handle a, py::handle b) {
  bool a_t = py::isinstance<Tensor>(a), b_t = py::isinstance<Tensor>(b);
  double s;
  if (a_t && b_t) {
    const Tensor &x = py::cast<const Tensor&>(a), &y = py::cast<const Tensor&>(b);
    return maybe_without_gil(x.numel() + y.numel(), [&] { return ops::binary(op, x, y); });
  }
  if (a_t && as_scalar(b, &s)) {
    const Tensor& x = py::cast<const Tensor&>(a);
    return maybe_without_gil(x.numel(), [&] { return ops::binary_scalar(op, x, s, false); });
  }
  if (b_t && as_scalar(a, &s)) {
    const Tensor& x = py::cast<const Tensor&>(b);
    return maybe_without_gil(x.numel(), [&] { return ops::binary_scalar(op, x, s, true); });
  }
  GL_THROW(ErrorKind::Type, name, ": operands must be NDArrays or numbers, got ",
           py::str(py::type::of(a)).cast<std::string>(), " and ",
           py::str(py::type::of(b)).cast<std::string>());
}

}  // namespace

void bind_ops(py::module_& m) {
  // ---- creation, copies ------------------------------------------------------------------
  m.def("empty", [](py::handle shape, py::handle dtype, int dt, int di) {
    return ops::empty(to_shape(shape), parse_dtype(dtype), make_device(dt, di));
  });
  m.def("full", [](py::handle shape, double value, py::handle dtype, int dt, int di) {
    return ops::full(to_shape(shape), value, parse_dtype(dtype), make_device(dt, di));
  });
  m.def("arange", [](double start, double stop, double step, int64_t repeat, py::handle dtype,
                     int dt, int di) {
    return ops::arange(start, stop, step, repeat, parse_dtype(dtype), make_device(dt, di));
  });
  // Every numpy array entering the core comes through here. Kernels read native-endian
  // C-contiguous data, so other layouts and byte orders ('>f4' on x86) are converted first.
  m.def("from_numpy", [](py::array arr, int dt, int di) {
    if (!arr.dtype().attr("isnative").cast<bool>())
      arr = arr.attr("astype")(arr.dtype().attr("newbyteorder")("="));
    arr = py::array::ensure(arr, py::array::c_style);
    DType dtype = parse_dtype(arr.dtype());
    Shape shape(arr.shape(), arr.shape() + arr.ndim());
    auto view_storage =
        wrap_external_storage(const_cast<void*>(arr.data()), arr.nbytes(), cpu_device(), [] {});
    Tensor host = Tensor::from_storage(view_storage, shape, contiguous_strides(shape), dtype);
    Tensor out = ops::empty(shape, dtype, make_device(dt, di));
    ops::copy_(out, host);
    return out;
  });
  m.def("copy_", [](const Tensor& dst, const Tensor& src) {
    GL_CHECK(!(is_recording() && dst.requires_grad()),
             "in-place assignment (x[...] = y) is not supported on an array that is part of a "
             "recorded graph while autograd is recording; build a new array instead");
    ops::copy_(dst, src);
  });
  m.def(
      "assign_",
      [](const Tensor& dst, const Tensor& src) {
        GL_CHECK(!(is_recording() && dst.requires_grad()),
                 "in-place assignment (x[...] = y) is not supported on an array that is part of "
                 "a recorded graph while autograd is recording; build a new array instead");
        ops::copy_(dst, src);
        if (should_record({&src})) {
          Tensor out = dst;  // the same array: recording marks dst itself
          DType src_dtype = src.dtype();
          record_op("_copyto", {src}, {&out}, [src_dtype](const GradList& g) -> GradList {
            return {g[0].dtype() == src_dtype ? g[0] : ops::astype(g[0], src_dtype)};
          });
        }
      },
      "x[:] = y and y.copyto(x): a copy, recorded (MXNet's _copyto) when y needs a gradient.");
  m.def("fill_", [](const Tensor& dst, double v) {
    GL_CHECK(!(is_recording() && dst.requires_grad()),
             "in-place assignment (x[...] = v) is not supported on an array that is part of a "
             "recorded graph while autograd is recording; build a new array instead");
    ops::fill_(dst, v);
  });
  m.def("clone", &ops::clone);
  m.def("astype",
        [](const Tensor& x, py::handle dtype) { return ops::astype(x, parse_dtype(dtype)); });
  m.def("to_device",
        [](const Tensor& x, int dt, int di) { return ops::to_device(x, make_device(dt, di)); });

  // ---- elementwise -----------------------------------------------------------------------
  // Every member of the two families (unary_ops.def, binary_ops.def) under its own name, and
  // the lists gluonlite/ndarray/ops.py builds nd's functions and NDArray's methods from.
  for (const ops::UnaryOpInfo& info : ops::unary_ops()) {
    UnaryOp o = info.op;
    m.def(info.name, [o](const Tensor& x) {
      return maybe_without_gil(x.numel(), [&] { return ops::unary(o, x); });
    });
  }
  m.def(
      "nd_unary_ops",
      [] {
        py::list out;
        for (const ops::UnaryOpInfo& info : ops::unary_ops())
          if (info.exposure != ops::Exposure::Core)
            out.append(py::make_tuple(info.name, info.exposure == ops::Exposure::NdMethod));
        return out;
      },
      "(name, is_ndarray_method) of every unary op that is an nd function.");
  for (const ops::BinaryOpInfo& info : ops::binary_ops()) {
    BinaryOp o = info.op;
    const char* n = info.name;
    m.def(info.name, [o, n](py::handle a, py::handle b) { return binary_any(o, n, a, b); });
  }
  m.def(
      "nd_binary_ops",
      [] {
        py::list out;
        for (const ops::BinaryOpInfo& info : ops::binary_ops()) {
          py::list names = py::str(info.nd_names).attr("split")();
          if (!names.empty()) out.append(py::make_tuple(info.name, names));
        }
        return out;
      },
      "(core name, [nd names]) of every binary op that has nd functions.");
  m.def("clip", &ops::clip);

  // ---- reductions, softmax ----------------------------------------------------------------
  m.def("reduce", [](int op, const Tensor& x, py::handle axis, bool keepdims, bool exclude) {
    std::vector<int> axes = to_axes(axis);
    return maybe_without_gil(x.numel(), [&] {
      return ops::reduce(static_cast<ops::ReduceOp>(op), x, axes, keepdims, exclude);
    });
  });
  m.def("argmax", [](const Tensor& x, std::optional<int> axis, bool keepdims) {
    return ops::argmax(x, axis, keepdims);
  });
  m.def("argmin", [](const Tensor& x, std::optional<int> axis, bool keepdims) {
    return ops::argmin(x, axis, keepdims);
  });
  m.def("broadcast_to",
        [](const Tensor& x, py::handle shape) { return ops::broadcast_to(x, to_shape(shape)); });
  m.def("softmax", &ops::softmax);
  m.def("log_softmax", &ops::log_softmax);

  // ---- shape and indexing -------------------------------------------------------------------
  m.def("reshape", [](const Tensor& x, py::handle shape, bool reverse) {
    return ops::reshape(x, to_shape(shape), reverse);
  });
  m.def("transpose",
        [](const Tensor& x, py::handle axes) { return ops::transpose(x, to_axes(axes, "axes")); });
  m.def("swapaxes", &ops::swapaxes);
  m.def("expand_dims", &ops::expand_dims);
  m.def("squeeze", [](const Tensor& x, py::handle axes) {
    // axis=None squeezes every size-1 axis; axis=() squeezes none, as in MXNet.
    return ops::squeeze(x, axes.is_none() ? std::nullopt : std::make_optional(to_axes(axes)));
  });
  m.def("flatten", &ops::flatten);
  m.def("concat", &ops::concat);
  m.def("stack", &ops::stack);
  m.def("split", &ops::split);
  m.def("slice_axis", &ops::slice_axis);
  // spec: list of (kind, start, stop, step) with kind 0 = index, 1 = range, 2 = newaxis,
  // already normalised by the Python indexing code.
  m.def("slice_view",
        [](const Tensor& x, const std::vector<std::tuple<int, int64_t, int64_t, int64_t>>& spec) {
          std::vector<ops::SliceSpec> s;
          s.reserve(spec.size());
          for (const auto& [kind, start, stop, step] : spec)
            s.push_back(ops::SliceSpec{static_cast<ops::SliceSpec::Kind>(kind), start, stop, step});
          return ops::slice_view(x, s);
        });

  m.def("where", &ops::where);
  m.def("take", [](const Tensor& x, const Tensor& idx, int axis, const std::string& mode) {
    GL_CHECK_KIND(mode == "clip" || mode == "wrap", ErrorKind::Value,
                  "take: mode must be 'clip' or 'wrap', got '", mode, "'");
    return ops::take(x, idx, axis, mode == "wrap");
  });
  m.def("pick",
        [](const Tensor& x, const Tensor& idx, int axis, bool keepdims, const std::string& mode) {
          GL_CHECK(mode == "clip" || mode == "wrap", "pick: mode must be 'clip' or 'wrap', got '",
                   mode, "'");
          return ops::pick(x, idx, axis, keepdims, mode == "wrap");
        });
  m.def("one_hot", [](const Tensor& idx, int64_t depth, double on, double off, py::handle dtype) {
    return ops::one_hot(idx, depth, on, off, parse_dtype(dtype));
  });

  // ---- linear algebra ------------------------------------------------------------------------
  m.def("dot", [](const Tensor& a, const Tensor& b, bool ta, bool tb) {
    return maybe_without_gil(a.numel() + b.numel(), [&] { return ops::dot(a, b, ta, tb); });
  });
  m.def("batch_dot", [](const Tensor& a, const Tensor& b, bool ta, bool tb) {
    return maybe_without_gil(a.numel() + b.numel(), [&] { return ops::batch_dot(a, b, ta, tb); });
  });
  m.def("fully_connected", [](const Tensor& x, const Tensor& w, std::optional<Tensor> b,
                              int64_t num_hidden, bool flatten) {
    return maybe_without_gil(x.numel() + w.numel(), [&] {
      return ops::fully_connected(x, w, b ? &*b : nullptr, num_hidden, flatten);
    });
  });

  // ---- graph-plan kernels (csrc/graph/plan.h): the ops above with attributes bound --------
  m.def("fully_connected_kernel", [](int64_t num_hidden, bool flatten, bool has_bias) {
    graph::Kernel k{"FullyConnected", has_bias ? 3 : 2, 1, nullptr};
    k.run = [num_hidden, flatten, has_bias](const std::vector<Tensor>& a) {
      return std::vector<Tensor>{
          ops::fully_connected(a[0], a[1], has_bias ? &a[2] : nullptr, num_hidden, flatten)};
    };
    return k;
  });
  m.def("unary_kernel", [](const std::string& name) {
    for (const ops::UnaryOpInfo& info : ops::unary_ops()) {
      if (name != info.name) continue;
      UnaryOp o = info.op;
      return graph::Kernel{name, 1, 1, [o](const std::vector<Tensor>& a) {
                             return std::vector<Tensor>{ops::unary(o, a[0])};
                           }};
    }
    GL_THROW(ErrorKind::Value, "unary_kernel: no unary op named '", name, "'");
  });
  m.def("binary_scalar_kernel", [](const std::string& name, double scalar, bool scalar_first) {
    for (const ops::BinaryOpInfo& info : ops::binary_ops()) {
      if (name != info.name) continue;
      BinaryOp o = info.op;
      return graph::Kernel{
          name, 1, 1, [o, scalar, scalar_first](const std::vector<Tensor>& a) {
            return std::vector<Tensor>{ops::binary_scalar(o, a[0], scalar, scalar_first)};
          }};
    }
    GL_THROW(ErrorKind::Value, "binary_scalar_kernel: no binary op named '", name, "'");
  });
  // reshape and flatten return new arrays, never views of their input (MXNet 1.x)
  m.def("reshape_kernel", [](py::handle shape, bool reverse) {
    Shape spec = to_shape(shape);
    return graph::Kernel{"Reshape", 1, 1, [spec, reverse](const std::vector<Tensor>& a) {
                           Tensor y = ops::reshape(a[0], spec, reverse);
                           return std::vector<Tensor>{y.same_storage(a[0]) ? ops::clone(y) : y};
                         }};
  });
  m.def("flatten_kernel", [] {
    return graph::Kernel{"Flatten", 1, 1, [](const std::vector<Tensor>& a) {
                           Tensor y = ops::flatten(a[0]);
                           return std::vector<Tensor>{y.same_storage(a[0]) ? ops::clone(y) : y};
                         }};
  });
  m.def("softmax_kernel", [](int axis, double temperature, bool log) {
    return graph::Kernel{
        log ? "log_softmax" : "softmax", 1, 1,
        [axis, temperature, log](const std::vector<Tensor>& a) {
          return std::vector<Tensor>{log ? ops::log_softmax(a[0], axis, temperature)
                                         : ops::softmax(a[0], axis, temperature)};
        }};
  });
  // Dropout: active in training mode (or always), the identity otherwise, as nd.Dropout
  m.def("dropout_kernel", [](double p, bool always, py::handle axes) {
    std::vector<int> ax = to_axes(axes, "axes");
    return graph::Kernel{"Dropout", 1, 1, [p, always, ax](const std::vector<Tensor>& a) {
                           if ((!always && !is_training()) || p == 0)
                             return std::vector<Tensor>{a[0]};
                           return std::vector<Tensor>{ops::dropout(a[0], p, ax)};
                         }};
  });
  m.def("reduce_kernel", [](int op, py::handle axis, bool keepdims, bool exclude) {
    std::vector<int> axes = to_axes(axis);
    auto code = static_cast<ops::ReduceOp>(op);
    return graph::Kernel{
        "reduce", 1, 1, [code, axes, keepdims, exclude](const std::vector<Tensor>& a) {
          return std::vector<Tensor>{ops::reduce(code, a[0], axes, keepdims, exclude)};
        }};
  });
  m.def("transpose_kernel", [](py::handle axes) {
    std::vector<int> perm = to_axes(axes, "axes");
    return graph::Kernel{"transpose", 1, 1, [perm](const std::vector<Tensor>& a) {
                           Tensor y = ops::transpose(a[0], perm);
                           return std::vector<Tensor>{y.same_storage(a[0]) ? ops::clone(y) : y};
                         }};
  });
  m.def("concat_kernel", [](int num_args, int dim) {
    return graph::Kernel{"Concat", num_args, 1, [dim](const std::vector<Tensor>& a) {
                           return std::vector<Tensor>{ops::concat(a, dim)};
                         }};
  });
  m.def("binary_kernel", [](const std::string& name) {
    for (const ops::BinaryOpInfo& info : ops::binary_ops()) {
      if (name != info.name) continue;
      BinaryOp o = info.op;
      return graph::Kernel{name, 2, 1, [o](const std::vector<Tensor>& a) {
                             return std::vector<Tensor>{ops::binary(o, a[0], a[1])};
                           }};
    }
    GL_THROW(ErrorKind::Value, "binary_kernel: no binary op named '", name, "'");
  });

  // ---- random ---------------------------------------------------------------------------------
  m.def("seed", &ops::seed);
  m.def("uniform_", &ops::uniform_);
  m.def("normal_", &ops::normal_);
  m.def("randint_", &ops::randint_);
  m.def("shuffle", &ops::shuffle);
  m.def("dropout", [](const Tensor& x, double p, py::handle axes) {
    return ops::dropout(x, p, to_axes(axes, "axes"));
  });
  m.def(
      "philox4x32_10",
      [](std::array<uint32_t, 4> ctr, std::array<uint32_t, 2> key) {
        std::array<uint32_t, 4> out;
        philox::philox4x32_10(ctr.data(), key.data(), out.data());
        return out;
      },
      "One Philox4x32-10 block (Random123 philox4x32_R(10)), for known-answer tests.");
}

}  // namespace gl::bind
