// Finds and loads libnccl at run time and drives it (see nccl.h). Plain C++: the CUDA
// runtime is reached through cuda/runtime.h, so this file builds with and without CUDA
// (without, no tensor can be on a GPU and every call stops at the device check).
#include "nccl.h"

#include <dlfcn.h>
#include <sys/stat.h>

#include <cstdlib>
#include <map>
#include <mutex>

#include "../core/error.h"
#include "../cuda/runtime.h"

namespace gl::comm::nccl {

namespace {

// ---- the C ABI of libnccl 2.x, declared by hand ------------------------------------------
using Comm = void*;      // ncclComm_t
using Result = int;      // ncclResult_t: 0 is ncclSuccess
using Stream = void*;    // cudaStream_t; nullptr: the default stream our kernels run on
constexpr int kSum = 0;  // ncclSum

struct Api {
  Result (*get_version)(int*);
  Result (*get_unique_id)(UniqueId*);
  Result (*comm_init_all)(Comm*, int, const int*);
  Result (*comm_init_rank)(Comm*, int, UniqueId, int);
  Result (*comm_destroy)(Comm);
  Result (*all_reduce)(const void*, void*, size_t, int, int, Comm, Stream);
  Result (*broadcast)(const void*, void*, size_t, int, int, Comm, Stream);
  Result (*group_start)();
  Result (*group_end)();
  const char* (*error_string)(Result);
};

struct Library {
  Api api{};
  bool ok = false;
  std::string path, reason;
};

bool is_directory(const char* path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

// Folder holding the site-packages our extension module was installed into.
std::string site_packages_dir() {
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&available), &info) == 0 || info.dli_fname == nullptr)
    return "";
  std::string module = info.dli_fname;  // .../site-packages/gluonlite/_core.*.so
  for (int up = 0; up < 2; ++up) {
    size_t slash = module.rfind('/');
    if (slash == std::string::npos) return "";
    module = module.substr(0, slash);
  }
  return module;
}

std::vector<std::string> candidates(bool* explicit_path) {
  std::vector<std::string> out;
  *explicit_path = false;
  if (const char* env = std::getenv("GLUONLITE_NCCL_PATH"); env && *env) {
    *explicit_path = true;
    out.push_back(is_directory(env) ? std::string(env) + "/libnccl.so.2" : std::string(env));
    return out;  // an explicit choice is the only one tried
  }
  std::string site = site_packages_dir();
  if (!site.empty()) out.push_back(site + "/nvidia/nccl/lib/libnccl.so.2");
  out.push_back("libnccl.so.2");
  return out;
}

template <typename Fn>
bool resolve(void* lib, const char* name, Fn* out) {
  *out = reinterpret_cast<Fn>(dlsym(lib, name));
  return *out != nullptr;
}

Library load() {
  Library l;
  bool explicit_path = false;
  std::vector<std::string> tried = candidates(&explicit_path);
  std::string errors;
  for (const std::string& path : tried) {
    void* lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
      const char* e = dlerror();
      errors += "\n  " + path + ": " + (e ? e : "not found");
      continue;
    }
    Api& a = l.api;
    bool all = resolve(lib, "ncclGetVersion", &a.get_version) &&
               resolve(lib, "ncclGetUniqueId", &a.get_unique_id) &&
               resolve(lib, "ncclCommInitAll", &a.comm_init_all) &&
               resolve(lib, "ncclCommInitRank", &a.comm_init_rank) &&
               resolve(lib, "ncclCommDestroy", &a.comm_destroy) &&
               resolve(lib, "ncclAllReduce", &a.all_reduce) &&
               resolve(lib, "ncclBroadcast", &a.broadcast) &&
               resolve(lib, "ncclGroupStart", &a.group_start) &&
               resolve(lib, "ncclGroupEnd", &a.group_end) &&
               resolve(lib, "ncclGetErrorString", &a.error_string);
    if (!all) {
      errors += "\n  " + path + ": not an NCCL 2 library (missing entry points)";
      dlclose(lib);
      continue;
    }
    l.ok = true;
    l.path = path;
    return l;
  }
  l.reason =
      "no NCCL library could be loaded (pip install 'gluonlite[nccl]', or set "
      "GLUONLITE_NCCL_PATH to libnccl.so.2); tried:" +
      errors;
  return l;
}

const Library& library() {
  static const Library lib = load();
  return lib;
}

bool disabled() {
  const char* env = std::getenv("GLUONLITE_DISABLE_NCCL");
  return env != nullptr && std::string(env) == "1";
}

const Api& api(const char* what) {
  GL_CHECK(!disabled(), what, ": NCCL is disabled (GLUONLITE_DISABLE_NCCL=1)");
  const Library& lib = library();
  GL_CHECK(lib.ok, what, ": ", lib.reason);
  return lib.api;
}

void check(Result r, const char* what) {
  if (r == 0) return;
  const char* text = library().ok ? library().api.error_string(r) : "unknown error";
  GL_THROW(ErrorKind::MXNet, what, " failed: NCCL error ", r, " (", text, ")");
}

