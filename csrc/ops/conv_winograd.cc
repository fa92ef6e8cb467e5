// Winograd F(2x2, 3x3) (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks",
// 2016) for stride-1 3x3 convolutions on the CPU.
//
// Each 2x2 block of outputs ("tile") is computed from the 4x4 block of input under it:
//     y_tile = A^T [ sum_c (G g_fc G^T) . (B^T d_ct B) ] A
// with . the element-wise product of 4x4 matrices. Laid out as 16 matrices, one per
// element xi of the 4x4 transform domain, the sum over c is a GEMM:
//     M[xi] (F x T) = U[xi] (F x C) * V[xi] (C x T),
// 16 multiply-adds per (f, c, tile) where im2col + GEMM spends 36. The data gradient is
// the same pass over dy with the kernel rotated and its channel axes swapped (padding
// 2 - pad); the weight gradient is its adjoint: dU[xi] = dM[xi] * V[xi]^T, then
// dw = G^T dU G, where dM = A dy_tile A^T.
//
// Tiles are processed in chunks (a few hundred, so that V and M stay in cache), spread over
// the thread pool's workers, each running its 16 GEMMs on one BLAS thread.
#include "conv_winograd.h"

#include <algorithm>
#include <vector>

#include "../core/parallel.h"
#include "ops.h"

