// Shape ops. Views share storage (reshape of a contiguous array, transpose, expand_dims,
// squeeze, slicing); concat/stack copy. All are device-agnostic: the data movement goes
// through copy_, so there is no separate CUDA file.
#include <algorithm>
#include <numeric>

#include "../autograd/autograd.h"
#include "ops.h"

namespace gl::ops {

namespace {

// Records `y` as a view-like function of `x` whose gradient is `back(g)`.
template <typename Back>
void record_unary(const char* name, const Tensor& x, Tensor& y, Back back) {
  if (should_record({&x}))
    record_op(name, {x}, {&y}, [back](const GradList& g) -> GradList { return {back(g[0])}; });
}

Shape infer_reshape(const Shape& in, const Shape& spec_in, bool reverse) {
  Shape src = in, spec = spec_in;
  if (reverse) {
    std::reverse(src.begin(), src.end());
    std::reverse(spec.begin(), spec.end());
  }
  Shape out;
  int infer_at = -1;
  size_t i = 0;  // position in src
  for (size_t k = 0; k < spec.size(); ++k) {
    int64_t s = spec[k];
    if (s > 0) {
      out.push_back(s);
      ++i;
    } else if (s == 0) {
      GL_CHECK(i < src.size(), "reshape: code 0 at position ", k,
               " has no input dimension to copy");
      out.push_back(src[i++]);
    } else if (s == -1) {
      GL_CHECK(infer_at < 0, "reshape: more than one -1 in shape ", shape_str(spec_in));
      infer_at = static_cast<int>(out.size());
      out.push_back(1);
      ++i;
    } else if (s == -2) {
      while (i < src.size()) out.push_back(src[i++]);
    } else if (s == -3) {
      GL_CHECK(i + 1 < src.size(), "reshape: code -3 needs two input dimensions to merge");
      out.push_back(src[i] * src[i + 1]);
      i += 2;
    } else if (s == -4) {
      GL_CHECK(k + 2 < spec.size() && i < src.size(),
               "reshape: code -4 must be followed by two dimensions");
      int64_t d = src[i++], a = spec[k + 1], b = spec[k + 2];
      GL_CHECK(a >= -1 && b >= -1, "reshape: code -4 in ", shape_str(spec_in),
               " must be followed by two sizes (or -1), got ", a, " and ", b, " for input shape ",
               shape_str(in));
      GL_CHECK(!(a == -1 && b == -1), "reshape: -4 split cannot infer both parts in ",
               shape_str(spec_in), " for input shape ", shape_str(in));
      // Inferring a part divides by the other one, which must then be a positive size.
      GL_CHECK((a != -1 || b > 0) && (b != -1 || a > 0), "reshape: code -4 in ", shape_str(spec_in),
               " cannot infer a part of dimension ", d,
               " next to a part of size 0, for input shape ", shape_str(in));
      if (a == -1) a = d / b;
      if (b == -1) b = d / a;
      int64_t product;
      GL_CHECK(!__builtin_mul_overflow(a, b, &product) && product == d,
               "reshape: cannot split dimension ", d, " into ", a, " x ", b, " (code -4 in ",
               shape_str(spec_in), ", input shape ", shape_str(in), ")");
      out.push_back(a);
      out.push_back(b);
      k += 2;
    } else {
      GL_THROW(ErrorKind::MXNet, "reshape: invalid dimension code ", s, " in ", shape_str(spec_in));
    }
  }
  int64_t total = shape_numel(in);
  if (infer_at >= 0) {
    int64_t known = 1;
    bool overflow = false;
    for (size_t k = 0; k < out.size(); ++k)
      if (static_cast<int>(k) != infer_at)
        overflow = overflow || __builtin_mul_overflow(known, out[k], &known);
    GL_CHECK_KIND(!overflow && known != 0 && total % known == 0, ErrorKind::Value,
                  "reshape: cannot reshape array of shape ", shape_str(in), " into ",
                  shape_str(spec_in));
    out[infer_at] = total / known;
  }
  if (reverse) std::reverse(out.begin(), out.end());
  GL_CHECK_KIND(shape_numel(out) == total, ErrorKind::Value,
                "reshape: cannot reshape array of shape ", shape_str(in), " (", total,
                " elements) into shape ", shape_str(out), " (", shape_numel(out), " elements)");
  return out;
}

}  // namespace

Tensor reshape(const Tensor& x, const Shape& spec, bool reverse) {
  return reshape_to(x, infer_reshape(x.shape(), spec, reverse));
}

Tensor reshape_to(const Tensor& x, const Shape& shape) {
  GL_CHECK_KIND(shape_numel(shape) == x.numel(), ErrorKind::Value,
                "reshape: cannot reshape array of shape ", shape_str(x.shape()), " (", x.numel(),
                " elements) into shape ", shape_str(shape), " (", shape_numel(shape), " elements)");
  Tensor base = contiguous(x);
  Tensor y = Tensor::view(base, shape, contiguous_strides(shape), base.offset());
  Shape in_shape = x.shape();
  record_unary("reshape", x, y, [in_shape](const Tensor& g) { return reshape_to(g, in_shape); });
  return y;
}

Tensor transpose(const Tensor& x, const std::vector<int>& axes_in) {
  int nd = x.ndim();
  std::vector<int> axes = axes_in;
  if (axes.empty()) {
    axes.resize(nd);
    for (int i = 0; i < nd; ++i) axes[i] = nd - 1 - i;
  }
  GL_CHECK(static_cast<int>(axes.size()) == nd, "transpose: axes has ", axes.size(),
           " entries but the array has ", nd, " dimensions");
  std::vector<bool> used(nd, false);
  Shape shape(nd), strides(nd);
  for (int i = 0; i < nd; ++i) {
    int a = normalize_axis(axes[i], nd, "transpose");
    GL_CHECK(!used[a], "transpose: axis ", a, " repeated in axes");
    used[a] = true;
    shape[i] = x.shape()[a];
    strides[i] = x.strides()[a];
    axes[i] = a;
  }
  Tensor y = Tensor::view(x, shape, strides, x.offset());
  std::vector<int> inverse(nd);
  for (int i = 0; i < nd; ++i) inverse[axes[i]] = i;
  record_unary("transpose", x, y, [inverse](const Tensor& g) { return transpose(g, inverse); });
  return y;
}

Tensor swapaxes(const Tensor& x, int a, int b) {
  int nd = x.ndim();
  std::vector<int> axes(nd);
  std::iota(axes.begin(), axes.end(), 0);
  std::swap(axes[normalize_existing_axis(a, nd, "swapaxes")],
            axes[normalize_existing_axis(b, nd, "swapaxes")]);
  return transpose(x, axes);
}

Tensor expand_dims(const Tensor& x, int axis) {
  int nd = x.ndim();
  GL_CHECK_KIND(axis >= -nd - 1 && axis <= nd, ErrorKind::Index, "expand_dims: axis ", axis,
                " is out of range for an array of ", nd, " dimension(s)");
  if (axis < 0) axis += nd + 1;
  Shape shape = x.shape(), strides = x.strides();
  int64_t stride = axis < nd ? x.strides()[axis] * x.shape()[axis] : 1;
  shape.insert(shape.begin() + axis, 1);
  strides.insert(strides.begin() + axis, stride);
  Tensor y = Tensor::view(x, shape, strides, x.offset());
  Shape in_shape = x.shape();
  record_unary("expand_dims", x, y,
               [in_shape](const Tensor& g) { return reshape_to(g, in_shape); });
  return y;
}

Tensor squeeze(const Tensor& x, const std::optional<std::vector<int>>& axes) {
  int nd = x.ndim();
  std::vector<bool> drop(nd, false);
  if (!axes) {
    for (int i = 0; i < nd; ++i) drop[i] = x.shape()[i] == 1;
  } else {
    for (int a : *axes) {
      int n = normalize_existing_axis(a, nd, "squeeze");
      GL_CHECK(x.shape()[n] == 1, "squeeze: cannot squeeze axis ", a, " of size ", x.shape()[n],
               " (shape ", shape_str(x.shape()), ")");
      drop[n] = true;
    }
  }
  Shape shape, strides;
  for (int i = 0; i < nd; ++i)
    if (!drop[i]) {
      shape.push_back(x.shape()[i]);
      strides.push_back(x.strides()[i]);
    }
  Tensor y = Tensor::view(x, shape, strides, x.offset());
  Shape in_shape = x.shape();
  record_unary("squeeze", x, y, [in_shape](const Tensor& g) { return reshape_to(g, in_shape); });
  return y;
}

Tensor flatten(const Tensor& x) {
  if (x.ndim() == 0) return reshape_to(x, {1, 1});
  int64_t rest = 1;
  for (int i = 1; i < x.ndim(); ++i) rest *= x.shape()[i];
  return reshape_to(x, {x.shape()[0], rest});
}

Tensor concat(const std::vector<Tensor>& xs, int axis) {
  GL_CHECK(!xs.empty(), "concat: needs at least one array");
  const Tensor& first = xs[0];
  int nd = first.ndim();
  int ax = normalize_existing_axis(axis, nd, "concat");
  Shape shape = first.shape();
  shape[ax] = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    const Tensor& t = xs[i];
    GL_CHECK(t.ndim() == nd && t.dtype() == first.dtype() && t.device() == first.device(),
             "concat: array ", i, " (shape ", shape_str(t.shape()), ", ", dtype_name(t.dtype()),
             ", ", t.device().str(), ") does not match array 0 (shape ", shape_str(first.shape()),
             ", ", dtype_name(first.dtype()), ", ", first.device().str(), ")");
    for (int d = 0; d < nd; ++d)
      GL_CHECK(d == ax || t.shape()[d] == first.shape()[d], "concat: array ", i, " has shape ",
               shape_str(t.shape()), " but array 0 has ", shape_str(first.shape()),
               "; all dimensions except axis ", ax, " must match");
    shape[ax] += t.shape()[ax];
  }
  Tensor y = Tensor::empty(shape, first.dtype(), first.device());
  std::vector<int64_t> begins;
  int64_t pos = 0;
  for (const Tensor& t : xs) {
    begins.push_back(pos);
    Tensor part = slice_axis(y, ax, pos, pos + t.shape()[ax]);
    {
      RecordingGuard off(false);
      copy_(part, t);
    }
    pos += t.shape()[ax];
  }
  if (should_record_list(xs)) {
    std::vector<int64_t> sizes;
    for (const Tensor& t : xs) sizes.push_back(t.shape()[ax]);
    record_op("concat", xs, {&y}, [ax, begins, sizes](const GradList& g) {
      GradList out;
      for (size_t i = 0; i < begins.size(); ++i)
        out.push_back(slice_axis(g[0], ax, begins[i], begins[i] + sizes[i]));
      return out;
    });
  }
  return y;
}

