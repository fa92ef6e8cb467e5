// The fused recurrent op behind gluon.rnn.RNN / LSTM / GRU: one layer in one direction
// (Python stacks layers and directions). Forward: one GEMM projects the inputs of all time
// steps, then per step one GEMM for the hidden projection and one elementwise gate pass
// (rnn.h), plus for a projected LSTM (LSTMP) one GEMM h = r W_hr^T. Backward is BPTT over
// the saved gates: per step one gate-gradient pass and one GEMM for dh_{t-1}; the input
// weight gradients are GEMMs over all steps. CUDA kernels: rnn.cu.
#include "rnn.h"

#include <utility>

#include "../autograd/autograd.h"
#include "../core/parallel.h"
#include "../cuda/runtime.h"
#include "cuda_kernels.h"
#include "ops.h"

namespace gl::ops {

namespace {

const char* mode_name(RnnMode m) {
  switch (m) {
    case RnnMode::Tanh: return "rnn_tanh";
    case RnnMode::Relu: return "rnn_relu";
    case RnnMode::Lstm: return "lstm";
    default: return "gru";
  }
}

// One gate pass (forward or backward) over the N*H units of a step, on the tensors' device.
template <typename F>
void run_step(const F& f, int64_t count, Device device) {
  if (device.is_gpu()) {
    GL_CUDA_LAUNCH("RNN", device, rnn_step_cuda(f, count));
    return;
  }
  parallel_for(count, kParallelGrain / 16, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) f(i);
  });
}

// Rows [t*N, (t+1)*N) of a contiguous (T, N, width) buffer, as an (N, width) matrix.
Tensor step_of(const Tensor& buf, int64_t t, int64_t n, int64_t width) {
  return Tensor::view(buf, {n, width}, {width, 1}, buf.offset() + t * n * width);
}

template <typename T>
const T* ptr(const Tensor& t) {
  return t.defined() ? t.data<T>() : nullptr;
}
template <typename T>
T* mut(const Tensor& t) {
  return t.defined() ? t.data<T>() : nullptr;
}

struct RnnDims {
  int64_t T, N, I, H, G;
  int64_t P;  // width of the hidden state: the projection size, or H
};

void check_param(const char* what, const Tensor& p, const Shape& expected, const Tensor& x,
                 RnnMode mode) {
  GL_CHECK(p.dtype() == x.dtype() && p.device() == x.device(), "RNN(", mode_name(mode), "): ", what,
           " (", dtype_name(p.dtype()), ", ", p.device().str(), ") must match the data (",
           dtype_name(x.dtype()), ", ", x.device().str(), ")");
  GL_CHECK(p.shape() == expected, "RNN(", mode_name(mode), "): ", what, " has shape ",
           shape_str(p.shape()), " but the data ", shape_str(x.shape()), " needs ",
           shape_str(expected));
}

// The saved forward of one layer/direction, read by its backward.
struct RnnSaved {
  RnnSaved(RnnMode mode, bool reverse, RnnDims d) : mode(mode), reverse(reverse), d(d) {}
  RnnMode mode;
  bool reverse;
  RnnDims d;
  Tensor x, h0, c0, wi, wh, y, cs, saved;  // contiguous, no history
  Tensor wr, rs;   // projection weight (P, H) and the unprojected h per step, or undefined
  Tensor lengths;  // int64 (N,) or undefined
  RnnClip clip{false, 0.0, 0.0, false};
  RnnRows rows(int64_t t) const { return RnnRows{ptr<int64_t>(lengths), t}; }
};

// Rows past their length at step t: dst = a (+ b) there (the carried state or gradient).
void carry_rows(const RnnRows& rows, const Tensor& a, const Tensor& b, const Tensor& dst, int64_t n,
                int64_t width) {
  if (rows.lengths == nullptr) return;
  GL_DISPATCH_FLOAT(dst.dtype(), "RNN", {
    RnnCarry<scalar_t> f{rows, width, a.data<scalar_t>(), ptr<scalar_t>(b), dst.data<scalar_t>()};
    run_step(f, n * width, dst.device());
  });
}

