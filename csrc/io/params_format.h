// MXNet 1.x's .params / nd.save binary format, read and written natively.
//
// File: uint64 0x112, uint64 reserved, uint64 N, N array records, uint64 K (0 or N),
// K x (uint64 length, UTF-8 bytes). Little-endian, unpadded, no checksum.
//
// The writer emits V2 records (magic 0xF993FAC9) byte-identical to MXNet 1.9.1's, 0-d
// arrays included (MXNet writes them in a form its own reader cannot load). The reader
// also takes V3 (numpy-shape), V1, pre-V1 (uint32 dims), records saved on any device,
// row_sparse / csr records (densified) and bfloat16 (widened to float32). Every length is
// checked against the bytes that remain before anything is allocated, and every error
// names the source, the record and the byte offset.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "../core/tensor.h"

namespace gl::io {

constexpr uint64_t kListMagic = 0x112;
constexpr uint32_t kRecordV1Magic = 0xF993FAC8;
constexpr uint32_t kRecordV2Magic = 0xF993FAC9;
constexpr uint32_t kRecordV3Magic = 0xF993FACA;
constexpr int kMaxDims = 32;  // more dims than numpy allows marks a corrupt record

struct ParamsContent {
  std::vector<Tensor> arrays;      // CPU tensors; an undefined one is MXNet's "none" array
  std::vector<std::string> names;  // empty when the file was saved from a list
};

// ---- writing -------------------------------------------------------------------------------
// `names` is empty (a list) or one per array (a dict). GPU and strided arrays are copied to
// host memory one at a time while writing.
uint64_t encoded_size(const std::vector<Tensor>& arrays, const std::vector<std::string>& names);
void save_to_fd(int fd, const std::vector<Tensor>& arrays, const std::vector<std::string>& names,
                const std::string& label);
void save_to_memory(char* dst, uint64_t size, const std::vector<Tensor>& arrays,
                    const std::vector<std::string>& names);

// ---- reading -------------------------------------------------------------------------------
// `label` names the source in error messages ("file 'model.params'").
ParamsContent load_from_fd(int fd, const std::string& label);
ParamsContent load_from_memory(const void* data, uint64_t size, const std::string& label);

}  // namespace gl::io
