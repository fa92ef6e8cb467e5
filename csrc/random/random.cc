// Random fills (uniform_, normal_, randint_), shuffle and dropout: the generator state, the
// argument checks and the CPU kernels. CUDA kernels: random.cu. The transforms themselves
// live in philox.h, shared with the GPU so that both produce the same bits.
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>
#include <random>
#include <vector>

#include "../autograd/autograd.h"
#include "../core/parallel.h"
#include "../cuda/runtime.h"
#include "../ops/ops.h"
#include "generator.h"
#include "philox.h"
#include "../ops/cuda_kernels.h"

namespace gl::ops {

namespace {

// ---- generator state: the key and the number of fills drawn since seed() -----------------

uint64_t startup_seed() {
  // MXNet starts every process with the same fixed seed (mxnet#7410); we don't.
  try {
    std::random_device device;
    return (static_cast<uint64_t>(device()) << 32) | device();
  } catch (...) {
    return static_cast<uint64_t>(
        std::chrono::high_resolution_clock::now().time_since_epoch().count());
  }
}

class Generator {
 public:
  Generator() : seed_(startup_seed()) {}
  void reseed(uint64_t seed) {
    std::lock_guard<std::mutex> lock(mutex_);
    seed_ = seed;
    stream_ = 0;
  }
  // Every fill takes the next stream, so no two fills since seed() share a counter.
  Draw next() {
    std::lock_guard<std::mutex> lock(mutex_);
    return Draw{seed_, stream_++};
  }

 private:
  std::mutex mutex_;
  uint64_t seed_;
  uint64_t stream_ = 0;
};

Generator& generator() {
  static Generator* instance = new Generator();  // outlives static tensors
  return *instance;
}

// ---- CPU kernel ------------------------------------------------------------------------------

constexpr int kBatchBlocks = 64;        // Philox blocks generated per vectorized batch
constexpr int64_t kGrainBlocks = 4096;  // parallel work per thread, in blocks

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define GL_PHILOX_CLONES __attribute__((target_clones("arch=x86-64-v4", "default")))
#else
#define GL_PHILOX_CLONES
#endif

// Words of blocks first_block .. first_block + count - 1 (count <= kBatchBlocks), four per
// block, in order. philox4x32_10 written structure-of-arrays so the rounds vectorize across
// blocks (integer ops only: identical bits to the scalar version in philox.h).
GL_PHILOX_CLONES void philox_batch(uint64_t seed, uint64_t stream, uint64_t first_block, int count,
                                   uint32_t* words) {
  uint32_t c0[kBatchBlocks], c1[kBatchBlocks], c2[kBatchBlocks], c3[kBatchBlocks];
  for (int j = 0; j < kBatchBlocks; ++j) {
    const uint64_t block = first_block + static_cast<uint64_t>(j);
    c0[j] = static_cast<uint32_t>(block);
    c1[j] = static_cast<uint32_t>(block >> 32);
    c2[j] = static_cast<uint32_t>(stream);
    c3[j] = static_cast<uint32_t>(stream >> 32);
  }
  uint32_t k0 = static_cast<uint32_t>(seed), k1 = static_cast<uint32_t>(seed >> 32);
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k0 += philox::kKeyBump0;
      k1 += philox::kKeyBump1;
    }
    for (int j = 0; j < kBatchBlocks; ++j) {
      const uint64_t p0 = static_cast<uint64_t>(philox::kRoundMul0) * c0[j];
      const uint64_t p1 = static_cast<uint64_t>(philox::kRoundMul1) * c2[j];
      const uint32_t n0 = static_cast<uint32_t>(p1 >> 32) ^ c1[j] ^ k0;
      const uint32_t n2 = static_cast<uint32_t>(p0 >> 32) ^ c3[j] ^ k1;
      c1[j] = static_cast<uint32_t>(p1);
      c3[j] = static_cast<uint32_t>(p0);
      c0[j] = n0;
      c2[j] = n2;
    }
  }
  for (int j = 0; j < count; ++j) {
    words[4 * j] = c0[j];
    words[4 * j + 1] = c1[j];
    words[4 * j + 2] = c2[j];
    words[4 * j + 3] = c3[j];
  }
}

