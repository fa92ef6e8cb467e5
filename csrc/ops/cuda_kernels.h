// The CUDA entry points of every op, one group per .cu file: the .cc beside each calls
// them (only in a CUDA build), the .cu defines them, and both include this header, so
// the compiler checks that the two agree.
#pragma once
#include <cstdint>
#include <vector>

#include "../core/tensor.h"
#include "../random/philox.h"
#include "elementwise.h"
#include "nn_ops.h"
#include "ops.h"
#include "optimizer.h"
#include "rnn.h"

namespace gl::ops {

// batch_norm.cu
void bn_stats_cuda(const Tensor& x, const Tensor& mean, const Tensor& var, int64_t outer,
                   int64_t channels, int64_t inner);
void bn_apply_cuda(const Tensor& x, const Tensor& mean, const Tensor& var, const Tensor* gamma,
                   const Tensor& beta, const Tensor& y, double eps, int64_t outer, int64_t channels,
                   int64_t inner);
void bn_backward_cuda(const Tensor& x, const Tensor& dy, const Tensor& mean, const Tensor& var,
                      const Tensor* gamma, const Tensor* dx, const Tensor& dgamma,
                      const Tensor& dbeta, double eps, bool batch_stats, int64_t outer,
                      int64_t channels, int64_t inner);

// binary.cu
void binary_cuda(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b);
void binary_scalar_cuda(BinaryOp op, const Tensor& out, const Tensor& a, double s, bool first);

// convolution.cu
void im2col_cuda(const Tensor& x, const Tensor& col, const ConvGeometry& g, int64_t group,
                 int64_t n0, int64_t nb);
void col2im_cuda(const Tensor& col, const Tensor& dx, const ConvGeometry& g, int64_t group,
                 int64_t n0, int64_t nb);

// copy.cu
void copy_cuda(const Tensor& dst, const Tensor& src);

// fill.cu
void fill_cuda(const Tensor& t, double value);

// index.cu
void where_cuda(const Tensor& out, const Tensor& cond, const Tensor& x, const Tensor& y);
void take_cuda(const Tensor& out, const Tensor& src, const Tensor& idx, int64_t outer,
               int64_t axis_len, int64_t inner, bool wrap);
void take_backward_cuda(const Tensor& grad_src, const Tensor& grad_out, const Tensor& idx,
                        int64_t outer, int64_t axis_len, int64_t inner, bool wrap);
void one_hot_cuda(const Tensor& out, const Tensor& idx, int64_t depth, double on, double off);

// leaky_relu.cu
void leaky_relu_cuda(const Tensor& y, const Tensor& x, int act, double slope);
void leaky_relu_grad_cuda(const Tensor& dx, const Tensor& x, const Tensor& dy, int act,
                          double slope);

// linalg_blas.cu, linalg_factor.cu, linalg_diag.cu: runs a per-matrix functor of
// linalg_kernels.h on every matrix of a batch, one GPU thread each (instantiated there).
template <typename F>
void linalg_for_each_cuda(const F& fn, int64_t batch);

// matmul.cu
// Row-major C = alpha op(A) op(B) + beta C for `batch` matrices at the given strides.
void gemm_cuda(DType dtype, int device_id, bool trans_a, bool trans_b, int64_t m, int64_t n,
               int64_t k, double alpha, const void* a, int64_t lda, int64_t stride_a, const void* b,
               int64_t ldb, int64_t stride_b, double beta, void* c, int64_t ldc, int64_t stride_c,
               int64_t batch);
// out[j] = sum_i g[i, j] for a contiguous (rows, cols) g.
void column_sum_cuda(const Tensor& out, const Tensor& g, int64_t rows, int64_t cols);

// norm.cu
void norm_forward_cuda(const Tensor& x, const Tensor& gamma, const Tensor& beta, const Tensor& y,
                       const Tensor& mean, const Tensor& invstd, const NormGeometry& g, double eps);
void norm_backward_cuda(const Tensor& x, const Tensor& dy, const Tensor& gamma, const Tensor& mean,
                        const Tensor& invstd, const Tensor& dx, const NormGeometry& g);

// optimizer.cu
void optimizer_update_cuda(OptimRule rule, const Tensor& weight, const Tensor& grad,
                           const std::vector<Tensor>& states, const Tensor& master,
                           const OptimParams& params);

// pooling.cu
void pool_forward_cuda(const Tensor& x, const Tensor& y, const Tensor* argmax,
                       const PoolGeometry& g);
void pool_backward_cuda(const Tensor& dy, const Tensor* argmax, const Tensor& dx,
                        const PoolGeometry& g);

// reduce.cu
void reduce_cuda(ReduceOp op, const Tensor& out, const Tensor& x, const StridedLayout<2>& L);
void argreduce_cuda(bool is_max, const Tensor& out, const Tensor& x, const StridedLayout<2>& L);

// rnn.cu: one step of the gate pass, forward and backward (T: float, double, half_t)
template <typename T>
void rnn_step_cuda(const RnnStep<T>& step, int64_t count);
template <typename T>
void rnn_step_cuda(const RnnStepGrad<T>& step, int64_t count);
template <typename T>
void rnn_step_cuda(const RnnCarry<T>& step, int64_t count);

// softmax.cu
void softmax_cuda(const Tensor& out, const Tensor& x, int64_t outer, int64_t n, int64_t inner,
                  double temperature, bool log);

// unary.cu
void unary_cuda(UnaryOp op, const Tensor& out, const Tensor& x);

// csrc/random/random.cu
void random_fill_cuda(const Tensor& t, const philox::DrawSpec& spec, uint64_t seed, uint64_t stream,
                      const char* op);
void gather_rows_cuda(const Tensor& out, const Tensor& src, const int64_t* perm_host);

// sort.cu: int64 positions along the axis of the first k of each row's sorted order, for
// a contiguous x viewed as (outer, n, inner); out is (outer, k, inner).
void sort_indices_cuda(const Tensor& x, const Tensor& out, int64_t outer, int64_t n, int64_t inner,
                       int64_t k, bool ascend);

// index.cu (n-d indexing): dst (n, inner)[idx[i]] = src (count, inner)[i], contiguous, in
// dst's dtype; idx int64 in [-n, n).
void index_put_cuda(const Tensor& dst, const Tensor& idx, const Tensor& src, int64_t n,
                    int64_t inner);

}  // namespace gl::ops

// csrc/random/samplers.cu
#include "../random/distributions.h"

namespace gl::ops {

void sample_cuda(const Tensor& out, const philox::SampleArgs& args, const char* op);
// Per row of probs (rows of k = probs' last axis): the running sums into cdf, the total
// into totals, and into bad the first negative or non-finite index (-1 if none).
void multinomial_cdf_cuda(const Tensor& probs, const Tensor& cdf, const Tensor& bad,
                          const Tensor& totals);
void multinomial_sample_cuda(const Tensor& samples, const Tensor* flat_index,
                             const philox::MultinomialArgs& m);

}  // namespace gl::ops
