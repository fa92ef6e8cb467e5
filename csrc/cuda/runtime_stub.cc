// CPU-only build: every GPU request gets the same clear error.
#include "../core/error.h"
#include "../core/storage.h"
#include "runtime.h"

namespace gl::cuda {

namespace {
[[noreturn]] void no_cuda(const char* what) {
  GL_THROW(ErrorKind::MXNet, what,
           ": this gluonlite build has no CUDA support (num_gpus() == 0). Rebuild with a CUDA "
           "compiler available (CMake option GLUONLITE_CUDA=ON) or use mx.cpu().");
}
}  // namespace

bool compiled_with_cuda() { return false; }
int device_count() { return 0; }
void require_device(int, const char* what) { no_cuda(what); }
void copy_host_to_device(void*, const void*, size_t, int) { no_cuda("copy to GPU"); }
void copy_device_to_host(void*, const void*, size_t, int) { no_cuda("copy from GPU"); }
void copy_device_to_device(void*, int, const void*, int, size_t) { no_cuda("GPU copy"); }
void synchronize(int) {}
void check_launch(const char* op) { no_cuda(op); }
size_t cached_bytes(int) { return 0; }
void empty_cache(int) {}
DeviceScope::DeviceScope(int) {}
DeviceScope::~DeviceScope() {}

}  // namespace gl::cuda

namespace gl {
void* cuda_raw_alloc(size_t, int) {
  cuda::require_device(0, "allocating GPU memory");
  return nullptr;
}
void cuda_raw_free(void*, size_t, int) {}
}  // namespace gl