// out[0, n) = the fill's values: block b gives elements b*kPerBlock .. b*kPerBlock+kPerBlock-1.
template <typename Fn>
void philox_fill_cpu(typename Fn::value_type* out, int64_t n, Draw draw, Fn fn) {
  using T = typename Fn::value_type;
  constexpr int kPer = Fn::kPerBlock;
  const int64_t full_blocks = n / kPer;
  parallel_for(full_blocks, kGrainBlocks, [&](int64_t begin, int64_t end) {
    uint32_t words[4 * kBatchBlocks];
    for (int64_t b = begin; b < end; b += kBatchBlocks) {
      const int count = static_cast<int>(std::min<int64_t>(kBatchBlocks, end - b));
      philox_batch(draw.seed, draw.stream, static_cast<uint64_t>(b), count, words);
      T* dst = out + b * kPer;
      for (int j = 0; j < count; ++j) fn(words + 4 * j, dst + j * kPer);
    }
  });
  const int64_t done = full_blocks * kPer;
  if (done < n) {  // the partial last block
    uint32_t words[4];
    philox::block_words(draw.seed, draw.stream, static_cast<uint64_t>(full_blocks), words);
    T values[kPer];
    fn(words, values);
    for (int64_t i = done; i < n; ++i) out[i] = values[i - done];
  }
}

// Raises TypeError (naming op) unless `spec` can fill `dtype`; draws nothing.
void check_fill_dtype(const philox::DrawSpec& spec, DType dtype, const char* op) {
  philox::visit_distribution(spec, dtype, op, [](auto) {});
}

// Fills a contiguous tensor with the values of `draw`.
void fill_contiguous(const Tensor& t, const philox::DrawSpec& spec, Draw draw, const char* op) {
  if (t.device().is_gpu()) {
    GL_CUDA_LAUNCH(op, t.device(), random_fill_cuda(t, spec, draw.seed, draw.stream, op));
    return;
  }
  philox::visit_distribution(spec, t.dtype(), op, [&](auto fn) {
    using T = typename decltype(fn)::value_type;
    philox_fill_cpu(t.data<T>(), t.numel(), draw, fn);
  });
}

// One fill call: checks, takes the next stream, writes every element of t in place. A
// strided target is filled through a contiguous temporary, so element i (in row-major
// order) gets the same value either way.
void fill_tensor(const Tensor& t, const philox::DrawSpec& spec, const char* op) {
  GL_CHECK(!(is_recording() && t.requires_grad()), op,
           ": cannot fill an array that is part of a recorded graph in place while autograd "
           "is recording; fill it outside autograd.record() or draw a new array");
  check_fill_dtype(spec, t.dtype(), op);
  const Draw draw = generator().next();
  if (t.is_contiguous()) {
    fill_contiguous(t, spec, draw, op);
    return;
  }
  Tensor staging = Tensor::empty(t.shape(), t.dtype(), t.device());
  fill_contiguous(staging, spec, draw, op);
  RecordingGuard off(false);
  copy_(t, staging);
}

// ---- shuffle -----------------------------------------------------------------------------

// Fisher-Yates: for i = n-1 .. 1 swap perm[i] with perm[j], j uniform in [0, i] from the
// 64-bit value number i of the draw (block i/2, words 2(i%2) and 2(i%2)+1), j = mulhi(x, i+1).
std::vector<int64_t> fisher_yates_permutation(int64_t n, Draw draw) {
  std::vector<int64_t> perm(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) perm[i] = i;
  uint32_t words[4];
  for (int64_t i = n - 1; i >= 1; --i) {
    if (i == n - 1 || i % 2 == 1)
      philox::block_words(draw.seed, draw.stream, static_cast<uint64_t>(i / 2), words);
    const int lane = static_cast<int>(i % 2) * 2;
    const uint64_t x = (static_cast<uint64_t>(words[lane]) << 32) | words[lane + 1];
    const int64_t j = static_cast<int64_t>(philox::mulhi64(x, static_cast<uint64_t>(i + 1)));
    std::swap(perm[i], perm[j]);
  }
  return perm;
}

}  // namespace

void seed(uint64_t seed) { generator().reseed(seed); }

Draw next_draw() { return generator().next(); }

