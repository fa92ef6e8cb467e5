// The samplers of samplers.h: argument checks, parameter validation and the CPU kernels.
// CUDA kernels: samplers.cu. Both evaluate the same transforms (distributions.h), so a
// seed gives the same values on every device.
#include "samplers.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "../autograd/autograd.h"
#include "../core/parallel.h"
#include "../cuda/runtime.h"
#include "../ops/cuda_kernels.h"
#include "../ops/ops.h"
#include "generator.h"

namespace gl::ops {

namespace {

using philox::SampleKind;

constexpr int64_t kSampleGrain = 2048;  // values per parallel task: each costs ~1-3 blocks

// "[0, 1]" for flat index 1 of shape (2, 2); "" for a scalar.
std::string index_suffix(const Shape& shape, int64_t flat) {
  if (shape.empty()) return "";
  std::vector<int64_t> idx(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    idx[d] = shape[d] == 0 ? 0 : flat % shape[d];
    flat = shape[d] == 0 ? 0 : flat / shape[d];
  }
  std::string s = "[";
  for (size_t d = 0; d < idx.size(); ++d) s += (d ? ", " : "") + std::to_string(idx[d]);
  return s + "]";
}

// A float64 contiguous copy of a parameter tensor, on its device (not recorded).
Tensor as_float64(const Tensor& t) {
  RecordingGuard off(false);
  Tensor c = contiguous(detach(t));
  return c.dtype() == DType::Float64 ? c : astype(c, DType::Float64);
}

// The parameter's float64 values on the host (a copy from the GPU).
Tensor host_values(const Tensor& f64) {
  if (f64.device().is_cpu()) return f64;
  RecordingGuard off(false);
  return to_device(f64, cpu_device());
}

bool finite(double v) { return std::isfinite(v); }

// Throws ValueError unless (a, b) are valid parameters of `kind`. `where_a`/`where_b` are
// the elements' index suffixes ("" for scalars).
void check_values(SampleKind kind, double a, double b, const SampleParam& pa, const SampleParam& pb,
                  const std::string& where_a, const std::string& where_b, const char* op) {
  const std::string an = pa.name + where_a, bn = pb.name + where_b;
  auto positive = [&](double v, const char* name, const std::string& at) {
    GL_CHECK_KIND(finite(v) && v > 0.0, ErrorKind::Value, op, ": ", name,
                  " must be finite and > 0, got ", at, "=", v);
  };
  auto non_negative = [&](double v, const char* name, const std::string& at) {
    GL_CHECK_KIND(finite(v) && v >= 0.0, ErrorKind::Value, op, ": ", name,
                  " must be finite and >= 0, got ", at, "=", v);
  };
  switch (kind) {
    case SampleKind::Uniform:
      GL_CHECK_KIND(finite(a) && finite(b) && a <= b && finite(b - a), ErrorKind::Value, op,
                    ": need finite ", pa.name, " <= ", pb.name, ", got ", an, "=", a, ", ", bn, "=",
                    b);
      break;
    case SampleKind::Normal:
      GL_CHECK_KIND(finite(a), ErrorKind::Value, op, ": ", pa.name, " must be finite, got ", an,
                    "=", a);
      non_negative(b, pb.name, bn);
      break;
    case SampleKind::Gamma:
      positive(a, pa.name, an);
      positive(b, pb.name, bn);
      break;
    case SampleKind::ExponentialScale:
    case SampleKind::ExponentialRate: positive(a, pa.name, an); break;
    case SampleKind::Poisson: non_negative(a, pa.name, an); break;
    case SampleKind::NegativeBinomial:
      non_negative(a, pa.name, an);
      GL_CHECK_KIND(b > 0.0 && b <= 1.0, ErrorKind::Value, op, ": ", pb.name,
                    " must be in (0, 1], got ", bn, "=", b);
      break;
    case SampleKind::GeneralizedNegativeBinomial:
      non_negative(a, pa.name, an);
      non_negative(b, pb.name, bn);
      break;
  }
}

// Whether `kind` reads its second parameter.
bool has_second(SampleKind kind) {
  return kind == SampleKind::Uniform || kind == SampleKind::Normal || kind == SampleKind::Gamma ||
         kind == SampleKind::NegativeBinomial || kind == SampleKind::GeneralizedNegativeBinomial;
}

template <typename T>
void sample_cpu(T* out, int64_t n, const philox::SampleArgs& args) {
  parallel_for(n, kSampleGrain, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) out[i] = philox::sample_at<T>(args, i);
  });
}

void sample_contiguous(const Tensor& out, const philox::SampleArgs& args, const char* op) {
  if (out.device().is_gpu()) {
    GL_CUDA_LAUNCH(op, out.device(), sample_cuda(out, args, op));
    return;
  }
  GL_DISPATCH_FLOAT(out.dtype(), op, sample_cpu(out.data<scalar_t>(), out.numel(), args));
}

}  // namespace

