// The per-element gate maths of the fused recurrent op (rnn.cc), shared by its CPU loop and
// its CUDA kernels (rnn.cu) so both compute the same thing. One call handles hidden unit j
// of batch row n at one time step. Gates are stacked in MXNet's order:
//   lstm: i, f, g (the cell candidate), o      gru: r (reset), z (update), n (new)
// xw and hw are the input and hidden projections without bias, (N, G*H) each; the biases
// are added here. `saved` (N, kSaved*H) keeps what the backward needs.
#pragma once
#include <cmath>
#include <cstdint>

#include "../core/dtype.h"

namespace gl::ops {

enum class RnnMode { Tanh = 0, Relu = 1, Lstm = 2, Gru = 3 };

GL_HD int rnn_gate_count(RnnMode m) { return m == RnnMode::Lstm ? 4 : m == RnnMode::Gru ? 3 : 1; }
// Values saved per step and unit: lstm i, f, g, o; gru r, z, n and the hidden part of n
// (W_hn h + b_hn); plain RNNs recompute from their output.
GL_HD int rnn_saved_count(RnnMode m) { return m == RnnMode::Lstm || m == RnnMode::Gru ? 4 : 0; }

template <typename A>
GL_HD A rnn_sigmoid(A v) {
  return A(1) / (A(1) + ::exp(-v));
}

// Per-row sequence lengths (use_sequence_length): row n takes part in step t when
// t < lengths[n]; a row past its length carries its state unchanged (see rnn.cc).
struct RnnRows {
  const int64_t* lengths;  // (N,) or null: every row is active at every step
  int64_t t;
  GL_HD bool active(int64_t n) const { return lengths == nullptr || t < lengths[n]; }
};

// LSTM cell-state clipping (MXNet's lstm_state_clip_min/max/nan): c_t is clipped to
// [lo, hi] before h_t is computed from it; with clip_nan a NaN becomes lo (else it stays).
struct RnnClip {
  bool on;
  double lo, hi;
  bool nan_to_bound;
  template <typename A>
  GL_HD A apply(A c) const {
    if (!on) return c;
    if (c != c) return nan_to_bound ? A(lo) : c;
    return c < A(lo) ? A(lo) : (c > A(hi) ? A(hi) : c);
  }
  // whether the gradient passes: c was inside the range (a clipped c sits on a bound)
  template <typename A>
  GL_HD bool passes(A c) const {
    return !on || (c > A(lo) && c < A(hi));
  }
};

// dst = a (+ b) on the rows that are past their length at step t; rows of `width` values.
// Carries the hidden state (forward) and its gradient (backward) through padded steps.
template <typename T>
struct RnnCarry {
  RnnRows rows;
  int64_t width;
  const T* a;
  const T* b;  // or null
  T* dst;
  GL_HD void operator()(int64_t idx) const {
    const int64_t n = idx / width;
    if (rows.active(n)) return;
    dst[idx] = b ? T(acc_t<T>(a[idx]) + acc_t<T>(b[idx])) : a[idx];
  }
};

template <typename T>
struct RnnStep {
  RnnMode mode;
  int64_t hidden;   // H
  const T* xw;      // (N, G*H)
  const T* hw;      // (N, G*H)
  const T* bias_i;  // (G*H,)
  const T* bias_h;  // (G*H,)
  const T* h_prev;  // (N, H)
  const T* c_prev;  // (N, H), lstm only
  T* h;             // (N, H)
  T* c;             // (N, H), lstm only
  T* saved;         // (N, kSaved*H)
  RnnRows rows;
  RnnClip clip;
  bool carry_h;  // a row past its length copies h_prev into h (false: writes 0, the
                 // projected LSTM carries its state after the projection instead)

