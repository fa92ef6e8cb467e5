// Checks and helpers shared by the linalg_*.cc files (see linalg.h).
#include "linalg.h"

#include "../autograd/autograd.h"
#include "ops.h"

namespace gl::ops::linalg {

Batch matrices(const char* op, const Tensor& t, const char* name, bool square) {
  if (t.dtype() != DType::Float32 && t.dtype() != DType::Float64)
    GL_THROW(ErrorKind::Type, op, ": ", name, " has dtype ", dtype_name(t.dtype()),
             "; linalg operators support float32 and float64 only");
  GL_CHECK(t.ndim() >= 2, op, ": ", name,
           " must have at least 2 dimensions (a matrix or a batch of matrices), got shape ",
           shape_str(t.shape()));
  GL_CHECK(t.numel() > 0, op, ": ", name, " has shape ", shape_str(t.shape()),
           "; zero-size inputs are not supported");
  Batch b;
  b.lead.assign(t.shape().begin(), t.shape().end() - 2);
  for (int64_t d : b.lead) b.batch *= d;
  b.rows = t.size(t.ndim() - 2);
  b.cols = t.size(t.ndim() - 1);
  GL_CHECK(!square || b.rows == b.cols, op, ": ", name,
           " must hold square matrices in its last two axes, got shape ", shape_str(t.shape()));
  return b;
}

void check_like(const char* op, const Tensor& t, const char* name, const Tensor& ref,
                const char* ref_name, const Batch& ref_batch, const Batch& t_batch) {
  GL_CHECK_KIND(t.dtype() == ref.dtype(), ErrorKind::Type, op, ": ", ref_name, " and ", name,
                " have different dtypes (", dtype_name(ref.dtype()), " vs ", dtype_name(t.dtype()),
                "); convert one with .astype('", dtype_name(ref.dtype()), "')");
  GL_CHECK(t.device() == ref.device(), op, ": ", ref_name, " and ", name,
           " are on different devices (", ref.device().str(), " vs ", t.device().str(),
           "); move one with .as_in_context() or .copyto()");
  GL_CHECK(t.ndim() == ref.ndim() && t_batch.lead == ref_batch.lead, op, ": ", ref_name, " and ",
           name, " must have the same leading (batch) axes, got shapes ", shape_str(ref.shape()),
           " and ", shape_str(t.shape()));
}

void check_info(const char* op, const Tensor& info, const Batch& b, const InfoMessage& what) {
  Tensor host = info.device().is_gpu() ? to_device(detach(info), cpu_device()) : info;
  const int64_t* v = host.data<int64_t>();
  for (int64_t i = 0; i < b.batch; ++i) {
    if (v[i] == 0) continue;
    std::string matrix = "A";
    if (!b.lead.empty()) {  // A[i0, i1, ...] over the leading axes
      Shape index(b.lead.size());
      int64_t rest = i;
      for (size_t d = b.lead.size(); d-- > 0;) {
        index[d] = rest % b.lead[d];
        rest /= b.lead[d];
      }
      matrix += "[";
      for (size_t d = 0; d < index.size(); ++d)
        matrix += (d ? ", " : "") + std::to_string(index[d]);
      matrix += "]";
    }
    GL_THROW(ErrorKind::MXNet, op, ": ", what(matrix, v[i]));
  }
}

Shape with_tail(const Shape& lead, std::initializer_list<int64_t> tail) {
  Shape s = lead;
  s.insert(s.end(), tail.begin(), tail.end());
  return s;
}

Tensor swap_last(const Tensor& x) { return swapaxes(x, -1, -2); }

Tensor triangle(const Tensor& x, bool lower) {
  return linalg_maketrian(linalg_extracttrian(x, 0, lower), 0, lower);
}

}  // namespace gl::ops::linalg