GradList rnn_backward(const RnnSaved& s, const GradList& g, bool need_x, bool need_h0,
                      bool need_c0) {
  const auto [T, N, I, H, G, P] = s.d;
  const int64_t GH = G * H, S = rnn_saved_count(s.mode);
  const bool lstm = s.mode == RnnMode::Lstm, gru = s.mode == RnnMode::Gru;
  const bool projected = s.wr.defined();
  const Device dev = s.x.device();
  const DType dt = s.x.dtype();
  Tensor dy = g[0].defined() ? contiguous(g[0]) : Tensor();
  Tensor dh = g[1].defined() ? clone(g[1]) : full({N, P}, 0.0, dt, dev);
  Tensor dc, dc_next;
  if (lstm) {
    dc = g.size() > 2 && g[2].defined() ? clone(g[2]) : full({N, H}, 0.0, dt, dev);
    dc_next = empty({N, H}, dt, dev);
  }
  Tensor dh_next = empty({N, P}, dt, dev);
  Tensor dxw = empty({T, N, GH}, dt, dev), dhw = empty({T, N, GH}, dt, dev);
  Tensor dwh = full({GH, P}, 0.0, dt, dev);
  Tensor dwr = projected ? full({P, H}, 0.0, dt, dev) : Tensor();
  Tensor dr = projected ? empty({N, H}, dt, dev) : Tensor();
  for (int64_t k = T - 1; k >= 0; --k) {
    const int64_t t = s.reverse ? T - 1 - k : k, tp = s.reverse ? t + 1 : t - 1;
    Tensor h_prev = k == 0 ? s.h0 : step_of(s.y, tp, N, P);
    Tensor c_prev = lstm ? (k == 0 ? s.c0 : step_of(s.cs, tp, N, H)) : Tensor();
    Tensor dhw_k = step_of(dhw, k, N, GH);
    Tensor dy_t = dy.defined() ? step_of(dy, t, N, P) : Tensor();
    const Tensor dy_state = dy_t;  // all of the output's gradient, for carried rows
    Tensor dh_cell = dh;           // the gradient reaching the gate outputs' h
    if (projected) {               // h = r W_hr^T: dr = dh W_hr, dW_hr += dh^T r
      Tensor dh_total = dy_t.defined() ? add(dh, dy_t) : dh;
      gemm(dh_total, s.wr, dr, false, false, 1.0, 0.0);
      gemm(dh_total, step_of(s.rs, t, N, H), dwr, true, false, 1.0, 1.0);
      dh_cell = dr;
      dy_t = Tensor();
    }
    GL_DISPATCH_FLOAT(dt, "RNN", {
      RnnStepGrad<scalar_t> f{s.mode,
                              H,
                              S ? step_of(s.saved, t, N, S * H).data<scalar_t>() : nullptr,
                              step_of(projected ? s.rs : s.y, t, N, H).data<scalar_t>(),
                              h_prev.data<scalar_t>(),
                              ptr<scalar_t>(c_prev),
                              lstm ? step_of(s.cs, t, N, H).data<scalar_t>() : nullptr,
                              dh_cell.data<scalar_t>(),
                              ptr<scalar_t>(dy_t),
                              ptr<scalar_t>(dc),
                              step_of(dxw, t, N, GH).data<scalar_t>(),
                              dhw_k.data<scalar_t>(),
                              dh_next.data<scalar_t>(),
                              mut<scalar_t>(dc_next),
                              s.rows(t),
                              s.clip};
      run_step(f, N * H, dev);
    });
    // dh_{t-1} = dhw W_h, plus for gru the z * dh the gate pass wrote
    gemm(dhw_k, s.wh, dh_next, false, false, 1.0, gru ? 1.0 : 0.0);
    gemm(dhw_k, h_prev, dwh, true, false, 1.0, 1.0);     // dW_h += dhw^T h_{t-1}
    carry_rows(s.rows(t), dh, dy_state, dh_next, N, P);  // padded rows: h_t was h_{t-1}
    std::swap(dh, dh_next);
    if (lstm) std::swap(dc, dc_next);
  }
  Tensor dxw2 = reshape_to(dxw, {T * N, GH}), dhw2 = reshape_to(dhw, {T * N, GH});
  Tensor dx;
  if (need_x) {
    dx = empty({T, N, I}, dt, dev);
    gemm(dxw2, s.wi, reshape_to(dx, {T * N, I}), false, false, 1.0, 0.0);
  }
  Tensor dwi = empty({GH, I}, dt, dev);
  gemm(dxw2, reshape_to(s.x, {T * N, I}), dwi, true, false, 1.0, 0.0);
  Tensor dbi = reduce(ReduceOp::Sum, dxw2, {0}, false, false);
  Tensor dbh = reduce(ReduceOp::Sum, dhw2, {0}, false, false);
  GradList out{dx, need_h0 ? dh : Tensor()};
  if (lstm) out.push_back(need_c0 ? dc : Tensor());
  for (Tensor* p : {&dwi, &dwh, &dbi, &dbh}) out.push_back(*p);
  if (projected) out.push_back(dwr);
  return out;
}

}  // namespace