  GL_HD void operator()(int64_t idx) const {
    using A = acc_t<T>;
    const int64_t H = hidden, n = idx / H, j = idx % H;
    const int64_t G = rnn_gate_count(mode);
    const T* x = xw + n * G * H;
    const T* r = hw + n * G * H;
    auto pre = [&](int64_t gate) {
      const int64_t k = gate * H + j;
      return A(x[k]) + A(bias_i[k]) + A(r[k]) + A(bias_h[k]);
    };
    const int64_t out = n * H + j;
    if (!rows.active(n)) {
      h[out] = carry_h ? h_prev[out] : T(0);
      if (mode == RnnMode::Lstm) c[out] = c_prev[out];
      return;
    }
    if (mode == RnnMode::Tanh) {
      h[out] = T(::tanh(pre(0)));
    } else if (mode == RnnMode::Relu) {
      const A v = pre(0);
      h[out] = T(v > A(0) ? v : A(0));
    } else if (mode == RnnMode::Lstm) {
      const A i = rnn_sigmoid(pre(0)), f = rnn_sigmoid(pre(1)), g = ::tanh(pre(2)),
              o = rnn_sigmoid(pre(3));
      const A cn = clip.apply(f * A(c_prev[out]) + i * g);
      c[out] = T(cn);
      h[out] = T(o * ::tanh(cn));
      T* s = saved + n * 4 * H;
      s[j] = T(i), s[H + j] = T(f), s[2 * H + j] = T(g), s[3 * H + j] = T(o);
    } else {
      const A rg = rnn_sigmoid(pre(0)), z = rnn_sigmoid(pre(1));
      const A hn = A(r[2 * H + j]) + A(bias_h[2 * H + j]);
      const A nn = ::tanh(A(x[2 * H + j]) + A(bias_i[2 * H + j]) + rg * hn);
      h[out] = T((A(1) - z) * nn + z * A(h_prev[out]));
      T* s = saved + n * 4 * H;
      s[j] = T(rg), s[H + j] = T(z), s[2 * H + j] = T(nn), s[3 * H + j] = T(hn);
    }
  }
};

// Backward of one step. dh is the gradient reaching h_t from later steps, dy the one from
// the output at this step (may be null). Writes the gradients of the pre-activations of the
// input projection (dxw) and of the hidden projection (dhw; differs from dxw only for gru,
// where the reset gate scales the hidden part of n), for gru the part of dh_{t-1} that does
// not go through W_h (dh_prev = z * dh), for lstm dc_{t-1} (dc holds dc_t on entry). With a
// projected LSTM, h is the unprojected r and dh its gradient.
template <typename T>
struct RnnStepGrad {
  RnnMode mode;
  int64_t hidden;
  const T* saved;
  const T* h;  // h_t (plain RNNs)
  const T* h_prev;
  const T* c_prev;
  const T* c;  // c_t
  const T* dh;
  const T* dy;  // or null
  const T* dc;  // dc_t or null (lstm)
  T* dxw;       // (N, G*H)
  T* dhw;       // (N, G*H)
  T* dh_prev;   // (N, H), gru only
  T* dc_prev;   // (N, H), lstm only
  RnnRows rows;
  RnnClip clip;

  GL_HD void operator()(int64_t idx) const {
    using A = acc_t<T>;
    const int64_t H = hidden, n = idx / H, j = idx % H;
    const int64_t G = rnn_gate_count(mode);
    const int64_t at = n * H + j;
    T* dx = dxw + n * G * H;
    T* dr = dhw + n * G * H;
    if (!rows.active(n)) {  // the state passed through: no gate gradients (dh: RnnCarry)
      for (int64_t gate = 0; gate < G; ++gate) dx[gate * H + j] = dr[gate * H + j] = T(0);
      if (mode == RnnMode::Lstm) dc_prev[at] = dc ? dc[at] : T(0);
      if (mode == RnnMode::Gru) dh_prev[at] = T(0);
      return;
    }
    A g_h = A(dh[at]);
    if (dy) g_h += A(dy[at]);
    if (mode == RnnMode::Tanh || mode == RnnMode::Relu) {
      const A y = A(h[at]);
      const A d = mode == RnnMode::Tanh ? g_h * (A(1) - y * y) : (y > A(0) ? g_h : A(0));
      dx[j] = T(d), dr[j] = T(d);
    } else if (mode == RnnMode::Lstm) {
      const T* s = saved + n * 4 * H;
      const A i = A(s[j]), f = A(s[H + j]), g = A(s[2 * H + j]), o = A(s[3 * H + j]);
      const A tc = ::tanh(A(c[at]));
      A g_c = g_h * o * (A(1) - tc * tc);
      if (dc) g_c += A(dc[at]);
      if (!clip.passes(A(c[at]))) g_c = A(0);  // a clipped cell state is a constant
      const A di = g_c * g * i * (A(1) - i);
      const A df = g_c * A(c_prev[at]) * f * (A(1) - f);
      const A dg = g_c * i * (A(1) - g * g);
      const A d_o = g_h * tc * o * (A(1) - o);
      dx[j] = dr[j] = T(di);
      dx[H + j] = dr[H + j] = T(df);
      dx[2 * H + j] = dr[2 * H + j] = T(dg);
      dx[3 * H + j] = dr[3 * H + j] = T(d_o);
      dc_prev[at] = T(g_c * f);
    } else {
      const T* s = saved + n * 4 * H;
      const A rg = A(s[j]), z = A(s[H + j]), nn = A(s[2 * H + j]), hn = A(s[3 * H + j]);
      const A dn = g_h * (A(1) - z) * (A(1) - nn * nn);
      const A dz = g_h * (A(h_prev[at]) - nn) * z * (A(1) - z);
      const A dr_gate = dn * hn * rg * (A(1) - rg);
      dx[j] = dr[j] = T(dr_gate);
      dx[H + j] = dr[H + j] = T(dz);
      dx[2 * H + j] = T(dn);
      dr[2 * H + j] = T(dn * rg);
      dh_prev[at] = T(g_h * z);
    }
  }
};

}  // namespace gl::ops
