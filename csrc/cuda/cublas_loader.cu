// Finds and loads libcublas at run time (see cublas_loader.h). Plain C++: it is a .cu file
// only so that it is compiled exactly when the CUDA kernels are.
#include "cublas_loader.h"

#include <dlfcn.h>
#include <sys/stat.h>

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

namespace gl::cuda::cublas {

namespace {

const char* const kSonames[] = {"libcublas.so.13", "libcublas.so.12"};

std::string g_loaded_path;

bool is_directory(const char* path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

// Folder holding the site-packages our extension module was installed into.
std::string site_packages_dir() {
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&api), &info) == 0 || info.dli_fname == nullptr) return "";
  std::string module = info.dli_fname;  // .../site-packages/gluonlite/_core.*.so
  size_t slash = module.rfind('/');
  if (slash == std::string::npos) return "";
  std::string package_dir = module.substr(0, slash);
  slash = package_dir.rfind('/');
  return slash == std::string::npos ? "" : package_dir.substr(0, slash);
}

// Candidate files, most specific first.
std::vector<std::string> candidates() {
  std::vector<std::string> out;
  auto add_folder = [&](const std::string& dir) {
    for (const char* soname : kSonames) out.push_back(dir + "/" + soname);
  };
  if (const char* env = std::getenv("GLUONLITE_CUBLAS_PATH"); env && *env) {
    if (is_directory(env))
      add_folder(env);
    else
      out.push_back(env);
  }
  std::string site = site_packages_dir();
  if (!site.empty()) {
    add_folder(site + "/nvidia/cu13/lib");    // CUDA 13 wheels
    add_folder(site + "/nvidia/cublas/lib");  // CUDA 12 wheels
  }
  for (const char* soname : kSonames) out.push_back(soname);  // system search path
  return out;
}

void* open_library(const std::string& path) {
  // libcublas needs libcublasLt from the same folder; load it first in case the folder is
  // not on the library's own rpath.
  size_t slash = path.rfind('/');
  const std::string prefix = "libcublas.so";
  if (slash != std::string::npos && path.compare(slash + 1, prefix.size(), prefix) == 0) {
    std::string lt = path.substr(0, slash + 1) + "libcublasLt" + path.substr(slash + 10);
    dlopen(lt.c_str(), RTLD_NOW | RTLD_GLOBAL);
  }
  return dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
}

template <typename Fn>
bool resolve(void* lib, const char* name, Fn* out) {
  *out = reinterpret_cast<Fn>(dlsym(lib, name));
  return *out != nullptr;
}

const Api* load() {
  static Api api_table;
  for (const std::string& path : candidates()) {
    void* lib = open_library(path);
    if (lib == nullptr) continue;
    Api t{};
    bool ok = resolve(lib, "cublasCreate_v2", &t.create) &&
              resolve(lib, "cublasSetStream_v2", &t.set_stream) &&
              resolve(lib, "cublasSgemm_v2", &t.sgemm) &&
              resolve(lib, "cublasDgemm_v2", &t.dgemm) &&
              resolve(lib, "cublasSgemmStridedBatched", &t.sgemm_strided_batched) &&
              resolve(lib, "cublasDgemmStridedBatched", &t.dgemm_strided_batched);
    if (!ok) {
      dlclose(lib);
      continue;
    }
    api_table = t;
    g_loaded_path = path;
    return &api_table;
  }
  return nullptr;
}

bool disabled_by_env() {
  const char* env = std::getenv("GLUONLITE_DISABLE_CUBLAS");
  return env != nullptr && *env != '\0' && std::strcmp(env, "0") != 0;
}

}  // namespace

const Api* api() {
  if (disabled_by_env()) return nullptr;
  static const Api* loaded = load();  // thread-safe one-time search
  return loaded;
}

const char* loaded_path() { return g_loaded_path.c_str(); }

}  // namespace gl::cuda::cublas
