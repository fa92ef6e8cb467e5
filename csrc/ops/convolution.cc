// Convolution and its transpose (Deconvolution): shape checks, the CPU im2col / col2im
// kernels, one device-independent GEMM driver, and the gradients. CUDA kernels:
// convolution.cu.
//
// Samples are processed in chunks: im2col lays a chunk out as one (C/g * k, chunk * L)
// matrix, so each group costs one large GEMM (ops::gemm: OpenBLAS on CPU, cuBLAS or our
// tiled kernel on GPU) instead of one small GEMM per sample. The deconvolution's forward is
// the convolution's data gradient and vice versa, so both ops share the three passes below.
#include <cblas.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <type_traits>
#include <vector>

#include "../autograd/autograd.h"
#include "../core/parallel.h"
#include "../cuda/runtime.h"
#include "conv_winograd.h"
#include "nn_ops.h"
#include "ops.h"
#include "cuda_kernels.h"

namespace gl::ops {

namespace {

// Output positions o in [lo, hi) of one axis whose input index o*s - p + koff is in range.
inline void valid_range(int64_t out, int64_t in, int64_t s, int64_t p, int64_t koff, int64_t* lo,
                        int64_t* hi) {
  const int64_t a = p - koff, b = in - 1 + p - koff;
  *lo = a <= 0 ? 0 : (a + s - 1) / s;
  *hi = b < 0 ? 0 : std::min(out, b / s + 1);
  if (*lo > *hi) *lo = *hi;
}

// im2col / col2im split over threads only above this many elements: they are plain copies,
// and below it waking a second thread costs more than it saves (much more on a busy
// machine). Large passes are parallel over chunks of samples instead (for_each_chunk).
constexpr int64_t kCopyGrain = int64_t(1) << 20;

// One kernel tap (a position inside the kernel): along each axis, the input offset it
// adds (k * dilate - pad) and the output range [lo, hi) for which the input is in bounds.
// Computed once per call, so the copy loops below do no divisions.
struct Tap {
  int64_t lo[3], hi[3], off[3];
};

std::vector<Tap> kernel_taps(const ConvGeometry& g) {
  std::vector<Tap> taps(static_cast<size_t>(g.kernel_size()));
  for (int64_t kk = 0; kk < g.kernel_size(); ++kk) {
    const int64_t k[3] = {kk / (g.kernel[1] * g.kernel[2]), (kk / g.kernel[2]) % g.kernel[1],
                          kk % g.kernel[2]};
    Tap& t = taps[static_cast<size_t>(kk)];
    for (int a = 0; a < 3; ++a) {
      t.off[a] = k[a] * g.dilate[a] - g.pad[a];
      valid_range(g.out[a], g.in[a], g.stride[a], g.pad[a], k[a] * g.dilate[a], &t.lo[a], &t.hi[a]);
    }
  }
  return taps;
}

// col[c * K + kk, b * L + o] = x[n0 + b, group * Cg + c, o * stride - pad + kk * dilate],
// zero where that falls into the padding. One task per column row (all samples of the chunk).
template <typename T>
void im2col_cpu(const T* x, T* col, const ConvGeometry& g, int64_t group, int64_t n0, int64_t nb) {
  const int64_t K = g.kernel_size(), L = g.out_size(), cg = g.group_in();
  const int64_t row_len = nb * L, in12 = g.in[1] * g.in[2], o12 = g.out[1] * g.out[2];
  const int64_t s2 = g.stride[2];
  const T zero = static_cast<T>(0.0f);
  const std::vector<Tap> taps = kernel_taps(g);
  const int64_t grain = std::max<int64_t>(1, kCopyGrain / std::max<int64_t>(row_len, 1));
  parallel_for(cg * K, grain, [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      const Tap& t = taps[static_cast<size_t>(row % K)];
      const int64_t c = row / K;
      for (int64_t b = 0; b < nb; ++b) {
        const T* src = x + ((n0 + b) * g.in_channels + group * cg + c) * g.in_size();
        T* dst = col + row * row_len + b * L;
        for (int64_t od = 0; od < g.out[0]; ++od) {
          T* dd = dst + od * o12;
          if (od < t.lo[0] || od >= t.hi[0]) {
            std::fill(dd, dd + o12, zero);
            continue;
          }
          const T* sd = src + (od * g.stride[0] + t.off[0]) * in12;
          for (int64_t oh = 0; oh < g.out[1]; ++oh) {
            T* dh = dd + oh * g.out[2];
            if (oh < t.lo[1] || oh >= t.hi[1]) {
              for (int64_t ow = 0; ow < g.out[2]; ++ow) dh[ow] = zero;
              continue;
            }
            const T* sw = sd + (oh * g.stride[1] + t.off[1]) * g.in[2] + t.off[2];
            for (int64_t ow = 0; ow < t.lo[2]; ++ow) dh[ow] = zero;
            if (s2 == 1) {
              for (int64_t ow = t.lo[2]; ow < t.hi[2]; ++ow) dh[ow] = sw[ow];
            } else {
              for (int64_t ow = t.lo[2]; ow < t.hi[2]; ++ow) dh[ow] = sw[ow * s2];
            }
            for (int64_t ow = t.hi[2]; ow < g.out[2]; ++ow) dh[ow] = zero;
          }
        }
      }
    }
  });
}

// The adjoint of im2col: each (sample, channel) plane of dx is the sum of the column
// entries that read it. One thread owns a plane, so no two threads write the same element.
// float and double accumulate in dx itself, float16 through a float buffer.
template <typename T>
void col2im_cpu(const T* col, T* dx, const ConvGeometry& g, int64_t group, int64_t n0, int64_t nb) {
  using A = acc_t<T>;
  constexpr bool direct = std::is_same<A, T>::value;
  const int64_t K = g.kernel_size(), L = g.out_size(), cg = g.group_in();
  const int64_t row_len = nb * L, in_size = g.in_size(), o12 = g.out[1] * g.out[2];
  const int64_t s2 = g.stride[2];
  const std::vector<Tap> taps = kernel_taps(g);
  const int64_t grain = std::max<int64_t>(1, kCopyGrain / std::max<int64_t>(K * L, 1));
  parallel_for(nb * cg, grain, [&](int64_t begin, int64_t end) {
    std::vector<A> buffer(direct ? 0 : static_cast<size_t>(in_size));
    for (int64_t task = begin; task < end; ++task) {
      const int64_t b = task / cg, c = task % cg;
      T* dst = dx + ((n0 + b) * g.in_channels + group * cg + c) * in_size;
      A* acc = direct ? reinterpret_cast<A*>(dst) : buffer.data();
      std::fill(acc, acc + in_size, A(0));
      for (int64_t kk = 0; kk < K; ++kk) {
        const Tap& t = taps[static_cast<size_t>(kk)];
        const T* src = col + (c * K + kk) * row_len + b * L;
        for (int64_t od = t.lo[0]; od < t.hi[0]; ++od) {
          const int64_t id = od * g.stride[0] + t.off[0];
          for (int64_t oh = t.lo[1]; oh < t.hi[1]; ++oh) {
            const int64_t ih = oh * g.stride[1] + t.off[1];
            A* ah = acc + (id * g.in[1] + ih) * g.in[2] + t.off[2];
            const T* sh = src + od * o12 + oh * g.out[2];
            for (int64_t ow = t.lo[2]; ow < t.hi[2]; ++ow) ah[ow * s2] += static_cast<A>(sh[ow]);
          }
        }
      }
      if (!direct)
        for (int64_t i = 0; i < in_size; ++i) dst[i] = static_cast<T>(acc[i]);
    }
  });
}

void im2col(const Tensor& x, const Tensor& col, const ConvGeometry& g, int64_t group, int64_t n0,
            int64_t nb) {
  if (x.device().is_gpu()) {
    GL_CUDA_LAUNCH("Convolution", x.device(), im2col_cuda(x, col, g, group, n0, nb));
    return;
  }
  GL_DISPATCH_FLOAT(x.dtype(), "Convolution",
                    im2col_cpu(x.data<scalar_t>(), col.data<scalar_t>(), g, group, n0, nb));
}

void col2im(const Tensor& col, const Tensor& dx, const ConvGeometry& g, int64_t group, int64_t n0,
            int64_t nb) {
  if (dx.device().is_gpu()) {
    GL_CUDA_LAUNCH("Convolution", dx.device(), col2im_cuda(col, dx, g, group, n0, nb));
    return;
  }
  GL_DISPATCH_FLOAT(dx.dtype(), "Convolution",
                    col2im_cpu(col.data<scalar_t>(), dx.data<scalar_t>(), g, group, n0, nb));
}

// ---- the GEMM driver ------------------------------------------------------------------
// The batch is cut into chunks of samples; a chunk is one im2col, one GEMM per group and a
// scatter. On the CPU the chunks are spread over the thread pool's workers, each running
// its GEMMs on one BLAS thread: a single fork/join per pass. On the GPU the chunks run in
// order on the stream.
constexpr int64_t kTargetColumns = 4096;             // columns per GEMM worth aiming for
constexpr int64_t kColumnBudget = int64_t(1) << 24;  // elements of one column buffer
constexpr int64_t kParallelMacs = int64_t(1) << 21;  // below this, one thread does it all

// What one worker owns: its column buffer, its staging buffer for the (group, chunk)
// permutation, and (weight gradient) its partial sum.
struct Workspace {
  Tensor col, staged, dw;
};

struct ChunkPlan {
  int64_t chunk = 1;  // samples per chunk
  int workers = 1;
  bool cpu = true;
};

ChunkPlan plan_chunks(const ConvGeometry& g, Device device) {
  const int64_t L = std::max<int64_t>(g.out_size(), 1);
  const int64_t per_sample = std::max<int64_t>(g.col_rows() * L, 1);
  int64_t nb =
      std::min((kTargetColumns + L - 1) / L, std::max<int64_t>(kColumnBudget / per_sample, 1));
  nb = std::max<int64_t>(1, std::min(nb, g.batch));
  ChunkPlan plan;
  plan.cpu = device.is_cpu();
  const int64_t macs = g.batch * L * g.col_rows() * g.out_channels;
  const int threads = cpu_threads();
  if (device.is_cpu() && threads > 1 && g.batch > 1 && macs >= kParallelMacs) {
    int64_t chunks =
        std::max<int64_t>((g.batch + nb - 1) / nb, std::min<int64_t>(threads, g.batch));
    nb = (g.batch + chunks - 1) / chunks;
    chunks = (g.batch + nb - 1) / nb;
    plan.workers = static_cast<int>(std::min<int64_t>(threads, chunks));
  }
  const int64_t chunks = (g.batch + nb - 1) / nb;  // even chunks
  plan.chunk = (g.batch + chunks - 1) / chunks;
  return plan;
}

// Calls fn(n0, nb, workspace) for every chunk, worker w taking chunks w, w + workers, ...
template <typename Fn>
void for_each_chunk(const ConvGeometry& g, const ChunkPlan& plan, std::vector<Workspace>* ws,
                    Fn fn) {
  const int64_t chunks = (g.batch + plan.chunk - 1) / plan.chunk;
  ws->resize(static_cast<size_t>(plan.workers));
  // On the CPU, BLAS always runs on one thread here: large passes are split over our own
  // workers, and small GEMMs only lose time waking BLAS threads.
  std::optional<SerialBlasScope> one_blas_thread;
  if (plan.cpu) one_blas_thread.emplace();
  parallel_tasks(plan.workers, [&](int w) {
    for (int64_t c = w; c < chunks; c += plan.workers)
      fn(c * plan.chunk, std::min(plan.chunk, g.batch - c * plan.chunk),
         (*ws)[static_cast<size_t>(w)]);
  });
}

// Group `group`'s channels of samples [n0, n0 + nb) of a (N, channels, L) tensor, seen as
// (group_channels, nb, L): the layout the GEMM produces and consumes.
Tensor group_block(const Tensor& t, int64_t channels, int64_t group_channels, int64_t L,
                   int64_t group, int64_t n0, int64_t nb) {
  return Tensor::view(t, {group_channels, nb, L}, {L, channels * L, 1},
                      t.offset() + (n0 * channels + group * group_channels) * L);
}

Tensor as_blocks(const Tensor& m, int64_t rows, int64_t nb, int64_t L) {
  return Tensor::view(m, {rows, nb, L}, {nb * L, L, 1}, m.offset());
}

Tensor buffer(Tensor* slot, int64_t elements, const Tensor& like) {
  if (!slot->defined() || slot->numel() < elements)
    *slot = Tensor::empty({elements}, like.dtype(), like.device());
  return *slot;
}

// The forward's column matrices, kept for the weight gradient so that the backward does
// not lay them out again: one buffer for the whole batch, chunk by chunk in the forward's
// layout (each chunk a (rows, nb * L) matrix at offset n0 * rows * L), so the backward must
// cut the batch the same way: it reuses `plan`. Kept only on the CPU, for one group, and
// while small (kKeptColumnBytes): it lives as long as the recorded graph.
struct KeptColumns {
  Tensor col;
  ChunkPlan plan;
};
constexpr int64_t kKeptColumnBytes = int64_t(8) << 20;

bool worth_keeping_columns(const ConvGeometry& g, const Tensor& x) {
  return x.device().is_cpu() && g.groups == 1 &&
         g.col_rows() * g.batch * g.out_size() * static_cast<int64_t>(dtype_size(x.dtype())) <=
             kKeptColumnBytes;
}

// y = conv(x, w) (+ bias); x, w, y contiguous. With `keep`, the column matrices are left
// in keep->col for conv_backward_pass.
void conv_forward_pass(const Tensor& x, const Tensor& w, const Tensor* bias, const Tensor& y,
                       const ConvGeometry& g, KeptColumns* keep = nullptr) {
  const int64_t L = g.out_size(), F = g.out_channels, fg = g.group_out(), rows = g.col_rows();
  const ChunkPlan plan = plan_chunks(g, x.device());
  if (keep) {
    keep->plan = plan;
    keep->col = Tensor::empty({rows * g.batch * L}, x.dtype(), x.device());
  }
  std::vector<Workspace> ws;
  for_each_chunk(g, plan, &ws, [&](int64_t n0, int64_t nb, Workspace& own) {
    Tensor colm = keep ? matrix_at(keep->col, rows, nb * L, n0 * rows * L)
                       : matrix_at(buffer(&own.col, rows * nb * L, x), rows, nb * L, 0);
    for (int64_t grp = 0; grp < g.groups; ++grp) {
      im2col(x, colm, g, grp, n0, nb);
      // One sample: the GEMM writes straight into y; several: into `staged`, then permuted.
      Tensor out = nb == 1 ? matrix_at(y, fg, L, (n0 * F + grp * fg) * L)
                           : matrix_at(buffer(&own.staged, fg * nb * L, x), fg, nb * L, 0);
      if (bias) copy_(out, Tensor::view(*bias, {fg, 1}, {1, 0}, bias->offset() + grp * fg));
      gemm(matrix_at(w, fg, rows, grp * fg * rows), colm, out, false, false, 1.0, bias ? 1.0 : 0.0);
      if (nb > 1) copy_(group_block(y, F, fg, L, grp, n0, nb), as_blocks(out, fg, nb, L));
    }
  });
}

// Gradients of y = conv(x, w) from dy: dx (when given; overwritten) and dw (when given;
// overwritten). x is only read when dw is wanted, and not at all given the forward's
// `kept` columns.
void conv_backward_pass(const Tensor* x, const Tensor& w, const Tensor& dy, const Tensor* dx,
                        const Tensor* dw, const ConvGeometry& g,
                        const KeptColumns* kept = nullptr) {
  const int64_t L = g.out_size(), F = g.out_channels, fg = g.group_out(), rows = g.col_rows();
  if (g.batch == 0 || L == 0) {
    if (dx) fill_(*dx, 0.0);
    if (dw) fill_(*dw, 0.0);
    return;
  }
  const bool reuse = kept && kept->col.defined();
  const ChunkPlan plan = reuse ? kept->plan : plan_chunks(g, dy.device());
  std::vector<Workspace> ws;
  for_each_chunk(g, plan, &ws, [&](int64_t n0, int64_t nb, Workspace& own) {
    // The worker's column buffer: im2col's output for dw, the GEMM's for dx.
    Tensor colm =
        dx || !reuse ? matrix_at(buffer(&own.col, rows * nb * L, dy), rows, nb * L, 0) : Tensor();
    double beta = 1.0;
    if (dw && !own.dw.defined()) {  // a worker's first chunk overwrites its partial sum
      own.dw = plan.workers == 1 ? *dw : Tensor::empty(dw->shape(), dw->dtype(), dw->device());
      beta = 0.0;
    }
    for (int64_t grp = 0; grp < g.groups; ++grp) {
      Tensor dyg;
      if (nb == 1) {
        dyg = matrix_at(dy, fg, L, (n0 * F + grp * fg) * L);
      } else {
        dyg = matrix_at(buffer(&own.staged, fg * nb * L, dy), fg, nb * L, 0);
        copy_(as_blocks(dyg, fg, nb, L), group_block(dy, F, fg, L, grp, n0, nb));
      }
      if (dw) {
        Tensor xcol = colm;
        if (reuse)
          xcol = matrix_at(kept->col, rows, nb * L, n0 * rows * L);
        else
          im2col(*x, colm, g, grp, n0, nb);
        gemm(dyg, xcol, matrix_at(own.dw, fg, rows, grp * fg * rows), false, true, 1.0, beta);
      }
      if (dx) {
        gemm(matrix_at(w, fg, rows, grp * fg * rows), dyg, colm, true, false, 1.0, 0.0);
        col2im(colm, *dx, g, grp, n0, nb);
      }
    }
  });
  if (dw && plan.workers > 1) {  // sum the workers' partial weight gradients
    bool first = true;
    for (const Workspace& own : ws) {
      if (!own.dw.defined()) continue;
      if (first)
        copy_(*dw, own.dw);
      else
        binary_(BinaryOp::Add, *dw, own.dw);
      first = false;
    }
  }
}

// d bias = dy summed over the batch and spatial axes.
Tensor bias_grad(const Tensor& dy, int64_t batch, int64_t channels) {
  const int64_t L = batch * channels == 0 ? 0 : dy.numel() / (batch * channels);
  Tensor dy3 = Tensor::view(dy, {batch, channels, L}, {channels * L, L, 1}, dy.offset());
  return reduce(ReduceOp::Sum, dy3, {0, 2}, false, false);
}

// ---- checks and geometry ----------------------------------------------------------------

Shape spatial_or(const Shape& given, size_t n, int64_t fallback, const char* op, const char* what) {
  if (given.empty()) return Shape(n, fallback);
  GL_CHECK(given.size() == n, op, ": ", what, " ", shape_str(given),
           " must have one entry per "
           "spatial axis of the kernel (",
           n, ")");
  return given;
}

const char* layout_name(size_t nsp) {
  return nsp == 1   ? "(batch, channel, width)"
         : nsp == 2 ? "(batch, channel, height, width)"
                    : "(batch, channel, depth, height, width)";
}

// Validates the operands and parameters of a (transposed) convolution and returns its
// geometry as a forward convolution, plus the op's output shape.
ConvGeometry make_geometry(const char* op, const Tensor& x, const Tensor& w, const Tensor* bias,
                           const ConvParams& p, bool transposed, const Shape& adj_in,
                           Shape* out_shape) {
  const size_t nsp = p.kernel.size();
  GL_CHECK(nsp >= 1 && nsp <= 3, op, ": kernel must have 1, 2 or 3 dimensions, got ",
           shape_str(p.kernel));
  const Shape stride = spatial_or(p.stride, nsp, 1, op, "stride");
  const Shape pad = spatial_or(p.pad, nsp, 0, op, "pad");
  const Shape dilate = spatial_or(p.dilate, nsp, 1, op, "dilate");
  const Shape adj = spatial_or(adj_in, nsp, 0, op, "adj");
  for (size_t i = 0; i < nsp; ++i) {
    GL_CHECK(p.kernel[i] >= 1 && stride[i] >= 1 && dilate[i] >= 1 && pad[i] >= 0 && adj[i] >= 0, op,
             ": kernel, stride and dilate must be positive and pad non-negative, got kernel=",
             shape_str(p.kernel), ", stride=", shape_str(stride), ", dilate=", shape_str(dilate),
             ", pad=", shape_str(pad));
  }
  if (!is_floating(x.dtype())) throw_unsupported_dtype(op, x.dtype());
  for (const Tensor* t : {&w, bias}) {
    if (!t) continue;
    GL_CHECK(t->dtype() == x.dtype(), op, ": data is ", dtype_name(x.dtype()), " but ",
             t == &w ? "weight" : "bias", " is ", dtype_name(t->dtype()));
    GL_CHECK(t->device() == x.device(), op, ": data is on ", x.device().str(), " but ",
             t == &w ? "weight" : "bias", " is on ", t->device().str());
  }
  GL_CHECK(x.ndim() == static_cast<int>(nsp) + 2, op, ": expected a ", nsp + 2, "-D input ",
           layout_name(nsp), " for the ", nsp, "-D kernel ", shape_str(p.kernel), ", got shape ",
           shape_str(x.shape()));
  const int64_t groups = p.num_group, F = p.num_filter, C = x.size(1);
  GL_CHECK(groups >= 1 && F >= 1, op, ": num_filter and num_group must be positive, got ", F,
           " and ", groups);
  GL_CHECK(C % groups == 0 && F % groups == 0, op, ": input channels (", C, ") and num_filter (", F,
           ") must both be divisible by num_group (", groups, ")");
  // Conv weight: (F, C/g, *k). Deconv weight: (C, F/g, *k).
  Shape want_w{transposed ? C : F, transposed ? F / groups : C / groups};
  want_w.insert(want_w.end(), p.kernel.begin(), p.kernel.end());
  if (w.shape() != want_w) {
    const bool channels_only = w.ndim() == static_cast<int>(want_w.size()) &&
                               w.size(transposed ? 1 : 0) == want_w[transposed ? 1 : 0] &&
                               std::equal(want_w.begin() + 2, want_w.end(), w.shape().begin() + 2);
    if (channels_only && !transposed)
      GL_THROW(ErrorKind::MXNet, op, ": the input has ", C, " channels (shape ",
               shape_str(x.shape()), ") but the weight ", shape_str(w.shape()), " expects ",
               w.size(1) * groups, " (in_channels ", w.size(1) * groups, " with num_group=", groups,
               "); expected weight shape ", shape_str(want_w));
    if (channels_only && transposed)
      GL_THROW(ErrorKind::MXNet, op, ": the input has ", C, " channels (shape ",
               shape_str(x.shape()), ") but the weight ", shape_str(w.shape()), " expects ",
               w.size(0), "; expected weight shape ", shape_str(want_w));
    GL_THROW(ErrorKind::MXNet, op, ": weight has shape ", shape_str(w.shape()), " but input ",
             shape_str(x.shape()), " with num_filter=", F, ", num_group=", groups,
             ", kernel=", shape_str(p.kernel), " needs ", shape_str(want_w));
  }
  if (bias)
    GL_CHECK(bias->shape() == Shape{F}, op, ": bias must have shape (num_filter,) = (", F,
             ",), got ", shape_str(bias->shape()));

  ConvGeometry g;
  g.batch = x.size(0);
  g.groups = groups;
  g.in_channels = transposed ? F : C;
  g.out_channels = transposed ? C : F;
  *out_shape = {x.size(0), F};
  const int off = 3 - static_cast<int>(nsp);
  for (size_t i = 0; i < nsp; ++i) {
    const int64_t n = x.size(static_cast<int>(i) + 2);
    const int64_t extent = geometry_mul_add(dilate[i], p.kernel[i] - 1, 1, op, "dilate", dilate);
    const int64_t two_pad = geometry_mul_add(pad[i], 2, 0, op, "pad", pad);
    int64_t in, out;
    if (!transposed) {
      const int64_t padded = geometry_mul_add(1, two_pad, n, op, "pad", pad);
      // The kernels step output positions by the stride across the padded input.
      geometry_mul_add(1, padded, stride[i], op, "stride", stride);
      GL_CHECK(extent <= padded, op, ": the kernel (size ", p.kernel[i],
               dilate[i] > 1 ? ", dilated to " + std::to_string(extent) : std::string(),
               ") is larger than the padded input (size ", padded, " = ", n, " + 2*", pad[i],
               ") along spatial axis ", i, "; input shape ", shape_str(x.shape()),
               ", kernel=", shape_str(p.kernel), ", pad=", shape_str(pad),
               ", dilate=", shape_str(dilate));
      in = n;
      out = (padded - extent) / stride[i] + 1;
    } else {
      GL_CHECK(adj[i] < std::max(stride[i], dilate[i]), op, ": adj (output_padding) ",
               shape_str(adj), " must be smaller than stride ", shape_str(stride), " or dilate ",
               shape_str(dilate));
      out = n;
      const int64_t full =
          geometry_mul_add(stride[i], n - 1, geometry_mul_add(1, extent, adj[i], op, "adj", adj),
                           op, "stride", stride);
      geometry_mul_add(1, full, stride[i], op, "stride", stride);
      in = full - two_pad;
      GL_CHECK(in >= 1, op, ": pad ", shape_str(pad), " is too large for input shape ",
               shape_str(x.shape()), " with kernel=", shape_str(p.kernel),
               " and stride=", shape_str(stride), ": the output would be empty");
    }
    out_shape->push_back(transposed ? in : out);
    g.in[off + i] = in;
    g.out[off + i] = out;
    g.kernel[off + i] = p.kernel[i];
    g.stride[off + i] = stride[i];
    g.pad[off + i] = pad[i];
    g.dilate[off + i] = dilate[i];
  }
  return g;
}

}  // namespace

