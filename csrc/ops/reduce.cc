// Reductions (sum, mean, max, min, prod, argmax, argmin), broadcast_to and sum_to_shape,
// with their gradients. CUDA kernels: reduce.cu.
//
// A reduction is described by a StridedLayout<2> over the input's shape whose operand 0 is
// the output with stride 0 on the reduced dims and operand 1 the input; make_layout merges
// runs of kept dims and runs of reduced dims, so "sum over axes 1 and 2" of a contiguous
// (A, B, C) array becomes one kept dim of A and one reduced dim of B*C.
#include <cmath>
#include <limits>
#include <type_traits>

#include "../autograd/autograd.h"
#include "../cuda/runtime.h"
#include "elementwise.h"
#include "ops.h"
#include "reduce_functors.h"
#include "cuda_kernels.h"

namespace gl::ops {

namespace {

using AxisMask = std::vector<bool>;  // true where the input dim is reduced

const char* reduce_name(ReduceOp op) {
  switch (op) {
    case ReduceOp::Sum: return "sum";
    case ReduceOp::Mean: return "mean";
    case ReduceOp::Max: return "max";
    case ReduceOp::Min: return "min";
    case ReduceOp::Prod: return "prod";
  }
  return "reduce";
}

// ---- shapes ---------------------------------------------------------------------------

// MXNet's axis semantics: no axes = all axes (with or without exclude); negative axes count
// from the end; a repeated axis is an error.
AxisMask reduction_mask(int ndim, const std::vector<int>& axes, bool exclude, const char* op) {
  if (axes.empty()) return AxisMask(ndim, true);
  AxisMask mask(ndim, false);
  for (int a : axes) {
    int axis = normalize_axis(a, ndim, op);
    if (ndim == 0) continue;  // axis 0 / -1 of a 0-d array names the array itself
    GL_CHECK(!mask[axis], op, ": axis ", a, " is given more than once (as ", axis,
             " after counting negative axes from the end); list each axis once");
    mask[axis] = true;
  }
  if (exclude) mask.flip();
  return mask;
}

// Keeps reduced dims as 1 with keepdims; otherwise drops them, and a full reduction gives
// shape (1,) as in MXNet (not numpy's 0-d).
Shape reduced_shape(const Shape& shape, const AxisMask& mask, bool keepdims) {
  Shape out;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (!mask[i])
      out.push_back(shape[i]);
    else if (keepdims)
      out.push_back(1);
  }
  if (out.empty() && !keepdims) out.push_back(1);
  return out;
}

StridedLayout<2> reduce_layout(const Tensor& x, const AxisMask& mask) {
  GL_CHECK(x.ndim() <= kMaxDims, "arrays of more than ", kMaxDims,
           " dimensions are not supported (got ", x.ndim(), ")");
  Shape keep = x.shape();
  for (int i = 0; i < x.ndim(); ++i)
    if (mask[i]) keep[i] = 1;
  Shape keep_strides = contiguous_strides(keep);
  std::array<int64_t, kMaxDims> out_strides{};
  for (int i = 0; i < x.ndim(); ++i) out_strides[i] = keep[i] == 1 ? 0 : keep_strides[i];
  return make_layout<2>(x.shape(), {out_strides, broadcast_strides(x, x.shape())});
}

// ---- CPU kernels ----------------------------------------------------------------------

// The layout split into kept dims (output order) and reduced dims, with input strides.
struct ReducePlan {
  int nk = 0, nr = 0;
  std::array<int64_t, kMaxDims> kshape{}, kstride{}, rshape{}, rstride{};
  int64_t n_out = 1, n_red = 1;
  bool inner_reduced = false;  // the innermost dim is reduced: fold along it
};

ReducePlan make_plan(const StridedLayout<2>& L) {
  ReducePlan P;
  for (int i = 0; i < L.ndim; ++i) {
    if (L.strides[0][i] == 0) {
      P.rshape[P.nr] = L.shape[i];
      P.rstride[P.nr++] = L.strides[1][i];
      P.n_red *= L.shape[i];
    } else {
      P.kshape[P.nk] = L.shape[i];
      P.kstride[P.nk++] = L.strides[1][i];
      P.n_out *= L.shape[i];
    }
  }
  P.inner_reduced = L.strides[0][L.ndim - 1] == 0;
  return P;
}

// Input offset of output element `o`, decomposed over the first `nk` kept dims.
int64_t kept_offset(const ReducePlan& P, int nk, int64_t o) {
  int64_t off = 0;
  for (int i = nk - 1; i >= 0; --i) {
    off += (o % P.kshape[i]) * P.kstride[i];
    o /= P.kshape[i];
  }
  return off;
}

// Walks dims [0, n) of (shape, stride) in row-major order from a linear position.
struct Odometer {
  const int64_t* shape;
  const int64_t* stride;
  int n;
  std::array<int64_t, kMaxDims> idx{};
  int64_t off = 0;

