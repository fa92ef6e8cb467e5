// Reference-counted device memory. Buffers come from a per-device caching allocator
// (size-class free lists) so the small-tensor hot path never reaches malloc/cudaMalloc.
#pragma once
#include <cstddef>
#include <functional>
#include <memory>

#include "device.h"

namespace gl {

struct Storage {
  void* data = nullptr;
  size_t nbytes = 0;    // bytes the user asked for
  size_t capacity = 0;  // bytes of the size class actually held
  Device device;
  std::function<void()> external_release;  // set for memory we borrowed (DLPack, numpy)

  Storage() = default;
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;
  ~Storage();
};

// Larger requests are refused before reaching malloc (and before size classes could wrap).
constexpr size_t kMaxAllocationBytes = size_t(1) << 60;
std::shared_ptr<Storage> allocate_storage(size_t nbytes, Device device);
std::shared_ptr<Storage> wrap_external_storage(void* data, size_t nbytes, Device device,
                                               std::function<void()> release);

struct AllocatorStats {
  size_t live_buffers = 0;  // buffers handed out and not yet returned
  size_t live_bytes = 0;
  size_t cached_bytes = 0;  // held in free lists for reuse
};
AllocatorStats cpu_allocator_stats();
void cpu_allocator_empty_cache();

// Implemented in cuda/ (or as stubs raising "no CUDA" in a CPU-only build).
void* cuda_raw_alloc(size_t capacity, int device_id);
void cuda_raw_free(void* ptr, size_t capacity, int device_id);

// Size class used by the caching allocators: four steps per power of two (<= 25 % waste).
size_t allocation_size_class(size_t nbytes);

}  // namespace gl
