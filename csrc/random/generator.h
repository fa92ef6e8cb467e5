// The one generator's state as the fills see it: every fill (random.cc) and sampler
// (samplers.cc) takes the next stream of the current seed, so no two draws since seed()
// share a Philox counter.
#pragma once
#include <cstdint>

namespace gl::ops {

// Where one fill call draws from.
struct Draw {
  uint64_t seed;
  uint64_t stream;
};

// Takes the next stream (thread-safe).
Draw next_draw();

}  // namespace gl::ops
