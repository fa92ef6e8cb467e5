#include "storage.h"

#include <cstdlib>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

#include "error.h"

namespace gl {

namespace {

constexpr size_t kAlignment = 64;                    // AVX-512 friendly
constexpr size_t kMaxCachedBytes = size_t(1) << 30;  // beyond this, free for real

class CpuCachingAllocator {
 public:
  void* allocate(size_t capacity) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = free_lists_.find(capacity);
      if (it != free_lists_.end() && !it->second.empty()) {
        void* ptr = it->second.back();
        it->second.pop_back();
        cached_bytes_ -= capacity;
        ++live_buffers_;
        live_bytes_ += capacity;
        return ptr;
      }
    }
    void* ptr = std::aligned_alloc(kAlignment, capacity);
    if (ptr == nullptr) {
      empty_cache();  // give cached memory back and try once more
      ptr = std::aligned_alloc(kAlignment, capacity);
    }
    GL_CHECK(ptr != nullptr, "out of memory: could not allocate ", capacity, " bytes on cpu(0)");
    std::lock_guard<std::mutex> lock(mutex_);
    ++live_buffers_;
    live_bytes_ += capacity;
    return ptr;
  }

  void release(void* ptr, size_t capacity) {
    std::lock_guard<std::mutex> lock(mutex_);
    --live_buffers_;
    live_bytes_ -= capacity;
    if (cached_bytes_ + capacity > kMaxCachedBytes) {
      std::free(ptr);
      return;
    }
    free_lists_[capacity].push_back(ptr);
    cached_bytes_ += capacity;
  }

  void empty_cache() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& kv : free_lists_)
      for (void* p : kv.second) std::free(p);
    free_lists_.clear();
    cached_bytes_ = 0;
  }

  AllocatorStats stats() {
    std::lock_guard<std::mutex> lock(mutex_);
    return AllocatorStats{live_buffers_, live_bytes_, cached_bytes_};
  }

 private:
  std::mutex mutex_;
  std::unordered_map<size_t, std::vector<void*>> free_lists_;
  size_t cached_bytes_ = 0, live_buffers_ = 0, live_bytes_ = 0;
};

CpuCachingAllocator& cpu_allocator() {
  // Deliberately leaked: tensors destroyed during interpreter shutdown still return here.
  static CpuCachingAllocator* instance = new CpuCachingAllocator();
  return *instance;
}

}  // namespace

size_t allocation_size_class(size_t nbytes) {
  if (nbytes <= 64) return 64;
  if (nbytes <= 1024) return (nbytes + 63) & ~size_t(63);
  size_t power = size_t(1) << (63 - __builtin_clzll(nbytes - 1));  // largest 2^k < nbytes
  size_t step = power / 4;
  return (nbytes + step - 1) / step * step;
}

std::shared_ptr<Storage> allocate_storage(size_t nbytes, Device device) {
  auto storage = std::make_shared<Storage>();
  storage->nbytes = nbytes;
  storage->capacity = allocation_size_class(nbytes);
  storage->device = device;
  if (device.is_cpu()) {
    storage->data = cpu_allocator().allocate(storage->capacity);
  } else {
    storage->data = cuda_raw_alloc(storage->capacity, device.id);
  }
  return storage;
}

std::shared_ptr<Storage> wrap_external_storage(void* data, size_t nbytes, Device device,
                                               std::function<void()> release) {
  auto storage = std::make_shared<Storage>();
  storage->data = data;
  storage->nbytes = nbytes;
  storage->capacity = nbytes;
  storage->device = device;
  storage->external_release = std::move(release);
  return storage;
}

Storage::~Storage() {
  if (external_release) {
    external_release();
  } else if (data != nullptr) {
    if (device.is_cpu())
      cpu_allocator().release(data, capacity);
    else
      cuda_raw_free(data, capacity, device.id);
  }
}

AllocatorStats cpu_allocator_stats() { return cpu_allocator().stats(); }
void cpu_allocator_empty_cache() { cpu_allocator().empty_cache(); }

}  // namespace gl