Tensor stack(const std::vector<Tensor>& xs, int axis) {
  GL_CHECK(!xs.empty(), "stack: needs at least one array");
  int nd = xs[0].ndim();
  GL_CHECK_KIND(axis >= -nd - 1 && axis <= nd, ErrorKind::Index, "stack: axis ", axis,
                " is out of range for arrays of ", nd, " dimension(s)");
  for (size_t i = 1; i < xs.size(); ++i)
    GL_CHECK(xs[i].shape() == xs[0].shape(), "stack: array ", i, " has shape ",
             shape_str(xs[i].shape()), " but array 0 has ", shape_str(xs[0].shape()),
             "; stacked arrays must have identical shapes");
  std::vector<Tensor> expanded;
  for (const Tensor& t : xs) expanded.push_back(expand_dims(t, axis));
  return concat(expanded, axis < 0 ? axis + nd + 1 : axis);
}

std::vector<Tensor> split(const Tensor& x, int num_outputs, int axis, bool squeeze_axis) {
  int ax = normalize_existing_axis(axis, x.ndim(), "split");
  GL_CHECK(num_outputs > 0 && x.shape()[ax] % num_outputs == 0, "split: axis ", ax, " of size ",
           x.shape()[ax], " cannot be split evenly into ", num_outputs, " parts");
  int64_t step = x.shape()[ax] / num_outputs;
  std::vector<Tensor> outs;
  for (int i = 0; i < num_outputs; ++i) {
    Tensor part = slice_axis(x, ax, i * step, (i + 1) * step);
    outs.push_back(squeeze_axis ? squeeze(part, std::vector<int>{ax}) : part);
  }
  return outs;
}