  Odometer(const int64_t* shape_, const int64_t* stride_, int n_, int64_t linear)
      : shape(shape_), stride(stride_), n(n_) {
    for (int i = n - 1; i >= 0; --i) {
      idx[i] = linear % shape[i];
      linear /= shape[i];
      off += idx[i] * stride[i];
    }
  }
  void next() {
    for (int i = n - 1; i >= 0; --i) {
      ++idx[i];
      off += stride[i];
      if (idx[i] < shape[i]) return;
      off -= stride[i] * shape[i];
      idx[i] = 0;
    }
  }
};

// Folds n elements p[0], p[stride], ... into acc.
template <typename R, typename T>
typename ReduceTypes<T, R>::Fold fold_run(const T* p, int64_t n, int64_t stride,
                                          typename ReduceTypes<T, R>::Fold acc) {
  using Lane = typename ReduceTypes<T, R>::Lane;
  using Fold = typename ReduceTypes<T, R>::Fold;
  typename R::F f;
  constexpr int W = 16;
  if (stride != 1 || n < 2 * W) {
    for (int64_t i = 0; i < n; ++i)
      acc = f(acc, static_cast<Fold>(static_cast<Lane>(p[i * stride])));
    return acc;
  }
  // Independent lanes let the compiler vectorize without reassociating one long chain.
  // Each lane folds a short block in Lane, then into its own Fold lane (double for float
  // sums), so the rounding error stays near numpy's pairwise summation.
  constexpr int64_t kBlock = 256;
  Lane lanes[W];
  Fold folds[W];
  for (int j = 0; j < W; ++j) folds[j] = R::template identity<Fold>();
  const int64_t n_lanes = n - n % W;
  int64_t i = 0;
  while (i < n_lanes) {
    const int64_t end = std::min(n_lanes, i + kBlock);
    for (int j = 0; j < W; ++j) lanes[j] = R::template identity<Lane>();
    for (; i < end; i += W) {
#pragma omp simd
      for (int j = 0; j < W; ++j) lanes[j] = f(lanes[j], static_cast<Lane>(p[i + j]));
    }
#pragma omp simd
    for (int j = 0; j < W; ++j) folds[j] = f(folds[j], static_cast<Fold>(lanes[j]));
  }
  for (; i < n; ++i) folds[0] = f(folds[0], static_cast<Fold>(static_cast<Lane>(p[i])));
  for (int w = W / 2; w > 0; w /= 2)
    for (int j = 0; j < w; ++j) folds[j] = f(folds[j], folds[j + w]);
  return f(acc, folds[0]);
}

// Folds reduced positions [r0, r1) of the reduction starting at `base`; the innermost
// reduced dim is walked as runs.
template <typename R, typename T>
typename ReduceTypes<T, R>::Fold fold_range(const T* base, const ReducePlan& P, int64_t r0,
                                            int64_t r1) {
  using Fold = typename ReduceTypes<T, R>::Fold;
  Fold acc = R::template identity<Fold>();
  const int64_t inner = P.rshape[P.nr - 1], istride = P.rstride[P.nr - 1];
  if (P.nr == 1) return fold_run<R>(base + r0 * istride, r1 - r0, istride, acc);
  Odometer rows(P.rshape.data(), P.rstride.data(), P.nr - 1, r0 / inner);
  int64_t col = r0 % inner;
  for (int64_t r = r0; r < r1;) {
    const int64_t len = std::min(inner - col, r1 - r);
    acc = fold_run<R>(base + rows.off + col * istride, len, istride, acc);
    r += len;
    col = 0;
    rows.next();
  }
  return acc;
}

// The innermost dim is reduced: each output folds its own reduction; a few long
// reductions (a full sum) are split over threads and their partial results combined.
template <typename R, typename T>
void reduce_inner_cpu(const ReducePlan& P, const T* x, T* out, bool mean) {
  using Fold = typename ReduceTypes<T, R>::Fold;
  typename R::F f;
  const int threads = cpu_threads();
  if (P.n_out >= threads || P.n_red < 2 * kParallelGrain) {
    const int64_t grain = std::max<int64_t>(1, kParallelGrain / P.n_red);
    parallel_for(P.n_out, grain, [&](int64_t begin, int64_t end) {
      Odometer kept(P.kshape.data(), P.kstride.data(), P.nk, begin);
      for (int64_t o = begin; o < end; ++o, kept.next())
        out[o] = finalize<R, T>(fold_range<R>(x + kept.off, P, 0, P.n_red), mean, P.n_red);
    });
    return;
  }
  const int64_t splits = threads;
  std::unique_ptr<Fold[]> partial(new Fold[P.n_out * splits]);  // Fold may be bool
  parallel_for(P.n_out * splits, 1, [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t) {
      const int64_t o = t / splits, s = t % splits;
      partial[t] = fold_range<R>(x + kept_offset(P, P.nk, o), P, P.n_red * s / splits,
                                 P.n_red * (s + 1) / splits);
    }
  });
  for (int64_t o = 0; o < P.n_out; ++o) {
    Fold acc = partial[o * splits];
    for (int64_t s = 1; s < splits; ++s) acc = f(acc, partial[o * splits + s]);
    out[o] = finalize<R, T>(acc, mean, P.n_red);
  }
}

