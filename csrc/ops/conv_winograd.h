// Winograd F(2x2, 3x3) convolution on the CPU (conv_winograd.cc): the three passes of a
// stride-1 3x3 convolution with 2.25x fewer multiply-adds than im2col + GEMM. Used by
// convolution.cc when `applies`; every other convolution goes through im2col.
#pragma once
#include "../core/tensor.h"
#include "nn_ops.h"

namespace gl::ops::winograd {

// True for a CPU float32/float64 2-D convolution with a 3x3 kernel, stride 1, no dilation,
// one group, padding <= 2 on each side, and channels and tiles enough for the GEMMs to
// dominate (smaller ones are faster through im2col).
bool applies(const ConvGeometry& g, const Tensor& x);

// y = conv(x, w) (+ bias); x, w, y contiguous, `applies(g, x)`.
void forward(const Tensor& x, const Tensor& w, const Tensor* bias, const Tensor& y,
             const ConvGeometry& g);

// The gradients of y = conv(x, w) from dy: dx and dw when given (overwritten).
void backward(const Tensor& x, const Tensor& w, const Tensor& dy, const Tensor* dx,
              const Tensor* dw, const ConvGeometry& g);

}  // namespace gl::ops::winograd