Tensor slice_axis(const Tensor& x, int axis, int64_t begin, std::optional<int64_t> end_opt) {
  int ax = normalize_existing_axis(axis, x.ndim(), "slice_axis");
  int64_t n = x.shape()[ax];
  int64_t end = end_opt.value_or(n);
  if (begin < 0) begin += n;
  if (end < 0) end += n;
  GL_CHECK_KIND(begin >= 0 && end <= n && begin <= end, ErrorKind::Index, "slice_axis: range [",
                begin, ", ", end, ") is out of bounds for axis ", ax, " of size ", n);
  Shape shape = x.shape();
  shape[ax] = end - begin;
  Tensor y = Tensor::view(x, shape, x.strides(), x.offset() + begin * x.strides()[ax]);
  Shape in_shape = x.shape();
  record_unary("slice_axis", x, y, [in_shape, ax, begin, end](const Tensor& g) {
    Tensor full_grad = full(in_shape, 0.0, g.dtype(), g.device());
    copy_(slice_axis(full_grad, ax, begin, end), g);
    return full_grad;
  });
  return y;
}

Tensor slice_view(const Tensor& x, const std::vector<SliceSpec>& spec) {
  Shape shape, strides;
  int64_t offset = x.offset();
  int dim = 0;
  for (const SliceSpec& s : spec) {
    if (s.kind == SliceSpec::NewAxis) {
      shape.push_back(1);
      strides.push_back(dim < x.ndim() ? x.strides()[dim] * x.shape()[dim] : 1);
      continue;
    }
    GL_CHECK_KIND(dim < x.ndim(), ErrorKind::Index, "too many indices for an array of ", x.ndim(),
                  " dimension(s) (shape ", shape_str(x.shape()), ")");
    int64_t n = x.shape()[dim];
    if (s.kind == SliceSpec::Index) {
      GL_CHECK_KIND(s.start >= 0 && s.start < n, ErrorKind::Index, "index ", s.start,
                    " is out of bounds for axis ", dim, " with size ", n);
      offset += s.start * x.strides()[dim];
    } else {
      int64_t len = s.step > 0 ? std::max<int64_t>(0, (s.stop - s.start + s.step - 1) / s.step)
                               : std::max<int64_t>(0, (s.start - s.stop - s.step - 1) / -s.step);
      if (len > 0) offset += s.start * x.strides()[dim];
      shape.push_back(len);
      strides.push_back(x.strides()[dim] * s.step);
    }
    ++dim;
  }
  for (; dim < x.ndim(); ++dim) {
    shape.push_back(x.shape()[dim]);
    strides.push_back(x.strides()[dim]);
  }
  Tensor y = Tensor::view(x, shape, strides, offset);
  Shape in_shape = x.shape();
  record_unary("slice", x, y, [in_shape, spec](const Tensor& g) {
    Tensor full_grad = full(in_shape, 0.0, g.dtype(), g.device());
    copy_(slice_view(full_grad, spec), g);
    return full_grad;
  });
  return y;
}

}  // namespace gl::ops