// The innermost dim is kept: accumulate a chunk of consecutive outputs at once, one input
// row at a time (sum over axis 0 of an (N, C) array reads the input in order).
template <typename R, typename T>
void reduce_outer_cpu(const ReducePlan& P, const T* x, T* out, bool mean) {
  using Lane = typename ReduceTypes<T, R>::Lane;
  using Fold = typename ReduceTypes<T, R>::Fold;
  constexpr int64_t kChunk = 512;
  typename R::F f;
  const int64_t len = P.kshape[P.nk - 1], kstride = P.kstride[P.nk - 1];
  const int64_t chunk = std::min(len, kChunk);
  const int64_t n_chunks = (len + chunk - 1) / chunk;
  const int64_t n_tasks = (P.n_out / len) * n_chunks;
  // Folds reduced positions [r0, r1) of task `task` into acc; returns the chunk length.
  // Rows are summed in Lane (vectorizes) and folded into acc every kRowBlock rows.
  constexpr int64_t kRowBlock = 1024;
  auto run = [&](int64_t task, int64_t r0, int64_t r1, Fold* acc) {
    const int64_t outer = task / n_chunks, c0 = (task % n_chunks) * chunk;
    const int64_t cn = std::min(chunk, len - c0);
    const T* base = x + kept_offset(P, P.nk - 1, outer) + c0 * kstride;
    Lane lanes[kChunk];
    for (int64_t i = 0; i < cn; ++i) acc[i] = R::template identity<Fold>();
    Odometer red(P.rshape.data(), P.rstride.data(), P.nr, r0);
    for (int64_t b0 = r0; b0 < r1; b0 += kRowBlock) {
      for (int64_t i = 0; i < cn; ++i) lanes[i] = R::template identity<Lane>();
      for (int64_t r = b0; r < std::min(r1, b0 + kRowBlock); ++r, red.next()) {
        const T* p = base + red.off;
        if (kstride == 1) {
#pragma omp simd
          for (int64_t i = 0; i < cn; ++i) lanes[i] = f(lanes[i], static_cast<Lane>(p[i]));
        } else {
          for (int64_t i = 0; i < cn; ++i)
            lanes[i] = f(lanes[i], static_cast<Lane>(p[i * kstride]));
        }
      }
      for (int64_t i = 0; i < cn; ++i) acc[i] = f(acc[i], static_cast<Fold>(lanes[i]));
    }
    return cn;
  };
  auto output_of = [&](int64_t task) {
    return out + (task / n_chunks) * len + (task % n_chunks) * chunk;
  };
  const int threads = cpu_threads();
  if (n_tasks >= threads || P.n_red * chunk < 2 * kParallelGrain) {
    const int64_t grain = std::max<int64_t>(1, kParallelGrain / (P.n_red * chunk));
    parallel_for(n_tasks, grain, [&](int64_t begin, int64_t end) {
      Fold acc[kChunk];
      for (int64_t t = begin; t < end; ++t) {
        const int64_t cn = run(t, 0, P.n_red, acc);
        T* o = output_of(t);
        for (int64_t i = 0; i < cn; ++i) o[i] = finalize<R, T>(acc[i], mean, P.n_red);
      }
    });
    return;
  }
  const int64_t splits = threads;
  std::unique_ptr<Fold[]> partial(new Fold[n_tasks * splits * chunk]);
  parallel_for(n_tasks * splits, 1, [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t) {
      const int64_t s = t % splits;
      run(t / splits, P.n_red * s / splits, P.n_red * (s + 1) / splits, &partial[t * chunk]);
    }
  });
  for (int64_t task = 0; task < n_tasks; ++task) {
    const int64_t cn = std::min(chunk, len - (task % n_chunks) * chunk);
    const Fold* part = &partial[task * splits * chunk];
    T* o = output_of(task);
    for (int64_t i = 0; i < cn; ++i) {
      Fold acc = part[i];
      for (int64_t s = 1; s < splits; ++s) acc = f(acc, part[s * chunk + i]);
      o[i] = finalize<R, T>(acc, mean, P.n_red);
    }
  }
}