Tensor convolution(const Tensor& x, const Tensor& weight, const Tensor* bias, const ConvParams& p) {
  Shape out_shape;
  const ConvGeometry g = make_geometry("Convolution", x, weight, bias, p, false, {}, &out_shape);
  if (x.dtype() == DType::Float16 && x.device().is_cpu()) {
    // No float16 GEMM on the CPU: compute in float32 (the recorded casts carry gradients).
    Tensor b32 = bias ? astype(*bias, DType::Float32) : Tensor();
    return astype(convolution(astype(x, DType::Float32), astype(weight, DType::Float32),
                              bias ? &b32 : nullptr, p),
                  DType::Float16);
  }
  Tensor xc = contiguous(detach(x)), wc = contiguous(detach(weight));
  Tensor bc = bias ? contiguous(detach(*bias)) : Tensor();
  Tensor y = Tensor::empty(out_shape, x.dtype(), x.device());
  Tensor b = bias ? *bias : Tensor();
  const bool record = should_record({&x, &weight, &b});
  const bool need_w = record && weight.requires_grad();
  // stride-1 3x3 convolutions with enough channels: Winograd F(2x2, 3x3), all three passes
  const bool tiled = winograd::applies(g, xc);
  KeptColumns kept;
  if (y.numel() > 0) {
    RecordingGuard off(false);
    if (tiled)
      winograd::forward(xc, wc, bias ? &bc : nullptr, y, g);
    else
      conv_forward_pass(xc, wc, bias ? &bc : nullptr, y, g,
                        need_w && worth_keeping_columns(g, xc) ? &kept : nullptr);
  }
  if (record) {
    const bool need_x = x.requires_grad();
    const bool need_b = b.defined() && b.requires_grad(), has_bias = b.defined();
    std::vector<Tensor> inputs{x, weight};
    if (has_bias) inputs.push_back(b);
    record_op("Convolution", inputs, {&y},
              [xc, wc, g, kept, tiled, need_x, need_w, need_b,
               has_bias](const GradList& grads) -> GradList {
                RecordingGuard off(false);  // first-order only, as in MXNet
                Tensor dy = contiguous(detach(grads[0]));
                Tensor dx = need_x ? Tensor::empty(xc.shape(), xc.dtype(), xc.device()) : Tensor();
                Tensor dw = need_w ? Tensor::empty(wc.shape(), wc.dtype(), wc.device()) : Tensor();
                if (tiled)
                  winograd::backward(xc, wc, dy, need_x ? &dx : nullptr, need_w ? &dw : nullptr, g);
                else
                  conv_backward_pass(&xc, wc, dy, need_x ? &dx : nullptr, need_w ? &dw : nullptr, g,
                                     &kept);
                if (!has_bias) return {dx, dw};
                return {dx, dw, need_b ? bias_grad(dy, g.batch, g.out_channels) : Tensor()};
              });
  }
  return y;
}