std::vector<Tensor> rnn_layer(const Tensor& x, const Tensor& h0, const Tensor* c0, const Tensor& wi,
                              const Tensor& wh, const Tensor& bi, const Tensor& bh,
                              const Tensor* wr, RnnMode mode, bool reverse,
                              const RnnOptions& opts) {
  const char* mname = mode_name(mode);
  if (!is_floating(x.dtype())) throw_unsupported_dtype("RNN", x.dtype());
  GL_CHECK(x.ndim() == 3, "RNN(", mname,
           "): the data must be 3-D (sequence length, batch, "
           "input size), got shape ",
           shape_str(x.shape()));
  const bool lstm = mode == RnnMode::Lstm;
  GL_CHECK(lstm == (c0 != nullptr), "RNN(", mname,
           "): ", lstm ? "lstm needs an initial cell state" : "only lstm takes a cell state");
  GL_CHECK(wr == nullptr || lstm, "RNN(", mname, "): only lstm takes a projection (h2r_weight)");
  GL_CHECK(wr == nullptr || wr->ndim() == 2,
           "RNN(lstm): h2r_weight must be 2-D "
           "(projection size, hidden size), got shape ",
           shape_str(wr ? wr->shape() : Shape{}));
  const int64_t gates = rnn_gate_count(mode);
  // the hidden size: h2h_weight's rows / gates (its columns are the state width)
  const int64_t hidden = wh.ndim() == 2 ? wh.size(0) / gates : 0;
  RnnDims d{x.size(0), x.size(1), x.size(2), hidden, gates, wr ? wr->size(0) : hidden};
  const int64_t GH = d.G * d.H, S = rnn_saved_count(mode);
  check_param("h2h_weight", wh, {GH, d.P}, x, mode);
  if (wr) check_param("h2r_weight", *wr, {d.P, d.H}, x, mode);
  check_param("i2h_weight", wi, {GH, d.I}, x, mode);
  check_param("i2h_bias", bi, {GH}, x, mode);
  check_param("h2h_bias", bh, {GH}, x, mode);
  check_param("the initial hidden state", h0, {d.N, d.P}, x, mode);
  if (lstm) check_param("the initial cell state", *c0, {d.N, d.H}, x, mode);

  GL_CHECK(!opts.clip || lstm, "RNN(", mname, "): state clipping is only supported with lstm");
  GL_CHECK(!opts.clip || opts.clip_min <= opts.clip_max, "RNN(lstm): lstm_state_clip_min (",
           opts.clip_min, ") must not exceed lstm_state_clip_max (", opts.clip_max, ")");
  if (opts.lengths) {
    const Tensor& len = *opts.lengths;
    GL_CHECK(len.dtype() == DType::Int64 && len.ndim() == 1 && len.size(0) == d.N &&
                 len.device() == x.device(),
             "RNN(", mname, "): sequence lengths must be int64 of shape (", d.N, ",) on ",
             x.device().str(), ", got ", dtype_name(len.dtype()), " ", shape_str(len.shape()),
             " on ", len.device().str());
  }

  RnnSaved s{mode, reverse, d};
  if (opts.lengths) s.lengths = contiguous(*opts.lengths);
  s.clip = RnnClip{opts.clip, opts.clip_min, opts.clip_max, opts.clip_nan};
  s.x = contiguous(detach(x));
  s.h0 = contiguous(detach(h0));
  if (lstm) s.c0 = contiguous(detach(*c0));
  s.wi = contiguous(detach(wi));
  s.wh = contiguous(detach(wh));
  if (wr) s.wr = contiguous(detach(*wr));
  Tensor bic = contiguous(detach(bi)), bhc = contiguous(detach(bh));
  const auto [T, N, I, H, G, P] = d;
  const Device dev = x.device();
  const DType dt = x.dtype();
  Tensor y = empty({T, N, P}, dt, dev);
  s.rs = wr ? empty({T, N, H}, dt, dev) : Tensor();
  s.cs = lstm ? empty({T, N, H}, dt, dev) : Tensor();
  s.saved = empty({T, N, S * H}, dt, dev);
  Tensor xw = empty({T, N, GH}, dt, dev), hw = empty({N, GH}, dt, dev);
  gemm(reshape_to(s.x, {T * N, I}), s.wi, reshape_to(xw, {T * N, GH}), false, true, 1.0, 0.0);
  for (int64_t k = 0; k < T; ++k) {
    const int64_t t = reverse ? T - 1 - k : k, tp = reverse ? t + 1 : t - 1;
    Tensor h_prev = k == 0 ? s.h0 : step_of(y, tp, N, P);
    Tensor c_prev = lstm ? (k == 0 ? s.c0 : step_of(s.cs, tp, N, H)) : Tensor();
    gemm(h_prev, s.wh, hw, false, true, 1.0, 0.0);
    GL_DISPATCH_FLOAT(dt, "RNN", {
      RnnStep<scalar_t> f{mode,
                          H,
                          step_of(xw, t, N, GH).data<scalar_t>(),
                          hw.data<scalar_t>(),
                          bic.data<scalar_t>(),
                          bhc.data<scalar_t>(),
                          h_prev.data<scalar_t>(),
                          ptr<scalar_t>(c_prev),
                          step_of(wr ? s.rs : y, t, N, H).data<scalar_t>(),
                          lstm ? step_of(s.cs, t, N, H).data<scalar_t>() : nullptr,
                          S ? step_of(s.saved, t, N, S * H).data<scalar_t>() : nullptr,
                          s.rows(t),
                          s.clip,
                          wr == nullptr};
      run_step(f, N * H, dev);
    });
    if (wr) {
      gemm(step_of(s.rs, t, N, H), s.wr, step_of(y, t, N, P), false, true, 1.0, 0.0);
      carry_rows(s.rows(t), h_prev, Tensor(), step_of(y, t, N, P), N, P);
    }
  }
  const int64_t last = reverse ? 0 : T - 1;
  Tensor h_t = T > 0 ? clone(step_of(y, last, N, P)) : clone(s.h0);
  Tensor c_t = lstm ? (T > 0 ? clone(step_of(s.cs, last, N, H)) : clone(s.c0)) : Tensor();
  s.y = y;
  std::vector<Tensor> inputs{x, h0};
  if (lstm) inputs.push_back(*c0);
  for (const Tensor* p : {&wi, &wh, &bi, &bh}) inputs.push_back(*p);
  if (wr) inputs.push_back(*wr);
  if (should_record_list(inputs)) {
    s.y = detach(y);
    const bool need_x = x.requires_grad(), need_h0 = h0.requires_grad(),
               need_c0 = lstm && c0->requires_grad();
    std::vector<Tensor*> outputs{&y, &h_t};
    if (lstm) outputs.push_back(&c_t);
    record_op("RNN", inputs, outputs, [s, need_x, need_h0, need_c0](const GradList& g) {
      // BPTT is not written with recorded ops: a second derivative would be silently wrong
      GL_CHECK(!is_recording(), "RNN(", mode_name(s.mode),
               "): higher-order gradients "
               "(create_graph=True) are not supported by the fused recurrent layers; unroll "
               "the cells (rnn.LSTMCell, ...) instead, which are made of differentiable ops");
      return rnn_backward(s, g, need_x, need_h0, need_c0);
    });
  }
  std::vector<Tensor> out{y, h_t};
  if (lstm) out.push_back(c_t);
  return out;
}

}  // namespace gl::ops