int nccl_dtype(DType d, const char* what) {
  switch (d) {
    case DType::Float32: return 7;  // ncclFloat32
    case DType::Float64: return 8;  // ncclFloat64
    case DType::Float16: return 6;  // ncclFloat16
    case DType::Int32: return 2;    // ncclInt32
    case DType::Int64: return 4;    // ncclInt64
    case DType::UInt8: return 1;    // ncclUint8
    case DType::Int8: return 0;     // ncclInt8
    default: break;
  }
  GL_THROW(ErrorKind::Type, what, ": NCCL cannot reduce dtype ", dtype_name(d));
}

void check_gpu_tensor(const Tensor& t, const char* what) {
  GL_CHECK(t.device().is_gpu(), what, ": arrays must be on GPUs, got one on ", t.device().str());
  GL_CHECK(t.is_contiguous(), what, ": arrays must be contiguous");
}

}  // namespace

bool available() { return !disabled() && library().ok; }

std::string unavailable_reason() {
  if (disabled()) return "NCCL is disabled (GLUONLITE_DISABLE_NCCL=1)";
  return library().ok ? "" : library().reason;
}

std::string loaded_path() { return library().ok ? library().path : ""; }

int version() {
  int v = 0;
  check(api("nccl version").get_version(&v), "ncclGetVersion");
  return v;
}

void all_reduce_local(const std::vector<Tensor>& tensors) {
  const char* what = "NCCL allreduce";
  GL_CHECK(!tensors.empty(), what, ": no arrays");
  std::vector<int> devices;
  for (const Tensor& t : tensors) {
    check_gpu_tensor(t, what);
    GL_CHECK(t.shape() == tensors[0].shape() && t.dtype() == tensors[0].dtype(), what,
             ": arrays must agree in shape and dtype, got ", shape_str(t.shape()), " ",
             dtype_name(t.dtype()), " and ", shape_str(tensors[0].shape()), " ",
             dtype_name(tensors[0].dtype()));
    for (int d : devices)
      GL_CHECK(d != t.device().id, what, ": two arrays on gpu(", d, "); one per GPU");
    devices.push_back(t.device().id);
  }
  const Api& a = api(what);
  int dtype = nccl_dtype(tensors[0].dtype(), what);
  // one communicator set per device list, kept for the life of the process
  static std::mutex mutex;
  static std::map<std::vector<int>, std::vector<Comm>> comms;
  std::lock_guard<std::mutex> lock(mutex);
  std::vector<Comm>& set = comms[devices];
  if (set.empty()) {
    set.resize(devices.size());
    check(a.comm_init_all(set.data(), static_cast<int>(devices.size()), devices.data()),
          "ncclCommInitAll");
  }
  check(a.group_start(), "ncclGroupStart");
  for (size_t i = 0; i < tensors.size(); ++i) {
    cuda::DeviceScope scope(devices[i]);
    void* p = tensors[i].raw_data();
    Result r =
        a.all_reduce(p, p, static_cast<size_t>(tensors[i].numel()), dtype, kSum, set[i], nullptr);
    if (r != 0) {
      a.group_end();
      check(r, "ncclAllReduce");
    }
  }
  check(a.group_end(), "ncclGroupEnd");
  for (int d : devices) cuda::synchronize(d);
}

UniqueId unique_id() {
  UniqueId id{};
  check(api("NCCL unique id").get_unique_id(&id), "ncclGetUniqueId");
  return id;
}

Communicator::Communicator(int nranks, const UniqueId& id, int rank, int device_id)
    : nranks_(nranks), rank_(rank), device_id_(device_id) {
  const char* what = "NCCL communicator";
  GL_CHECK_KIND(nranks > 0 && rank >= 0 && rank < nranks, ErrorKind::Value, what, ": rank ", rank,
                " of ", nranks);
  const Api& a = api(what);
  cuda::require_device(device_id, what);
  cuda::DeviceScope scope(device_id);
  Comm comm = nullptr;
  check(a.comm_init_rank(&comm, nranks, id, rank), "ncclCommInitRank");
  comm_ = comm;
}

Communicator::~Communicator() {
  if (comm_ != nullptr && library().ok) library().api.comm_destroy(comm_);
}

void Communicator::all_reduce(const Tensor& t) {
  const char* what = "NCCL allreduce";
  check_gpu_tensor(t, what);
  GL_CHECK(t.device().id == device_id_, what, ": the array is on gpu(", t.device().id,
           "), the communicator on gpu(", device_id_, ")");
  const Api& a = api(what);
  cuda::DeviceScope scope(device_id_);
  void* p = t.raw_data();
  check(a.all_reduce(p, p, static_cast<size_t>(t.numel()), nccl_dtype(t.dtype(), what), kSum, comm_,
                     nullptr),
        "ncclAllReduce");
}

void Communicator::broadcast(const Tensor& t, int root) {
  const char* what = "NCCL broadcast";
  check_gpu_tensor(t, what);
  GL_CHECK_KIND(root >= 0 && root < nranks_, ErrorKind::Value, what, ": root ", root, " of ",
                nranks_);
  const Api& a = api(what);
  cuda::DeviceScope scope(device_id_);
  void* p = t.raw_data();
  check(a.broadcast(p, p, static_cast<size_t>(t.numel()), nccl_dtype(t.dtype(), what), root, comm_,
                    nullptr),
        "ncclBroadcast");
}

void Communicator::wait() { cuda::synchronize(device_id_); }

}  // namespace gl::comm::nccl