void reduce_cpu(ReduceOp op, const Tensor& out, const Tensor& x, const StridedLayout<2>& L) {
  const ReducePlan P = make_plan(L);
  const bool mean = op == ReduceOp::Mean;
  GL_DISPATCH_ALL(x.dtype(), reduce_name(op), visit_reduce(op, [&](auto reducer) {
                    using R = decltype(reducer);
                    if (P.inner_reduced)
                      reduce_inner_cpu<R>(P, x.data<scalar_t>(), out.data<scalar_t>(), mean);
                    else
                      reduce_outer_cpu<R>(P, x.data<scalar_t>(), out.data<scalar_t>(), mean);
                  }));
}

// Two passes: the vectorized max (or min) fold, then a scan for its first occurrence. This
// gives numpy's rule (the first extreme wins, the first NaN beats everything) at a fraction
// of the cost of one branchy compare-and-track pass.
template <bool IsMax, typename T, typename O>
void argreduce_cpu(const ReducePlan& P, const T* x, O* out) {
  using R = std::conditional_t<IsMax, MaxR, MinR>;
  using A = typename ReduceTypes<T, R>::Fold;
  const int64_t grain = std::max<int64_t>(1, kParallelGrain / P.n_red);
  parallel_for(P.n_out, grain, [&](int64_t begin, int64_t end) {
    Odometer kept(P.kshape.data(), P.kstride.data(), P.nk, begin);
    for (int64_t o = begin; o < end; ++o, kept.next()) {
      if (P.n_red == 1) {
        out[o] = O(0);
        continue;
      }
      const T* base = x + kept.off;
      const A m = fold_range<R>(base, P, 0, P.n_red);
      auto is_extreme = [&](const T& v) {
        const A a = static_cast<A>(v);
        return m != m ? a != a : a == m;
      };
      int64_t r = 0;
      if (P.nr == 1) {  // one axis: a plain strided scan
        while (!is_extreme(base[r * P.rstride[0]])) ++r;
      } else {  // the flattened array (axis=None): walk it in logical order
        for (Odometer red(P.rshape.data(), P.rstride.data(), P.nr, 0); !is_extreme(base[red.off]);
             red.next())
          ++r;
      }
      out[o] = static_cast<O>(r);
    }
  });
}

// ---- gradient plumbing ------------------------------------------------------------------

Tensor reduce_impl(ReduceOp op, const Tensor& x, const AxisMask& mask, const Shape& out_shape,
                   const char* name);

// Copies `src` into a fresh array of `shape`, broadcasting (numpy rules, via copy_).
Tensor broadcast_copy(const Tensor& src, const Shape& shape) {
  Tensor out = Tensor::empty(shape, src.dtype(), src.device());
  if (out.numel() > 0) copy_(out, src);
  return out;
}

