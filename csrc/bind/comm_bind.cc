// Bindings of the collective engines (csrc/comm/): NCCL, loaded at run time. The kvstores
// (gluonlite/kvstore/) use them for arrays on GPUs.
#include "../comm/nccl.h"
#include "bind.h"

namespace gl::bind {

void bind_comm(py::module_& m) {
  namespace nccl = comm::nccl;
  m.def("nccl_available", &nccl::available, "Whether libnccl could be loaded.");
  m.def("nccl_unavailable_reason", &nccl::unavailable_reason);
  m.def("nccl_loaded_path", &nccl::loaded_path);
  m.def("nccl_version", &nccl::version, "ncclGetVersion (e.g. 23203 for 2.32.3).");
  m.def(
      "nccl_all_reduce",
      [](const std::vector<Tensor>& tensors) {
        py::gil_scoped_release nogil;
        nccl::all_reduce_local(tensors);
      },
      py::arg("arrays"), "In-place sum of arrays on different GPUs of this process.");
  m.def("nccl_unique_id", [] {
    nccl::UniqueId id = nccl::unique_id();
    return py::bytes(id.data(), id.size());
  });
  py::class_<nccl::Communicator>(m, "NcclCommunicator",
                                 "One rank of an NCCL communicator across processes.")
      .def(py::init([](int nranks, const py::bytes& id, int rank, int device_id) {
             std::string raw = id;
             nccl::UniqueId uid{};
             GL_CHECK_KIND(raw.size() == uid.size(), ErrorKind::Value,
                           "NcclCommunicator: the unique id must be ", uid.size(),
                           " bytes (nccl_unique_id()), got ", raw.size());
             std::copy(raw.begin(), raw.end(), uid.begin());
             py::gil_scoped_release nogil;  // the ranks meet here
             return std::make_unique<nccl::Communicator>(nranks, uid, rank, device_id);
           }),
           py::arg("nranks"), py::arg("unique_id"), py::arg("rank"), py::arg("device_id"))
      .def("all_reduce", &nccl::Communicator::all_reduce, py::arg("array"))
      .def("broadcast", &nccl::Communicator::broadcast, py::arg("array"), py::arg("root"))
      .def("wait", &nccl::Communicator::wait, py::call_guard<py::gil_scoped_release>())
      .def_property_readonly("nranks", &nccl::Communicator::nranks)
      .def_property_readonly("rank", &nccl::Communicator::rank)
      .def_property_readonly("device_id", &nccl::Communicator::device_id);
}

}  // namespace gl::bind