void uniform_(const Tensor& t, double low, double high) {
  GL_CHECK_KIND(std::isfinite(low) && std::isfinite(high) && low <= high, ErrorKind::Value,
                "uniform: need finite low <= high, got low=", low, ", high=", high);
  const double span = high - low;
  GL_CHECK_KIND(std::isfinite(span), ErrorKind::Value, "uniform: high - low overflows (low=", low,
                ", high=", high, ")");
  fill_tensor(t, {philox::DrawSpec::Uniform, low, span}, "uniform");
}

void normal_(const Tensor& t, double mean, double stddev) {
  GL_CHECK_KIND(std::isfinite(mean), ErrorKind::Value,
                "normal: loc must be finite, got loc=", mean);
  GL_CHECK_KIND(std::isfinite(stddev) && stddev >= 0.0, ErrorKind::Value,
                "normal: scale must be finite and >= 0, got scale=", stddev);
  fill_tensor(t, {philox::DrawSpec::Normal, mean, stddev}, "normal");
}

void randint_(const Tensor& t, int64_t low, int64_t high) {
  GL_CHECK_KIND(low < high, ErrorKind::Value, "randint: low must be less than high, got low=", low,
                ", high=", high);
  if (t.dtype() == DType::Int32) {
    GL_CHECK_KIND(low >= std::numeric_limits<int32_t>::min() &&
                      high - 1 <= std::numeric_limits<int32_t>::max(),
                  ErrorKind::Value, "randint: [low, high) = [", low, ", ", high,
                  ") does not fit dtype int32; use dtype='int64'");
  }
  const uint64_t range = static_cast<uint64_t>(high) - static_cast<uint64_t>(low);
  fill_tensor(t, {philox::DrawSpec::Randint, 0, 0, low, range}, "randint");
}

Tensor shuffle(const Tensor& t) {
  RecordingGuard off(false);  // MXNet's shuffle has no gradient
  const Draw draw = generator().next();
  Tensor src = contiguous(t);
  Tensor out = Tensor::empty(t.shape(), t.dtype(), t.device());
  const int64_t rows = t.ndim() == 0 ? 1 : t.size(0);
  if (rows <= 1 || t.numel() == 0) {
    copy_(out, src);
    return out;
  }
  const std::vector<int64_t> perm = fisher_yates_permutation(rows, draw);
  if (t.device().is_gpu()) {
    GL_CUDA_LAUNCH("shuffle", out.device(), gather_rows_cuda(out, src, perm.data()));
    return out;
  }
  const size_t row_bytes = t.nbytes() / static_cast<size_t>(rows);
  const char* from = static_cast<const char*>(src.raw_data());
  char* to = static_cast<char*>(out.raw_data());
  const int64_t grain = std::max<int64_t>(1, kParallelGrain * 4 / static_cast<int64_t>(row_bytes));
  parallel_for(rows, grain, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r)
      std::memcpy(to + r * row_bytes, from + perm[r] * row_bytes, row_bytes);
  });
  return out;
}

// Always drops: whether dropout is active (train mode, mode='always') is decided by the
// caller, nd.Dropout. The mask (0 or 1/(1-p) in x's dtype) is kept for the gradient; it has
// size 1 along `axes`, so one draw is shared along them (MXNet's variational dropout).
Tensor dropout(const Tensor& x, double p, const std::vector<int>& axes) {
  GL_CHECK_KIND(p >= 0.0 && p < 1.0, ErrorKind::Value, "Dropout: p must be in [0, 1), got p=", p);
  Shape mask_shape = x.shape();
  for (int axis : axes) mask_shape[normalize_existing_axis(axis, x.ndim(), "Dropout")] = 1;
  const philox::DrawSpec spec{philox::DrawSpec::DropoutMask, p, 1.0 / (1.0 - p)};
  check_fill_dtype(spec, x.dtype(), "Dropout");
  const bool record = should_record({&x});
  Tensor y, mask;
  {
    RecordingGuard off(false);
    if (p == 0.0) {
      y = clone(x);
    } else {
      mask = Tensor::empty(mask_shape, x.dtype(), x.device());
      fill_contiguous(mask, spec, generator().next(), "Dropout");
      y = mul(x, mask);
    }
  }
  if (record) {
    record_op("Dropout", {x}, {&y}, [mask](const GradList& g) -> GradList {
      return {mask.defined() ? mul(g[0], mask) : g[0]};
    });
  }
  return y;
}

}  // namespace gl::ops