// Spreads a reduction's output (or its gradient) `g` back over the input's shape:
// g viewed with the reduced dims as 1, then broadcast. Recorded, so higher-order
// gradients flow; its own gradient is the matching sum.
Tensor expand_reduced(const Tensor& g, const AxisMask& mask, const Shape& x_shape) {
  Shape keep = x_shape, keep_strides(x_shape.size(), 0);
  for (size_t i = 0; i < keep.size(); ++i)
    if (mask[i]) keep[i] = 1;
  if (g.shape() == keep) {
    keep_strides = g.strides();
  } else if (g.numel() != 1) {  // g has the kept dims only
    for (size_t i = 0, j = 0; i < keep.size(); ++i)
      if (!mask[i]) keep_strides[i] = g.strides()[j++];
  }
  Tensor y = broadcast_copy(Tensor::view(g, keep, keep_strides, g.offset()), x_shape);
  if (should_record({&g})) {
    Shape g_shape = g.shape();
    record_op("broadcast_reduced", {g}, {&y}, [mask, g_shape](const GradList& gg) -> GradList {
      return {reduce_impl(ReduceOp::Sum, gg[0], mask, g_shape, "sum")};
    });
  }
  return y;
}

Tensor reduce_grad(ReduceOp op, const Tensor& x, const Tensor& y, const Tensor& g,
                   const AxisMask& mask) {
  if (x.numel() == 0) return full_like(x, 0.0);
  Tensor g_full = expand_reduced(g, mask, x.shape());
  switch (op) {
    case ReduceOp::Sum: return g_full;
    case ReduceOp::Mean:
      return mul_scalar(g_full, static_cast<double>(y.numel()) / static_cast<double>(x.numel()));
    case ReduceOp::Max:
    case ReduceOp::Min:  // every tie receives the gradient, as in MXNet
      return mul(g_full, binary(BinaryOp::Equal, x, expand_reduced(y, mask, x.shape())));
    case ReduceOp::Prod:  // y / x: NaN where x == 0, as in MXNet
      return mul(g_full, div(expand_reduced(y, mask, x.shape()), x));
  }
  return Tensor();
}

// Reduces `x` over `mask` into a fresh contiguous array of `out_shape` (any shape holding
// the kept elements in order). Not recorded.
Tensor reduce_impl(ReduceOp op, const Tensor& x, const AxisMask& mask, const Shape& out_shape,
                   const char* name) {
  Tensor out = Tensor::empty(out_shape, x.dtype(), x.device());
  if (out.numel() == 0) return out;
  int64_t n_red = 1;
  for (int i = 0; i < x.ndim(); ++i)
    if (mask[i]) n_red *= x.shape()[i];
  if (n_red == 0) {
    GL_CHECK(op != ReduceOp::Max && op != ReduceOp::Min, name,
             ": cannot reduce over a zero-size axis: the input has shape ", shape_str(x.shape()),
             " and ", name, " of no elements is undefined");
    double value = op == ReduceOp::Prod ? 1.0 : 0.0;
    if (op == ReduceOp::Mean && is_floating(x.dtype())) value = std::nan("");
    fill_(out, value);
    return out;
  }
  StridedLayout<2> L = reduce_layout(x, mask);
  if (x.device().is_gpu()) {
    GL_CUDA_LAUNCH(name, out.device(), reduce_cuda(op, out, x, L));
  } else {
    reduce_cpu(op, out, x, L);
  }
  return out;
}

Tensor argreduce(bool is_max, const Tensor& x, std::optional<int> axis, bool keepdims) {
  const char* name = is_max ? "argmax" : "argmin";
  AxisMask mask(x.ndim(), true);
  if (axis) {
    int a = normalize_axis(*axis, x.ndim(), name);
    if (x.ndim() > 0) {
      mask.assign(x.ndim(), false);
      mask[a] = true;
    }
  }
  int64_t n_red = 1;
  for (int i = 0; i < x.ndim(); ++i)
    if (mask[i]) n_red *= x.shape()[i];
  // MXNet returns indices in the input's dtype (float32 for float32 input).
  DType out_dtype = x.dtype() == DType::Bool ? DType::Float32 : x.dtype();
  Tensor out = Tensor::empty(reduced_shape(x.shape(), mask, keepdims), out_dtype, x.device());
  if (out.numel() == 0) return out;
  GL_CHECK(n_red > 0, name, ": cannot search ", axis ? "along a zero-size axis" : "an empty array",
           ": the input has shape ", shape_str(x.shape()),
           axis ? detail::concat(" and axis=", *axis) : std::string());
  StridedLayout<2> L = reduce_layout(x, mask);
  if (x.device().is_gpu()) {
    GL_CUDA_LAUNCH(name, out.device(), argreduce_cuda(is_max, out, x, L));
    return out;
  }
  const ReducePlan P = make_plan(L);
  GL_DISPATCH_ALL(x.dtype(), name, {
    using O = std::conditional_t<std::is_same<scalar_t, bool>::value, float, scalar_t>;
    if (is_max)
      argreduce_cpu<true>(P, x.data<scalar_t>(), out.data<O>());
    else
      argreduce_cpu<false>(P, x.data<scalar_t>(), out.data<O>());
  });
  return out;
}