namespace gl::ops::winograd {

namespace {

constexpr int kXi = 16;                               // 4x4 transform domain
constexpr int64_t kChunkElements = int64_t(1) << 18;  // of V (or M) per chunk
constexpr int64_t kMinChannels = 16;                  // below: the transforms dominate
constexpr int64_t kMinTiles = 128;                    // 2x2 output blocks; fewer: im2col
constexpr int64_t kMinWork = int64_t(1) << 20;        // tiles * C * F; below: im2col wins
constexpr int64_t kParallelMacs = int64_t(1) << 21;   // below: one thread

// One pass of the tiled convolution: `in` (N, Cin, H, W) padded by (ph, pw) to an output
// (N, Cout, Ho, Wo) of 2x2 tiles.
struct Grid {
  int64_t N, Cin, Cout, H, W, Ho, Wo, ph, pw;
  int64_t th() const { return (Ho + 1) / 2; }
  int64_t tw() const { return (Wo + 1) / 2; }
  int64_t tiles() const { return N * th() * tw(); }
};

// The tiles of [t0, t0 + tc) as runs along a tile row: run tiles j0 .. j0 + count - 1 of
// the chunk read the input block at rows iy .. iy + 3 and columns ix0 + 2 (j - j0) ..
// + 3 (iy, ix0 may be negative: padding) of sample n, and write output rows iy + ph
// (+1), columns ix0 + pw + 2 (j - j0) (+1).
struct Run {
  int64_t n, iy, ix0, j0, count;
};

std::vector<Run> tile_runs(const Grid& g, int64_t t0, int64_t tc) {
  std::vector<Run> runs;
  const int64_t per_sample = g.th() * g.tw(), tw = g.tw();
  for (int64_t j = 0; j < tc;) {
    const int64_t t = t0 + j, r = t % per_sample, tx = r % tw;
    const int64_t count = std::min(tw - tx, tc - j);
    runs.push_back(Run{t / per_sample, (r / tw) * 2 - g.ph, tx * 2 - g.pw, j, count});
    j += count;
  }
  return runs;
}

// Tiles [lo, hi) of a run whose 4 input columns all lie inside [0, W).
void inner_span(const Run& run, int64_t W, int64_t* lo, int64_t* hi) {
  *lo = run.ix0 >= 0 ? 0 : (-run.ix0 + 1) / 2;
  const int64_t last = W - 4 - run.ix0;  // ix0 + 2 k + 4 <= W  <=>  k <= last / 2
  *hi = last < 0 ? 0 : std::min(run.count, last / 2 + 1);
  if (*lo > *hi) *lo = *hi;
}

// U[(xi * rows + row) * cols + col] = (G k G^T)[xi] for the kernel k of w[f, c]
// (F, C, 3, 3); with `flip`, k is w[f, c] rotated by 180 degrees and (row, col) = (c, f).
template <typename T>
void transform_weights(const T* w, int64_t F, int64_t C, bool flip, T* U) {
  const int64_t rows = flip ? C : F, cols = flip ? F : C;
  const T h = T(0.5);
  for (int64_t f = 0; f < F; ++f)
    for (int64_t c = 0; c < C; ++c) {
      const T* src = w + (f * C + c) * 9;
      T k[9];
      for (int i = 0; i < 9; ++i) k[i] = flip ? src[8 - i] : src[i];
      T t[4][3];
      for (int j = 0; j < 3; ++j) {
        t[0][j] = k[j];
        t[1][j] = (k[j] + k[3 + j] + k[6 + j]) * h;
        t[2][j] = (k[j] - k[3 + j] + k[6 + j]) * h;
        t[3][j] = k[6 + j];
      }
      const int64_t row = flip ? c : f, col = flip ? f : c;
      for (int i = 0; i < 4; ++i) {
        const T u[4] = {t[i][0], (t[i][0] + t[i][1] + t[i][2]) * h,
                        (t[i][0] - t[i][1] + t[i][2]) * h, t[i][2]};
        for (int j = 0; j < 4; ++j) U[((i * 4 + j) * rows + row) * cols + col] = u[j];
      }
    }
}

// dw[f, c] = G^T dU[., f, c] G for dU laid out (16, F, C).
template <typename T>
void weights_from_transform(const T* dU, int64_t F, int64_t C, T* dw) {
  const T h = T(0.5);
  const int64_t plane = F * C;
  for (int64_t f = 0; f < F; ++f)
    for (int64_t c = 0; c < C; ++c) {
      T u[4][4];
      for (int xi = 0; xi < kXi; ++xi) u[xi / 4][xi % 4] = dU[xi * plane + f * C + c];
      T a[3][4];
      for (int k = 0; k < 4; ++k) {
        a[0][k] = u[0][k] + (u[1][k] + u[2][k]) * h;
        a[1][k] = (u[1][k] - u[2][k]) * h;
        a[2][k] = (u[1][k] + u[2][k]) * h + u[3][k];
      }
      T* dst = dw + (f * C + c) * 9;
      for (int i = 0; i < 3; ++i) {
        dst[i * 3] = a[i][0] + (a[i][1] + a[i][2]) * h;
        dst[i * 3 + 1] = (a[i][1] - a[i][2]) * h;
        dst[i * 3 + 2] = (a[i][1] + a[i][2]) * h + a[i][3];
      }
    }
}

// The tiles of one run that lie wholly inside the input: `count` tiles whose blocks start
// at src (row stride W) and step 2 columns; dst[xi * step + k] = tile k's value xi. Two
// passes of plain loops the compiler vectorizes: B^T down the columns over the run's whole
// width (contiguous), then B along each of the four rows (even/odd columns).
template <typename T>
void inner_tiles(const T* src, int64_t W, int64_t count, int64_t step, T* dst,
                 std::vector<T>& rows) {
  const int64_t width = 2 * count + 2;
  rows.resize(static_cast<size_t>(4 * width));
  T* e0 = rows.data();
  T* e1 = e0 + width;
  T* e2 = e1 + width;
  T* e3 = e2 + width;
  const T* r0 = src;
  const T* r1 = r0 + W;
  const T* r2 = r1 + W;
  const T* r3 = r2 + W;
#pragma omp simd
  for (int64_t x = 0; x < width; ++x) {
    e0[x] = r0[x] - r2[x];
    e1[x] = r1[x] + r2[x];
    e2[x] = r2[x] - r1[x];
    e3[x] = r1[x] - r3[x];
  }
  const T* e[4] = {e0, e1, e2, e3};
  for (int r = 0; r < 4; ++r) {
    const T* E = e[r];
    T* v0 = dst + (r * 4 + 0) * step;
    T* v1 = dst + (r * 4 + 1) * step;
    T* v2 = dst + (r * 4 + 2) * step;
    T* v3 = dst + (r * 4 + 3) * step;
#pragma omp simd
    for (int64_t m = 0; m < count; ++m) {
      const T a = E[2 * m], b = E[2 * m + 1], c = E[2 * m + 2], d = E[2 * m + 3];
      v0[m] = a - c;
      v1[m] = b + c;
      v2[m] = c - b;
      v3[m] = b - d;
    }
  }
}

// V[(xi * Cin + c) * tc + j] = (B^T d B)[xi], d the 4x4 input block of tile j in channel c
// (zero outside the input): run by run through inner_tiles, an edge run through a
// zero-padded copy of its four rows.
template <typename T>
void transform_input(const T* in, const Grid& g, const std::vector<Run>& runs, int64_t tc, T* V) {
  const int64_t H = g.H, W = g.W, plane = H * W, step = g.Cin * tc;
  std::vector<T> rows, padded;  // inner_tiles' scratch; a run's four input rows, zero-padded
  for (int64_t c = 0; c < g.Cin; ++c)
    for (const Run& run : runs) {
      const T* src = in + (run.n * g.Cin + c) * plane;
      T* dst = V + c * tc + run.j0;
      int64_t lo = 0, hi = 0;
      if (run.iy >= 0 && run.iy + 4 <= H) inner_span(run, W, &lo, &hi);
      if (lo == 0 && hi == run.count) {  // the whole run reads inside the input
        inner_tiles(src + run.iy * W + run.ix0, W, run.count, step, dst, rows);
        continue;
      }
      // an edge run: its rows copied with the padding's zeros, then the same passes
      const int64_t width = 2 * run.count + 2;
      padded.assign(static_cast<size_t>(4 * width), T(0));
      for (int r = 0; r < 4; ++r) {
        const int64_t y = run.iy + r;
        if (y < 0 || y >= H) continue;
        const int64_t x0 = std::max<int64_t>(0, -run.ix0);
        const int64_t x1 = std::min<int64_t>(width, W - run.ix0);
        if (x1 > x0)
          std::copy(src + y * W + run.ix0 + x0, src + y * W + run.ix0 + x1,
                    padded.data() + r * width + x0);
      }
      inner_tiles(padded.data(), width, run.count, step, dst, rows);
    }
}

// out[n, f, 2 ty + a, 2 tx + b] = (A^T m A)[a, b] (+ bias[f]) for the in-range outputs of
// each tile, m the 4x4 block M[., f, j]. Full tiles go through a vectorized loop.
template <typename T>
void transform_output(const T* M, const Grid& g, const std::vector<Run>& runs, int64_t tc,
                      const T* bias, T* out) {
  const int64_t Ho = g.Ho, Wo = g.Wo, plane = Ho * Wo, step = g.Cout * tc;
  for (int64_t f = 0; f < g.Cout; ++f) {
    const T b = bias ? bias[f] : T(0);
    for (const Run& run : runs) {
      const T* src = M + f * tc + run.j0;
      const int64_t oy = run.iy + g.ph, ox0 = run.ix0 + g.pw;
      T* dst = out + (run.n * g.Cout + f) * plane + oy * Wo + ox0;
      // tiles [0, full) have both output rows and columns in range
      const int64_t full = oy + 2 <= Ho ? std::min(run.count, (Wo - ox0) / 2) : 0;
      T* d0 = dst;
      T* d1 = dst + Wo;
#pragma omp simd
      for (int64_t k = 0; k < full; ++k) {
        T s0[4], s1[4];
        for (int q = 0; q < 4; ++q) {
          s0[q] = src[(0 + q) * step + k] + src[(4 + q) * step + k] + src[(8 + q) * step + k];
          s1[q] = src[(4 + q) * step + k] - src[(8 + q) * step + k] - src[(12 + q) * step + k];
        }
        d0[2 * k] = s0[0] + s0[1] + s0[2] + b;
        d0[2 * k + 1] = s0[1] - s0[2] - s0[3] + b;
        d1[2 * k] = s1[0] + s1[1] + s1[2] + b;
        d1[2 * k + 1] = s1[1] - s1[2] - s1[3] + b;
      }
      for (int64_t k = full; k < run.count; ++k) {
        T s0[4], s1[4];
        for (int q = 0; q < 4; ++q) {
          s0[q] = src[(0 + q) * step + k] + src[(4 + q) * step + k] + src[(8 + q) * step + k];
          s1[q] = src[(4 + q) * step + k] - src[(8 + q) * step + k] - src[(12 + q) * step + k];
        }
        const T y[2][2] = {{s0[0] + s0[1] + s0[2] + b, s0[1] - s0[2] - s0[3] + b},
                           {s1[0] + s1[1] + s1[2] + b, s1[1] - s1[2] - s1[3] + b}};
        for (int a = 0; a < 2 && oy + a < Ho; ++a)
          for (int q = 0; q < 2 && ox0 + 2 * k + q < Wo; ++q) dst[a * Wo + 2 * k + q] = y[a][q];
      }
    }
  }
}

// dM[(xi * Cout + f) * tc + j] = (A dy_tile A^T)[xi], dy_tile the tile's 2x2 block of the
// output gradient (zero past the output's edge).
template <typename T>
void transform_output_grad(const T* dy, const Grid& g, const std::vector<Run>& runs, int64_t tc,
                           T* dM) {
  const int64_t Ho = g.Ho, Wo = g.Wo, plane = Ho * Wo, step = g.Cout * tc;
  for (int64_t f = 0; f < g.Cout; ++f)
    for (const Run& run : runs) {
      const int64_t oy = run.iy + g.ph, ox0 = run.ix0 + g.pw;
      const T* src = dy + (run.n * g.Cout + f) * plane + oy * Wo + ox0;
      T* dst = dM + f * tc + run.j0;
      const int64_t full = oy + 2 <= Ho ? std::min(run.count, (Wo - ox0) / 2) : 0;
      const T* y0 = src;
      const T* y1 = src + Wo;
#pragma omp simd
      for (int64_t k = 0; k < full; ++k) {
        const T r[4][2] = {{y0[2 * k], y0[2 * k + 1]},
                           {y0[2 * k] + y1[2 * k], y0[2 * k + 1] + y1[2 * k + 1]},
                           {y0[2 * k] - y1[2 * k], y0[2 * k + 1] - y1[2 * k + 1]},
                           {-y1[2 * k], -y1[2 * k + 1]}};
        for (int i = 0; i < 4; ++i) {
          dst[(i * 4 + 0) * step + k] = r[i][0];
          dst[(i * 4 + 1) * step + k] = r[i][0] + r[i][1];
          dst[(i * 4 + 2) * step + k] = r[i][0] - r[i][1];
          dst[(i * 4 + 3) * step + k] = -r[i][1];
        }
      }
      for (int64_t k = full; k < run.count; ++k) {
        T y[2][2];
        for (int a = 0; a < 2; ++a)
          for (int q = 0; q < 2; ++q)
            y[a][q] = (oy + a < Ho && ox0 + 2 * k + q < Wo) ? src[a * Wo + 2 * k + q] : T(0);
        const T r[4][2] = {{y[0][0], y[0][1]},
                           {y[0][0] + y[1][0], y[0][1] + y[1][1]},
                           {y[0][0] - y[1][0], y[0][1] - y[1][1]},
                           {-y[1][0], -y[1][1]}};
        for (int i = 0; i < 4; ++i) {
          dst[(i * 4 + 0) * step + k] = r[i][0];
          dst[(i * 4 + 1) * step + k] = r[i][0] + r[i][1];
          dst[(i * 4 + 2) * step + k] = r[i][0] - r[i][1];
          dst[(i * 4 + 3) * step + k] = -r[i][1];
        }
      }
    }
}

// Tiles per chunk, and how many workers share the chunks.
struct Chunking {
  int64_t tiles_per_chunk = 1, chunks = 1;
  int workers = 1;
};

Chunking chunking(const Grid& g) {
  Chunking k;
  const int64_t tiles = std::max<int64_t>(g.tiles(), 1);
  const int64_t channels = std::max<int64_t>({g.Cin, g.Cout, 1});
  k.tiles_per_chunk = std::min(tiles, std::max<int64_t>(16, kChunkElements / (kXi * channels)));
  k.chunks = (tiles + k.tiles_per_chunk - 1) / k.tiles_per_chunk;
  const int threads = cpu_threads();
  if (threads > 1 && tiles >= 32 && tiles * kXi * g.Cin * g.Cout >= kParallelMacs) {
    k.workers = static_cast<int>(std::min<int64_t>(threads, tiles / 16));
    // at least one chunk per worker, and a multiple of the workers: even shares
    k.chunks = (std::max<int64_t>(k.chunks, k.workers) + k.workers - 1) / k.workers * k.workers;
    k.tiles_per_chunk = (tiles + k.chunks - 1) / k.chunks;
    k.chunks = (tiles + k.tiles_per_chunk - 1) / k.tiles_per_chunk;
  }
  return k;
}

// Runs fn(t0, tc, worker) for every chunk of tiles, worker w taking chunks w, w + workers...
template <typename Fn>
void for_each_chunk(const Grid& g, const Chunking& k, Fn fn) {
  SerialBlasScope one_blas_thread;  // the chunks are the parallelism
  const int64_t tiles = g.tiles();
  parallel_tasks(k.workers, [&](int w) {
    for (int64_t c = w; c < k.chunks; c += k.workers) {
      const int64_t t0 = c * k.tiles_per_chunk;
      if (t0 < tiles) fn(t0, std::min(k.tiles_per_chunk, tiles - t0), w);
    }
  });
}

// out = the tiled convolution of `in` with the transformed kernel U (16, Cout, Cin).
template <typename T>
void conv_pass(const Tensor& in, const Tensor& U, const T* bias, const Tensor& out, const Grid& g) {
  const Chunking k = chunking(g);
  const int64_t cap = k.tiles_per_chunk;
  std::vector<Tensor> Vs(static_cast<size_t>(k.workers)), Ms(static_cast<size_t>(k.workers));
  for (int w = 0; w < k.workers; ++w) {
    Vs[w] = Tensor::empty({kXi * g.Cin * cap}, in.dtype(), in.device());
    Ms[w] = Tensor::empty({kXi * g.Cout * cap}, in.dtype(), in.device());
  }
  const T* src = in.data<T>();
  T* dst = out.data<T>();
  for_each_chunk(g, k, [&](int64_t t0, int64_t tc, int w) {
    const Tensor& V = Vs[w];
    const Tensor& M = Ms[w];
    const std::vector<Run> spots = tile_runs(g, t0, tc);
    transform_input(src, g, spots, tc, V.data<T>());
    for (int xi = 0; xi < kXi; ++xi)
      gemm(matrix_at(U, g.Cout, g.Cin, xi * g.Cout * g.Cin),
           matrix_at(V, g.Cin, tc, xi * g.Cin * tc), matrix_at(M, g.Cout, tc, xi * g.Cout * tc),
           false, false, 1.0, 0.0);
    transform_output(M.data<T>(), g, spots, tc, bias, dst);
  });
}

template <typename T>
void forward_typed(const Tensor& x, const Tensor& w, const Tensor* bias, const Tensor& y,
                   const ConvGeometry& cg) {
  const int64_t F = cg.out_channels, C = cg.in_channels;
  Tensor U = Tensor::empty({kXi * F * C}, x.dtype(), x.device());
  transform_weights(w.data<T>(), F, C, false, U.data<T>());
  const Grid g{cg.batch, C, F, cg.in[1], cg.in[2], cg.out[1], cg.out[2], cg.pad[1], cg.pad[2]};
  conv_pass<T>(x, U, bias ? bias->data<T>() : nullptr, y, g);
}

template <typename T>
void backward_typed(const Tensor& x, const Tensor& w, const Tensor& dy, const Tensor* dx,
                    const Tensor* dw, const ConvGeometry& cg) {
  const int64_t F = cg.out_channels, C = cg.in_channels;
  if (dx) {  // a convolution of dy (padded by 2 - pad) with the rotated, transposed kernel
    Tensor U = Tensor::empty({kXi * C * F}, x.dtype(), x.device());
    transform_weights(w.data<T>(), F, C, true, U.data<T>());
    const Grid g{cg.batch,     F, C, cg.out[1], cg.out[2], cg.in[1], cg.in[2], 2 - cg.pad[1],
                 2 - cg.pad[2]};
    conv_pass<T>(dy, U, nullptr, *dx, g);
  }
  if (!dw) return;
  const Grid g{cg.batch, C, F, cg.in[1], cg.in[2], cg.out[1], cg.out[2], cg.pad[1], cg.pad[2]};
  const Chunking k = chunking(g);
  const int64_t cap = k.tiles_per_chunk;
  std::vector<Tensor> Vs(static_cast<size_t>(k.workers)), dMs(static_cast<size_t>(k.workers)),
      dUs(static_cast<size_t>(k.workers));
  std::vector<char> started(static_cast<size_t>(k.workers), 0);
  for (int wk = 0; wk < k.workers; ++wk) {
    Vs[wk] = Tensor::empty({kXi * C * cap}, x.dtype(), x.device());
    dMs[wk] = Tensor::empty({kXi * F * cap}, x.dtype(), x.device());
    dUs[wk] = Tensor::empty({kXi * F * C}, x.dtype(), x.device());
  }
  const T* xs = x.data<T>();
  const T* dys = dy.data<T>();
  for_each_chunk(g, k, [&](int64_t t0, int64_t tc, int wk) {
    const std::vector<Run> spots = tile_runs(g, t0, tc);
    transform_input(xs, g, spots, tc, Vs[wk].data<T>());
    transform_output_grad(dys, g, spots, tc, dMs[wk].data<T>());
    const double beta = started[wk] ? 1.0 : 0.0;  // a worker's first chunk overwrites
    started[wk] = 1;
    for (int xi = 0; xi < kXi; ++xi)
      gemm(matrix_at(dMs[wk], F, tc, xi * F * tc), matrix_at(Vs[wk], C, tc, xi * C * tc),
           matrix_at(dUs[wk], F, C, xi * F * C), false, true, 1.0, beta);
  });
  T* total = dUs[0].data<T>();
  if (!started[0]) std::fill(total, total + kXi * F * C, T(0));
  for (int wk = 1; wk < k.workers; ++wk) {
    if (!started[wk]) continue;
    const T* part = dUs[wk].data<T>();
    for (int64_t i = 0; i < kXi * F * C; ++i) total[i] += part[i];
  }
  weights_from_transform(total, F, C, dw->data<T>());
}

}  // namespace

bool applies(const ConvGeometry& g, const Tensor& x) {
  if (!x.device().is_cpu() || (x.dtype() != DType::Float32 && x.dtype() != DType::Float64))
    return false;
  const bool two_d_3x3 = g.in[0] == 1 && g.kernel[0] == 1 && g.kernel[1] == 3 && g.kernel[2] == 3 &&
                         g.stride[1] == 1 && g.stride[2] == 1 && g.dilate[1] == 1 &&
                         g.dilate[2] == 1 && g.pad[0] == 0;
  const int64_t tiles = g.batch * ((g.out[1] + 1) / 2) * ((g.out[2] + 1) / 2);
  return two_d_3x3 && g.groups == 1 && g.pad[1] <= 2 && g.pad[2] <= 2 && g.out[1] >= 2 &&
         g.out[2] >= 2 && g.in_channels >= kMinChannels && g.out_channels >= kMinChannels &&
         tiles >= kMinTiles && tiles * g.in_channels * g.out_channels >= kMinWork;
}

void forward(const Tensor& x, const Tensor& w, const Tensor* bias, const Tensor& y,
             const ConvGeometry& g) {
  if (x.dtype() == DType::Float32)
    forward_typed<float>(x, w, bias, y, g);
  else
    forward_typed<double>(x, w, bias, y, g);
}

void backward(const Tensor& x, const Tensor& w, const Tensor& dy, const Tensor* dx,
              const Tensor* dw, const ConvGeometry& g) {
  if (x.dtype() == DType::Float32)
    backward_typed<float>(x, w, dy, dx, dw, g);
  else
    backward_typed<double>(x, w, dy, dx, dw, g);
}

}  // namespace gl::ops::winograd