Tensor deconvolution(const Tensor& x, const Tensor& weight, const Tensor* bias, const ConvParams& p,
                     const Shape& adj) {
  Shape out_shape;
  const ConvGeometry g = make_geometry("Deconvolution", x, weight, bias, p, true, adj, &out_shape);
  if (x.dtype() == DType::Float16 && x.device().is_cpu()) {
    Tensor b32 = bias ? astype(*bias, DType::Float32) : Tensor();
    return astype(deconvolution(astype(x, DType::Float32), astype(weight, DType::Float32),
                                bias ? &b32 : nullptr, p, adj),
                  DType::Float16);
  }
  Tensor xc = contiguous(detach(x)), wc = contiguous(detach(weight));
  Tensor y = Tensor::empty(out_shape, x.dtype(), x.device());
  if (y.numel() > 0) {
    RecordingGuard off(false);
    conv_backward_pass(nullptr, wc, xc, &y, nullptr, g);  // y = conv's data gradient at x
    if (bias) {
      const int64_t F = out_shape[1], L = y.numel() / (out_shape[0] * F);
      binary_(BinaryOp::Add, Tensor::view(y, {out_shape[0], F, L}, {F * L, L, 1}, y.offset()),
              Tensor::view(*bias, {1, F, 1}, {0, bias->strides()[0], 0}, bias->offset()));
    }
  }
  Tensor b = bias ? *bias : Tensor();
  if (should_record({&x, &weight, &b})) {
    const bool need_x = x.requires_grad(), need_w = weight.requires_grad();
    const bool need_b = b.defined() && b.requires_grad(), has_bias = b.defined();
    std::vector<Tensor> inputs{x, weight};
    if (has_bias) inputs.push_back(b);
    record_op("Deconvolution", inputs, {&y},
              [xc, wc, g, need_x, need_w, need_b, has_bias](const GradList& grads) -> GradList {
                RecordingGuard off(false);
                Tensor dy = contiguous(detach(grads[0]));
                Tensor dx, dw;
                if (need_x) {  // the deconvolution's data gradient is the forward convolution
                  dx = Tensor::empty(xc.shape(), xc.dtype(), xc.device());
                  if (dx.numel() > 0) conv_forward_pass(dy, wc, nullptr, dx, g);
                }
                if (need_w) {
                  dw = Tensor::empty(wc.shape(), wc.dtype(), wc.device());
                  conv_backward_pass(&dy, wc, xc, nullptr, &dw, g);
                }
                if (!has_bias) return {dx, dw};
                return {dx, dw, need_b ? bias_grad(dy, g.batch, g.in_channels) : Tensor()};
              });
  }
  return y;
}

}  // namespace gl::ops
