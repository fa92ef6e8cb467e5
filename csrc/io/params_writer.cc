// The .params writer: V2 records, byte-identical to MXNet 1.9.1's nd.save.
#include "../ops/ops.h"
#include "byte_stream.h"
#include "params_format.h"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "the .params format is little-endian and is written from memory as is");

namespace gl::io {

namespace {

template <typename T>
void put(ByteSink& sink, T value) {
  sink.write(&value, sizeof value);
}

Tensor host_contiguous(const Tensor& t) {
  if (t.device().is_cpu()) return ops::contiguous(t);
  Tensor host = Tensor::empty(t.shape(), t.dtype(), cpu_device());
  ops::copy_(host, t);
  return host;
}

void check_inputs(const std::vector<Tensor>& arrays, const std::vector<std::string>& names) {
  GL_CHECK(names.empty() || names.size() == arrays.size(), "save: got ", arrays.size(),
           " arrays but ", names.size(), " names");
  for (size_t i = 0; i < arrays.size(); ++i)
    GL_CHECK(arrays[i].defined(), "save: array ", i, " is empty (none)");
}

void write_params(ByteSink& sink, const std::vector<Tensor>& arrays,
                  const std::vector<std::string>& names) {
  check_inputs(arrays, names);
  put<uint64_t>(sink, kListMagic);
  put<uint64_t>(sink, 0);
  put<uint64_t>(sink, arrays.size());
  for (const Tensor& t : arrays) {
    // V2, dense. A 0-d array gets device, dtype and data after ndim 0, exactly as MXNet
    // writes it (its reader then stops early; ours does not).
    put<uint32_t>(sink, kRecordV2Magic);
    put<int32_t>(sink, 0);
    put<int32_t>(sink, t.ndim());
    for (int64_t d : t.shape()) put<int64_t>(sink, d);
    put<int32_t>(sink, static_cast<int32_t>(t.device().type));
    put<int32_t>(sink, t.device().id);
    put<int32_t>(sink, static_cast<int32_t>(t.dtype()));
    Tensor host = host_contiguous(t);
    sink.write(host.raw_data(), host.nbytes());
  }
  put<uint64_t>(sink, names.size());
  for (const std::string& name : names) {
    put<uint64_t>(sink, name.size());
    sink.write(name.data(), name.size());
  }
  sink.flush();
}

}  // namespace

uint64_t encoded_size(const std::vector<Tensor>& arrays, const std::vector<std::string>& names) {
  check_inputs(arrays, names);
  uint64_t size = 3 * 8 + 8;  // header, name count
  for (const Tensor& t : arrays) size += 4 + 4 + 4 + 8 * t.ndim() + 12 + t.nbytes();
  for (const std::string& name : names) size += 8 + name.size();
  return size;
}

void save_to_fd(int fd, const std::vector<Tensor>& arrays, const std::vector<std::string>& names,
                const std::string& label) {
  FdSink sink(fd, label);
  write_params(sink, arrays, names);
}

void save_to_memory(char* dst, uint64_t size, const std::vector<Tensor>& arrays,
                    const std::vector<std::string>& names) {
  MemorySink sink(dst, size);
  write_params(sink, arrays, names);
  GL_CHECK(sink.written() == size, "internal error: .params encoder wrote ", sink.written(), " of ",
           size, " bytes");
}

}  // namespace gl::io