void sample_(SampleKind kind, const Tensor& out, const SampleParam& a, const SampleParam& b,
             const char* op) {
  GL_CHECK(!(is_recording() && out.requires_grad()), op,
           ": cannot fill an array that is part of a recorded graph in place while autograd "
           "is recording; fill it outside autograd.record() or draw a new array");
  if (!is_floating(out.dtype())) throw_unsupported_dtype(op, out.dtype());
  const bool second = has_second(kind);
  const Tensor* pa = a.tensor;
  const Tensor* pb = second ? b.tensor : nullptr;
  const Tensor* shape_of = pa ? pa : pb;
  if (pa && pb) {
    GL_CHECK_KIND(pa->shape() == pb->shape(), ErrorKind::Value, op, ": ", a.name, " and ", b.name,
                  " must have the same shape, got ", shape_str(pa->shape()), " and ",
                  shape_str(pb->shape()));
  }
  Shape param_shape;
  int64_t params = 1;
  if (shape_of) {
    for (const Tensor* p : {pa, pb}) {
      if (!p) continue;
      GL_CHECK(p->device() == out.device(), op, ": parameter ", p == pa ? a.name : b.name,
               " is on ", p->device().str(), " but the output is on ", out.device().str());
    }
    param_shape = shape_of->shape();
    params = shape_numel(param_shape);
    const bool prefix = out.ndim() >= static_cast<int>(param_shape.size()) &&
                        std::equal(param_shape.begin(), param_shape.end(), out.shape().begin());
    GL_CHECK_KIND(prefix, ErrorKind::Value, op, ": the output shape ", shape_str(out.shape()),
                  " must start with the parameters' shape ", shape_str(param_shape));
  }
  // Validate every parameter value before drawing: a failed call takes no stream.
  Tensor fa, fb, ha, hb;
  if (pa) ha = host_values(fa = as_float64(*pa));
  if (pb) hb = host_values(fb = as_float64(*pb));
  const double* va = pa ? ha.data<double>() : nullptr;
  const double* vb = pb ? hb.data<double>() : nullptr;
  for (int64_t p = 0; p < params; ++p) {
    check_values(kind, va ? va[p] : a.value, vb ? vb[p] : b.value, a, b,
                 va ? index_suffix(param_shape, p) : "", vb ? index_suffix(param_shape, p) : "",
                 op);
  }
  const int64_t n = out.numel();
  const Draw draw = next_draw();
  if (n == 0) return;
  philox::SampleArgs args;
  args.kind = kind;
  args.a = pa ? fa.data<double>() : nullptr;
  args.b = pb ? fb.data<double>() : nullptr;
  args.a0 = a.value;
  args.b0 = b.value;
  args.per_param = n / params;
  args.seed = draw.seed;
  args.stream = draw.stream;
  if (out.is_contiguous()) {
    sample_contiguous(out, args, op);
    return;
  }
  Tensor staging = Tensor::empty(out.shape(), out.dtype(), out.device());
  sample_contiguous(staging, args, op);
  RecordingGuard off(false);
  copy_(out, staging);
}

// ---- multinomial -------------------------------------------------------------------------

namespace {

// Largest category index each output dtype holds exactly.
int64_t max_exact_category(DType dtype) {
  switch (dtype) {
    case DType::UInt8: return 255;
    case DType::Float16: return 2048;
    case DType::Float32: return int64_t(1) << 24;
    case DType::Int32: return 2147483647;
    case DType::Float64: return int64_t(1) << 53;
    default: return -1;
  }
}

// One element of `t` (contiguous, any float dtype, any device) as a double.
double element_as_double(const Tensor& t, int64_t flat) {
  unsigned char bytes[8];
  const char* src = static_cast<const char*>(t.raw_data()) + flat * t.itemsize();
  if (t.device().is_gpu()) {
    cuda::copy_device_to_host(bytes, src, t.itemsize(), t.device().id);
  } else {
    std::memcpy(bytes, src, t.itemsize());
  }
  double v = 0;
  GL_DISPATCH_FLOAT(t.dtype(), "multinomial", {
    scalar_t x;
    std::memcpy(&x, bytes, sizeof x);
    v = static_cast<double>(static_cast<acc_t<scalar_t>>(x));
  });
  return v;
}

template <typename T>
void multinomial_cpu(T* out, int64_t* flat_index, int64_t n, const philox::MultinomialArgs& m) {
  parallel_for(n, kSampleGrain, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      int64_t row;
      const int64_t k = philox::multinomial_at(m, i, &row);
      out[i] = T(static_cast<acc_t<T>>(k));
      if (flat_index) flat_index[i] = row * m.k + k;
    }
  });
}

}  // namespace