// reduce_impl plus the autograd node.
Tensor reduce_recorded(ReduceOp op, const Tensor& x, const AxisMask& mask, const Shape& out_shape) {
  Tensor y = reduce_impl(op, x, mask, out_shape, reduce_name(op));
  if (should_record({&x})) {
    Tensor y_saved = detach(y);  // a plain view: capturing y itself would form a cycle
    record_op(reduce_name(op), {x}, {&y}, [op, x, y_saved, mask](const GradList& g) -> GradList {
      // With create_graph, prod's gradient must see y as a function of x: recompute it.
      Tensor y = op == ReduceOp::Prod && is_recording()
                     ? reduce_recorded(op, x, mask, y_saved.shape())
                     : y_saved;
      return {reduce_grad(op, x, y, g[0], mask)};
    });
  }
  return y;
}

}  // namespace

Tensor reduce(ReduceOp op, const Tensor& x, const std::vector<int>& axes, bool keepdims,
              bool exclude) {
  AxisMask mask = reduction_mask(x.ndim(), axes, exclude, reduce_name(op));
  return reduce_recorded(op, x, mask, reduced_shape(x.shape(), mask, keepdims));
}

Tensor argmax(const Tensor& x, std::optional<int> axis, bool keepdims) {
  return argreduce(true, x, axis, keepdims);
}

Tensor argmin(const Tensor& x, std::optional<int> axis, bool keepdims) {
  return argreduce(false, x, axis, keepdims);
}

// Sums over the leading dims `grad` has beyond `shape` and over the dims where `shape` is 1.
Tensor sum_to_shape(const Tensor& grad, const Shape& shape) {
  if (grad.shape() == shape) return grad;
  const int nd = grad.ndim(), lead = nd - static_cast<int>(shape.size());
  GL_CHECK(lead >= 0, "sum_to_shape: cannot reduce shape ", shape_str(grad.shape()),
           " to the larger shape ", shape_str(shape));
  AxisMask mask(nd, false);
  for (int i = 0; i < nd; ++i) {
    if (i < lead) {
      mask[i] = true;
      continue;
    }
    int64_t want = shape[i - lead], have = grad.shape()[i];
    GL_CHECK(want == have || want == 1, "sum_to_shape: shape ", shape_str(grad.shape()),
             " is not a broadcast of ", shape_str(shape), " (dimension ", i, ": ", have, " vs ",
             want, ")");
    mask[i] = want == 1 && have != 1;
  }
  Tensor y = reduce_impl(ReduceOp::Sum, grad, mask, shape, "sum");
  if (should_record({&grad})) {
    Shape grad_shape = grad.shape();
    record_op("sum_to_shape", {grad}, {&y}, [grad_shape](const GradList& g) -> GradList {
      return {broadcast_to(g[0], grad_shape)};
    });
  }
  return y;
}

Tensor broadcast_to(const Tensor& x, const Shape& shape) {
  const int nd = static_cast<int>(shape.size()), lead = nd - x.ndim();
  GL_CHECK(lead >= 0, "broadcast_to: cannot broadcast an array of shape ", shape_str(x.shape()),
           " to the shape ", shape_str(shape), " with fewer dimensions");
  for (int i = 0; i < x.ndim(); ++i) {
    int64_t have = x.shape()[i], want = shape[lead + i];
    GL_CHECK(have == want || have == 1, "broadcast_to: cannot broadcast an array of shape ",
             shape_str(x.shape()), " to ", shape_str(shape), " (dimension ", lead + i, " has size ",
             have, "; only size-1 dimensions can be broadcast)");
  }
  Tensor y = broadcast_copy(x, shape);
  if (should_record({&x})) {
    Shape x_shape = x.shape();
    record_op("broadcast_to", {x}, {&y},
              [x_shape](const GradList& g) -> GradList { return {sum_to_shape(g[0], x_shape)}; });
  }
  return y;
}

}  // namespace gl::ops
