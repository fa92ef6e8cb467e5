// The CUDA runtime as the rest of the core sees it. Plain C++ (no CUDA headers), so ops can
// call it from .cc files; a CPU-only build links runtime_stub.cc, whose functions report
// that no GPU is available.
#pragma once
#include <cstddef>

namespace gl::cuda {

bool compiled_with_cuda();
int device_count();  // 0 when built without CUDA or when no GPU/driver is present
// Throws MXNetError naming `what` unless gpu(device_id) exists.
void require_device(int device_id, const char* what);
void copy_host_to_device(void* dst, const void* src, size_t nbytes, int device_id);
void copy_device_to_host(void* dst, const void* src, size_t nbytes, int device_id);
void copy_device_to_device(void* dst, int dst_device, const void* src, int src_device,
                           size_t nbytes);
void synchronize(int device_id);  // reports asynchronous kernel errors
// Raises MXNetError naming `op` if the last launch failed.
void check_launch(const char* op);
size_t cached_bytes(int device_id);

// Makes gpu(device_id) current for the kernels launched in its lifetime (and restores
// the previous device): every launch goes to the GPU its tensors live on.
class DeviceScope {
 public:
  explicit DeviceScope(int device_id);
  ~DeviceScope();
  DeviceScope(const DeviceScope&) = delete;
  DeviceScope& operator=(const DeviceScope&) = delete;

 private:
  int previous_ = -1;
};
void empty_cache(int device_id);

}  // namespace gl::cuda

// Runs a CUDA launcher on DEVICE's GPU in a CUDA build; in a CPU-only build reports the
// missing GPU.
#ifdef GLUONLITE_WITH_CUDA
#define GL_CUDA_LAUNCH(OPNAME, DEVICE, ...)                \
  do {                                                     \
    ::gl::cuda::DeviceScope gl_device_scope_((DEVICE).id); \
    __VA_ARGS__;                                           \
  } while (0)
#else
#define GL_CUDA_LAUNCH(OPNAME, DEVICE, ...) ::gl::cuda::require_device((DEVICE).id, OPNAME)
#endif
