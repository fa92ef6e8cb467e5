// Element types. The numeric codes are MXNet's (mshadow TypeFlag), so they can be
// written to and read from .params files unchanged.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#if defined(__CUDACC__)
#define GL_HD __host__ __device__ __forceinline__
#else
#define GL_HD inline
#endif

namespace gl {

enum class DType : int8_t {
  Float32 = 0,
  Float64 = 1,
  Float16 = 2,
  UInt8 = 3,
  Int32 = 4,
  Int8 = 5,
  Int64 = 6,
  Bool = 7,
};
constexpr int kNumDTypes = 8;

// IEEE binary16 stored as bits; arithmetic happens in float (see acc_type).
struct half_t {
  uint16_t bits;
  half_t() = default;
  GL_HD half_t(float f) : bits(float_to_half_bits(f)) {}
  GL_HD operator float() const { return half_bits_to_float(bits); }

  static GL_HD uint16_t float_to_half_bits(float f) {
    uint32_t x;
    memcpy(&x, &f, 4);
    uint32_t sign = (x >> 16) & 0x8000u;
    uint32_t absx = x & 0x7fffffffu;
    if (absx >= 0x7f800000u)  // inf or nan
      return static_cast<uint16_t>(sign | 0x7c00u | (absx > 0x7f800000u ? 0x200u : 0u));
    if (absx >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // overflow -> inf
    if (absx < 0x38800000u) {  // subnormal half or zero: round to nearest even
      if (absx < 0x33000000u) return static_cast<uint16_t>(sign);
      uint32_t mant = (absx & 0x7fffffu) | 0x800000u;
      int shift = 126 - static_cast<int>(absx >> 23);  // 14..24
      uint32_t half_mant = mant >> shift;
      uint32_t rem = mant & ((1u << shift) - 1u);
      uint32_t halfway = 1u << (shift - 1);
      if (rem > halfway || (rem == halfway && (half_mant & 1u))) ++half_mant;
      return static_cast<uint16_t>(sign | half_mant);
    }
    uint32_t rounded = absx + 0xfffu + ((absx >> 13) & 1u);  // round to nearest even
    return static_cast<uint16_t>(sign | ((rounded - 0x38000000u) >> 13));
  }
  static GL_HD float half_bits_to_float(uint16_t h) {
    uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1fu;
    uint32_t mant = h & 0x3ffu;
    uint32_t bits;
    if (exp == 0x1f) {
      bits = sign | 0x7f800000u | (mant << 13);
    } else if (exp == 0) {
      if (mant == 0) {
        bits = sign;
      } else {  // normalise a subnormal
        int e = -1;
        do {
          ++e;
          mant <<= 1;
        } while ((mant & 0x400u) == 0);
        bits = sign | (static_cast<uint32_t>(112 - e) << 23) | ((mant & 0x3ffu) << 13);
      }
    } else {
      bits = sign | ((exp + 112u) << 23) | (mant << 13);
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
  }
};

// The type arithmetic is carried out in: half computes in float, small ints in themselves.
template <typename T>
struct acc_type {
  using type = T;
};
template <>
struct acc_type<half_t> {
  using type = float;
};
template <typename T>
using acc_t = typename acc_type<T>::type;

size_t dtype_size(DType t);
const char* dtype_name(DType t);  // numpy name: "float32", "bool", ...
bool dtype_from_name(const std::string& name, DType* out);
bool dtype_from_code(int code, DType* out);
inline bool is_floating(DType t) {
  return t == DType::Float32 || t == DType::Float64 || t == DType::Float16;
}

template <typename T>
struct dtype_of;
template <>
struct dtype_of<float> {
  static constexpr DType value = DType::Float32;
};
template <>
struct dtype_of<double> {
  static constexpr DType value = DType::Float64;
};
template <>
struct dtype_of<half_t> {
  static constexpr DType value = DType::Float16;
};
template <>
struct dtype_of<uint8_t> {
  static constexpr DType value = DType::UInt8;
};
template <>
struct dtype_of<int32_t> {
  static constexpr DType value = DType::Int32;
};
template <>
struct dtype_of<int8_t> {
  static constexpr DType value = DType::Int8;
};
template <>
struct dtype_of<int64_t> {
  static constexpr DType value = DType::Int64;
};
template <>
struct dtype_of<bool> {
  static constexpr DType value = DType::Bool;
};

}  // namespace gl

// Runs the body with `scalar_t` bound to the C++ type of `DT`. One switch, reused by
// every kernel, so adding a dtype is a one-line change.
#define GL_DTYPE_CASE(ENUM, TYPE, ...) \
  case ::gl::DType::ENUM: {            \
    using scalar_t = TYPE;             \
    __VA_ARGS__;                       \
  } break;

#define GL_DISPATCH_ALL(DT, OPNAME, ...)                \
  switch (DT) {                                         \
    GL_DTYPE_CASE(Float32, float, __VA_ARGS__)          \
    GL_DTYPE_CASE(Float64, double, __VA_ARGS__)         \
    GL_DTYPE_CASE(Float16, ::gl::half_t, __VA_ARGS__)   \
    GL_DTYPE_CASE(UInt8, uint8_t, __VA_ARGS__)          \
    GL_DTYPE_CASE(Int32, int32_t, __VA_ARGS__)          \
    GL_DTYPE_CASE(Int8, int8_t, __VA_ARGS__)            \
    GL_DTYPE_CASE(Int64, int64_t, __VA_ARGS__)          \
    GL_DTYPE_CASE(Bool, bool, __VA_ARGS__)              \
    default: ::gl::throw_unsupported_dtype(OPNAME, DT); \
  }

#define GL_DISPATCH_FLOAT(DT, OPNAME, ...)              \
  switch (DT) {                                         \
    GL_DTYPE_CASE(Float32, float, __VA_ARGS__)          \
    GL_DTYPE_CASE(Float64, double, __VA_ARGS__)         \
    GL_DTYPE_CASE(Float16, ::gl::half_t, __VA_ARGS__)   \
    default: ::gl::throw_unsupported_dtype(OPNAME, DT); \
  }

namespace gl {
[[noreturn]] void throw_unsupported_dtype(const char* op, DType t);
}
