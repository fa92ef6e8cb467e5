// Embedding: rows of the weight gathered by index, a `take` along axis 0 with its dense
// scatter-add gradient (index.cc has both the CPU and the CUDA kernels).
#include "nn_ops.h"
#include "ops.h"

namespace gl::ops {

Tensor embedding(const Tensor& indices, const Tensor& weight, int64_t input_dim,
                 int64_t output_dim) {
  GL_CHECK(input_dim >= 1 && output_dim >= 1,
           "Embedding: input_dim and output_dim must be "
           "positive, got ",
           input_dim, " and ", output_dim);
  GL_CHECK(weight.shape() == Shape({input_dim, output_dim}),
           "Embedding: weight must have shape "
           "(input_dim, output_dim) = (",
           input_dim, ", ", output_dim, "), got ", shape_str(weight.shape()));
  GL_CHECK(indices.device() == weight.device(), "Embedding: indices are on ",
           indices.device().str(), " but the weight is on ", weight.device().str());
  // Out-of-range indices are clipped to [0, input_dim - 1], as MXNet does.
  return take(weight, indices, 0, false);
}

}  // namespace gl::ops
