// NCCL, loaded at run time (as cuBLAS is): gradient allreduce between GPUs, in one process
// or across MPI workers. The development machines have no NCCL headers, so the few entry
// points used are declared in nccl.cc by hand (the C ABI of libnccl 2.x), resolved with
// dlopen/dlsym. The library comes from the nvidia-nccl-cu13 / -cu12 wheel (the `nccl`
// extra) beside the gluonlite package, $GLUONLITE_NCCL_PATH, or the system's libnccl.so.2.
// Without it, the kvstores reduce through copies (see kvstore/).
#pragma once
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "../core/tensor.h"

namespace gl::comm::nccl {

// Whether libnccl could be loaded (and GLUONLITE_DISABLE_NCCL is not 1).
bool available();
// Why it could not be, or "" when it could.
std::string unavailable_reason();
std::string loaded_path();
int version();  // ncclGetVersion, e.g. 23203 for 2.32.3

// In-place sum of `tensors`, one per GPU, all alike in shape and dtype, contiguous, each on
// a different device (ncclCommInitAll over their devices, cached per device list).
void all_reduce_local(const std::vector<Tensor>& tensors);

using UniqueId = std::array<char, 128>;  // ncclUniqueId
UniqueId unique_id();                    // rank 0 makes it, MPI gives it to the others

// One rank of a communicator spanning processes (ncclCommInitRank), bound to one GPU.
class Communicator {
 public:
  Communicator(int nranks, const UniqueId& id, int rank, int device_id);
  ~Communicator();
  Communicator(const Communicator&) = delete;
  Communicator& operator=(const Communicator&) = delete;

  // Enqueues an in-place sum of `t` (on this communicator's GPU) over the ranks; returns at
  // once. wait() blocks until every enqueued operation is done.
  void all_reduce(const Tensor& t);
  void broadcast(const Tensor& t, int root);
  void wait();
  int nranks() const { return nranks_; }
  int rank() const { return rank_; }
  int device_id() const { return device_id_; }

 private:
  void* comm_ = nullptr;  // ncclComm_t
  int nranks_, rank_, device_id_;
};

}  // namespace gl::comm::nccl
