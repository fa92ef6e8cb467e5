// DLPack exchange (__dlpack__, __dlpack_device__, nd.from_dlpack). The struct layout is the
// DLPack ABI (v0.8, unversioned capsules named "dltensor"), declared here.
#include <cstdint>
#include <memory>

#include "../ops/ops.h"
#include "bind.h"

namespace gl::bind {

namespace {

struct DLDevice {
  int32_t device_type;
  int32_t device_id;
};
struct DLDataType {
  uint8_t code;
  uint8_t bits;
  uint16_t lanes;
};
struct DLTensor {
  void* data;
  DLDevice device;
  int32_t ndim;
  DLDataType dtype;
  int64_t* shape;
  int64_t* strides;
  uint64_t byte_offset;
};
struct DLManagedTensor {
  DLTensor dl_tensor;
  void* manager_ctx;
  void (*deleter)(DLManagedTensor* self);
};

enum : uint8_t { kDLInt = 0, kDLUInt = 1, kDLFloat = 2, kDLBool = 6 };
enum : int32_t { kDLCPU = 1, kDLCUDA = 2 };

// Keeps the exported tensor (and so its storage) alive until the consumer calls deleter.
struct ExportContext {
  Tensor tensor;
  Shape shape, strides;
  DLManagedTensor managed;
};

DLDataType to_dl_dtype(DType t) {
  switch (t) {
    case DType::Float32: return {kDLFloat, 32, 1};
    case DType::Float64: return {kDLFloat, 64, 1};
    case DType::Float16: return {kDLFloat, 16, 1};
    case DType::UInt8: return {kDLUInt, 8, 1};
    case DType::Int8: return {kDLInt, 8, 1};
    case DType::Int32: return {kDLInt, 32, 1};
    case DType::Int64: return {kDLInt, 64, 1};
    case DType::Bool: return {kDLBool, 8, 1};
  }
  return {kDLFloat, 32, 1};
}

DType from_dl_dtype(DLDataType d) {
  GL_CHECK_KIND(d.lanes == 1, ErrorKind::Type, "from_dlpack: vector dtypes (lanes=", d.lanes,
                ") are not supported");
  if (d.code == kDLFloat && d.bits == 32) return DType::Float32;
  if (d.code == kDLFloat && d.bits == 64) return DType::Float64;
  if (d.code == kDLFloat && d.bits == 16) return DType::Float16;
  if (d.code == kDLUInt && d.bits == 8) return DType::UInt8;
  if (d.code == kDLInt && d.bits == 8) return DType::Int8;
  if (d.code == kDLInt && d.bits == 32) return DType::Int32;
  if (d.code == kDLInt && d.bits == 64) return DType::Int64;
  if (d.code == kDLBool && d.bits == 8) return DType::Bool;
  GL_THROW(ErrorKind::Type, "from_dlpack: unsupported DLPack dtype (code ", int(d.code), ", bits ",
           int(d.bits), ")");
}

void capsule_destructor(PyObject* capsule) {
  // Called when a capsule is garbage-collected without having been consumed.
  if (PyCapsule_IsValid(capsule, "dltensor")) {
    auto* managed = static_cast<DLManagedTensor*>(PyCapsule_GetPointer(capsule, "dltensor"));
    if (managed && managed->deleter) managed->deleter(managed);
  }
}

py::capsule to_dlpack(const Tensor& t) {
  auto ctx = std::make_unique<ExportContext>();
  ctx->tensor = t;
  ctx->shape = t.shape();
  ctx->strides = t.strides();
  DLTensor& dl = ctx->managed.dl_tensor;
  dl.data = t.raw_data();
  dl.device = {t.device().is_gpu() ? kDLCUDA : kDLCPU, t.device().id};
  dl.ndim = t.ndim();
  dl.dtype = to_dl_dtype(t.dtype());
  dl.shape = ctx->shape.data();
  dl.strides = ctx->strides.data();
  dl.byte_offset = 0;
  ctx->managed.manager_ctx = ctx.get();
  ctx->managed.deleter = [](DLManagedTensor* self) {
    delete static_cast<ExportContext*>(self->manager_ctx);
  };
  DLManagedTensor* managed = &ctx.release()->managed;
  return py::capsule(managed, "dltensor", &capsule_destructor);
}

Tensor from_dlpack_capsule(py::capsule capsule) {
  GL_CHECK_KIND(
      PyCapsule_IsValid(capsule.ptr(), "dltensor"), ErrorKind::Value,
      "from_dlpack: expected an unused 'dltensor' capsule (each capsule can be consumed once)");
  auto* managed = static_cast<DLManagedTensor*>(PyCapsule_GetPointer(capsule.ptr(), "dltensor"));
  const DLTensor& dl = managed->dl_tensor;
  GL_CHECK(dl.device.device_type == kDLCPU || dl.device.device_type == kDLCUDA,
           "from_dlpack: unsupported device type ", dl.device.device_type);
  DType dtype = from_dl_dtype(dl.dtype);
  Shape shape(dl.shape, dl.shape + dl.ndim);
  Shape strides = dl.strides ? Shape(dl.strides, dl.strides + dl.ndim) : contiguous_strides(shape);
  Device device{dl.device.device_type == kDLCUDA ? DeviceType::GPU : DeviceType::CPU,
                dl.device.device_id};
  void* data = static_cast<char*>(dl.data) + dl.byte_offset;
  auto storage = wrap_external_storage(
      data, static_cast<size_t>(shape_numel(shape)) * dtype_size(dtype), device, [managed] {
        if (managed->deleter) managed->deleter(managed);
      });
  PyCapsule_SetName(capsule.ptr(), "used_dltensor");
  PyCapsule_SetDestructor(capsule.ptr(), nullptr);
  return Tensor::from_storage(storage, shape, strides, dtype);
}

}  // namespace

void bind_dlpack(py::module_& m) {
  py::class_<Tensor> cls = py::reinterpret_borrow<py::class_<Tensor>>(m.attr("NDArray"));
  cls.def(
         "__dlpack__", [](const Tensor& t, py::kwargs) { return to_dlpack(t); },
         "Exports the array as a DLPack capsule (zero copy).")
      .def("__dlpack_device__",
           [](const Tensor& t) {
             return py::make_tuple(static_cast<int>(t.device().is_gpu() ? kDLCUDA : kDLCPU),
                                   t.device().id);
           })
      .def("to_dlpack_for_read", &to_dlpack)
      .def("to_dlpack_for_write", &to_dlpack);
  m.def(
      "from_dlpack",
      [](py::object obj) {
        if (py::isinstance<py::capsule>(obj))
          return from_dlpack_capsule(py::reinterpret_borrow<py::capsule>(obj));
        if (py::hasattr(obj, "__dlpack__")) return from_dlpack_capsule(obj.attr("__dlpack__")());
        GL_THROW(ErrorKind::Type,
                 "from_dlpack: expected a DLPack capsule or an object with __dlpack__, got ",
                 py::str(py::type::of(obj)).cast<std::string>());
      },
      "Wraps a DLPack capsule or __dlpack__ object without copying.");
}

}  // namespace gl::bind