std::vector<Tensor> multinomial(const Tensor& data, const Shape& shape, DType dtype, bool get_prob,
                                const Tensor* out) {
  const char* op = "multinomial";
  GL_CHECK_KIND(is_floating(data.dtype()), ErrorKind::Type, op,
                ": data must hold probabilities in a float dtype, got ", dtype_name(data.dtype()));
  GL_CHECK_KIND(data.ndim() >= 1, ErrorKind::Value, op,
                ": data must have at least one axis (the categories), got a 0-d array");
  const int64_t k = data.shape().back();
  GL_CHECK_KIND(k > 0, ErrorKind::Value, op, ": data has no categories (its last axis is 0)");
  const int64_t max_category = max_exact_category(dtype);
  GL_CHECK_KIND(max_category >= 0, ErrorKind::Type, op, ": dtype ", dtype_name(dtype),
                " is not supported; use uint8, int32, float16, float32 or float64");
  GL_CHECK_KIND(k - 1 <= max_category, ErrorKind::Value, op, ": ", k,
                " categories do not fit dtype ", dtype_name(dtype), " (it holds indices up to ",
                max_category, " exactly); use dtype='int32'");
  Shape out_shape(data.shape().begin(), data.shape().end() - 1);
  out_shape.insert(out_shape.end(), shape.begin(), shape.end());
  if (out_shape.empty()) out_shape = {1};
  check_ndim(out_shape);
  if (out) {
    GL_CHECK_KIND(out->shape() == out_shape, ErrorKind::Value, op, ": out has shape ",
                  shape_str(out->shape()), " but the samples have shape ", shape_str(out_shape));
    GL_CHECK_KIND(out->dtype() == dtype, ErrorKind::Type, op, ": out has dtype ",
                  dtype_name(out->dtype()), " but dtype is ", dtype_name(dtype));
    GL_CHECK(out->device() == data.device(), op, ": out is on ", out->device().str(),
             " but data is on ", data.device().str());
    GL_CHECK(!(is_recording() && out->requires_grad()), op,
             ": cannot write into an array that is part of a recorded graph while autograd "
             "is recording");
  }
  const Device dev = data.device();
  const int64_t rows = data.numel() / k;
  const int64_t per_row = shape_numel(shape);
  Tensor probs = [&] {
    RecordingGuard off(false);
    return contiguous(detach(data));
  }();

  // The cdf of every row, then the checks: no stream is taken unless all rows are valid.
  Tensor cdf = Tensor::empty({rows * k}, DType::Float64, dev);
  Tensor bad = Tensor::empty({rows}, DType::Int64, dev);
  Tensor totals = Tensor::empty({rows}, DType::Float64, dev);
  if (dev.is_gpu()) {
    GL_CUDA_LAUNCH(op, dev, multinomial_cdf_cuda(probs, cdf, bad, totals));
  } else {
    int64_t* bad_p = bad.data<int64_t>();
    double* cdf_p = cdf.data<double>();
    double* total_p = totals.data<double>();
    GL_DISPATCH_FLOAT(probs.dtype(), op, {
      const scalar_t* src = probs.data<scalar_t>();
      parallel_for(rows, std::max<int64_t>(1, kParallelGrain / k), [&](int64_t lo, int64_t hi) {
        for (int64_t r = lo; r < hi; ++r)
          bad_p[r] = philox::build_cdf(src + r * k, k, cdf_p + r * k, total_p + r);
      });
    });
  }
  Tensor bad_host = host_values(bad), totals_host = host_values(totals);
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t j = bad_host.data<int64_t>()[r];
    if (j >= 0) {
      GL_THROW(ErrorKind::Value, op, ": probabilities must be finite and >= 0, got data",
               index_suffix(data.shape(), r * k + j), "=", element_as_double(probs, r * k + j));
    }
    const double total = totals_host.data<double>()[r];
    GL_CHECK_KIND(total > 0.0 && std::isfinite(total), ErrorKind::Value, op,
                  ": the probabilities of data",
                  index_suffix(Shape(data.shape().begin(), data.shape().end() - 1), r), " sum to ",
                  total, "; a row needs a finite, positive sum");
  }

  const Draw draw = next_draw();
  Tensor samples = out && out->is_contiguous() ? *out : Tensor::empty(out_shape, dtype, dev);
  Tensor flat_index;
  if (get_prob) flat_index = Tensor::empty(out_shape, DType::Int64, dev);
  const int64_t n = samples.numel();
  if (n > 0) {
    philox::MultinomialArgs m;
    m.cdf = cdf.data<double>();
    m.k = k;
    m.per_row = per_row;
    m.seed = draw.seed;
    m.stream = draw.stream;
    if (dev.is_gpu()) {
      GL_CUDA_LAUNCH(op, dev,
                     multinomial_sample_cuda(samples, get_prob ? &flat_index : nullptr, m));
    } else {
      int64_t* fi = get_prob ? flat_index.data<int64_t>() : nullptr;
      switch (dtype) {
        case DType::UInt8: multinomial_cpu(samples.data<uint8_t>(), fi, n, m); break;
        case DType::Int32: multinomial_cpu(samples.data<int32_t>(), fi, n, m); break;
        default: GL_DISPATCH_FLOAT(dtype, op, multinomial_cpu(samples.data<scalar_t>(), fi, n, m));
      }
    }
  }
  if (out && !out->is_contiguous()) {
    RecordingGuard off(false);
    copy_(*out, samples);
    samples = *out;
  }
  if (!get_prob) return {samples};
  // log p[sample], through take and log so that autograd gives d/dp = 1/p at each sample.
  Tensor picked = take(reshape_to(data, {rows * k}), flat_index, 0, false);
  return {samples, unary(UnaryOp::Log, picked)};
}

}  // namespace gl::ops
