#include <cuda_runtime.h>

#include <mutex>
#include <unordered_map>
#include <vector>

#include "../core/error.h"
#include "../core/storage.h"
#include "runtime.h"

namespace gl::cuda {

namespace {

int probe_device_count() {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky "no driver" error
    return 0;
  }
  return n;
}

void check(cudaError_t err, const char* what) {
  GL_CHECK(err == cudaSuccess, what, ": CUDA error: ", cudaGetErrorString(err));
}

// Per-device caching allocator with size-class free lists (cudaMalloc is slow and syncs).
class CudaCachingAllocator {
 public:
  void* allocate(size_t capacity, int device) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto& lists = free_[device];
      auto it = lists.find(capacity);
      if (it != lists.end() && !it->second.empty()) {
        void* p = it->second.back();
        it->second.pop_back();
        cached_[device] -= capacity;
        return p;
      }
    }
    DeviceScope scope(device);
    void* p = nullptr;
    cudaError_t err = cudaMalloc(&p, capacity);
    if (err != cudaSuccess) {
      cudaGetLastError();
      empty(device);
      err = cudaMalloc(&p, capacity);
    }
    GL_CHECK(err == cudaSuccess, "out of memory on gpu(", device, "): could not allocate ",
             capacity, " bytes (", cudaGetErrorString(err), ")");
    return p;
  }
  void release(void* p, size_t capacity, int device) {
    std::lock_guard<std::mutex> lock(mutex_);
    free_[device][capacity].push_back(p);
    cached_[device] += capacity;
  }
  void empty(int device) {
    std::lock_guard<std::mutex> lock(mutex_);
    DeviceScope scope(device);
    for (auto& kv : free_[device])
      for (void* p : kv.second) cudaFree(p);
    free_[device].clear();
    cached_[device] = 0;
  }
  size_t cached(int device) {
    std::lock_guard<std::mutex> lock(mutex_);
    return cached_[device];
  }

 private:
  std::mutex mutex_;
  std::unordered_map<int, std::unordered_map<size_t, std::vector<void*>>> free_;
  std::unordered_map<int, size_t> cached_;
};

CudaCachingAllocator& allocator() {
  static CudaCachingAllocator* instance = new CudaCachingAllocator();  // outlives tensors
  return *instance;
}

}  // namespace

bool compiled_with_cuda() { return true; }

int device_count() {
  static int count = probe_device_count();
  return count;
}

void require_device(int device_id, const char* what) {
  int n = device_count();
  GL_CHECK(n > 0, what, ": no CUDA GPU is available (num_gpus() == 0); use mx.cpu() instead");
  GL_CHECK(device_id >= 0 && device_id < n, what, ": gpu(", device_id,
           ") does not exist; this machine has ", n, " GPU(s): gpu(0) .. gpu(", n - 1, ")");
}

void copy_host_to_device(void* dst, const void* src, size_t nbytes, int device_id) {
  DeviceScope scope(device_id);
  check(cudaMemcpy(dst, src, nbytes, cudaMemcpyHostToDevice), "copy to GPU");
}
void copy_device_to_host(void* dst, const void* src, size_t nbytes, int device_id) {
  DeviceScope scope(device_id);
  check(cudaMemcpy(dst, src, nbytes, cudaMemcpyDeviceToHost), "copy from GPU");
}
void copy_device_to_device(void* dst, int dst_device, const void* src, int src_device,
                           size_t nbytes) {
  if (dst_device == src_device) {
    DeviceScope scope(dst_device);
    check(cudaMemcpy(dst, src, nbytes, cudaMemcpyDeviceToDevice), "GPU copy");
  } else {
    check(cudaMemcpyPeer(dst, dst_device, src, src_device, nbytes), "GPU-to-GPU copy");
  }
}
void synchronize(int device_id) {
  if (device_count() == 0) return;
  DeviceScope scope(device_id);
  check(cudaDeviceSynchronize(), "a previously launched GPU kernel failed");
}
void check_launch(const char* op) { check(cudaGetLastError(), op); }
size_t cached_bytes(int device_id) { return allocator().cached(device_id); }

DeviceScope::DeviceScope(int device_id) {
  int current = 0;
  cudaGetDevice(&current);
  if (current != device_id) {
    cudaSetDevice(device_id);
    previous_ = current;
  }
}
DeviceScope::~DeviceScope() {
  if (previous_ >= 0) cudaSetDevice(previous_);
}
void empty_cache(int device_id) { allocator().empty(device_id); }

}  // namespace gl::cuda

namespace gl {
void* cuda_raw_alloc(size_t capacity, int device_id) {
  cuda::require_device(device_id, "allocating GPU memory");
  return cuda::allocator().allocate(capacity, device_id);
}
void cuda_raw_free(void* ptr, size_t capacity, int device_id) {
  cuda::allocator().release(ptr, capacity, device_id);
}
}  // namespace gl
