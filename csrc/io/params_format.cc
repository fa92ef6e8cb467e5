// The .params reader (the writer is params_writer.cc): every version of MXNet's array
// record, with every length checked against the remaining bytes before it is used.
#include "params_format.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "../ops/ops.h"
#include "byte_stream.h"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "the .params format is little-endian and is copied to and from memory as is");

namespace gl::io {

namespace {

// MXNet type codes beyond gluonlite's eight dtypes (mshadow TypeFlag).
constexpr int kBFloat16Code = 12;
const char* kMxnetOnlyDtypes[] = {"int16", "uint16", "uint32", "uint64"};  // codes 8..11

// Bytes per element as stored in the file; 0 for a code MXNet does not know either.
size_t file_itemsize(int32_t code) {
  DType t;
  if (dtype_from_code(code, &t)) return dtype_size(t);
  switch (code) {
    case 8:
    case 9:
    case kBFloat16Code: return 2;
    case 10: return 4;
    case 11: return 8;
    default: return 0;
  }
}

// Sparse records load densified; one may grow to max(this, 64 x its own size) bytes.
uint64_t sparse_dense_floor() {
  const char* env = std::getenv("GLUONLITE_SPARSE_DENSE_LIMIT");
  if (env != nullptr && *env != '\0') {
    char* end = nullptr;
    unsigned long long value = std::strtoull(env, &end, 10);
    if (end != nullptr && *end == '\0') return value;
  }
  return uint64_t(64) << 20;
}

bool known_device_type(int32_t dev_type) {  // cpu, gpu, cpu_pinned, cpu_shared
  return dev_type == 1 || dev_type == 2 || dev_type == 3 || dev_type == 5;
}

std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08X", v);
  return buf;
}

// Position of the first byte that breaks UTF-8 (overlong forms, surrogates and code
// points past U+10FFFF count as broken), or npos.
size_t invalid_utf8_at(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp, smallest;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
      smallest = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
      smallest = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
      smallest = 0x10000;
    } else
      return i;
    if (len > s.size() - i) return i;
    for (size_t k = 1; k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < smallest || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::string::npos;
}

enum class Version { PreV1, V1, V2, V3 };

struct IndexArray {  // an aux array of a sparse record, widened to int64
  int32_t code = 6;
  Shape shape;
  std::vector<int64_t> values;
  uint64_t data_offset = 0;
};

class Reader {
 public:
  Reader(ByteSource& src, const std::string& label) : src_(src), label_(label) {}

  ParamsContent read() {
    ParamsContent out;
    uint64_t magic = get<uint64_t>("file magic");
    if (magic != kListMagic) {
      char buf[24];
      std::snprintf(buf, sizeof buf, "0x%llX", static_cast<unsigned long long>(magic));
      fail(0,
           detail::concat("not an MXNet .params file: it starts with ", buf, " instead of 0x112"));
    }
    get<uint64_t>("reserved field");  // written as 0, ignored on load (as MXNet does)
    uint64_t at = src_.offset();
    uint64_t count = get<uint64_t>("array count");
    // The smallest record (a pre-V1 'none' array) is 4 bytes: more than that is a lie.
    if (count > src_.remaining() / 4)
      fail_short(at, detail::concat("the header announces ", count, " arrays, more than the ",
                                    src_.remaining(), " remaining bytes can hold"));
    for (uint64_t i = 0; i < count; ++i) {
      where_ = detail::concat("record ", i, " (starts at byte ", src_.offset(), ")");
      out.arrays.push_back(read_record());
    }
    where_ = "name table";
    at = src_.offset();
    uint64_t name_count = get<uint64_t>("name count");
    if (name_count != 0 && name_count != count)
      fail(at, detail::concat("the file holds ", count, " arrays but ", name_count,
                              " names; a list has no names and a dict one per array"));
    for (uint64_t i = 0; i < name_count; ++i) {
      uint64_t start = src_.offset();
      where_ = detail::concat("name ", i, " (starts at byte ", start, ")");
      uint64_t len = get<uint64_t>("name length");
      if (len > src_.remaining())
        fail_short(start + 8, detail::concat("truncated: the name needs ", len, " bytes but only ",
                                             src_.remaining(), " remain"));
      std::string name(static_cast<size_t>(len), '\0');
      src_.read(name.data(), name.size());
      size_t bad = invalid_utf8_at(name);
      if (bad != std::string::npos) fail(start + 8 + bad, "the name is not valid UTF-8");
      out.names.push_back(std::move(name));
    }
    // Bytes after the name table are ignored, as MXNet ignores them.
    return out;
  }

  // Whether the outcome of read() depended on where the data ends: a stream read in
  // pieces must then be given more of it before the outcome is final.
  bool hit_end() const { return hit_end_; }

 private:
  [[noreturn]] void fail(uint64_t at, const std::string& what) const {
    GL_THROW(ErrorKind::MXNet, "Invalid NDArray file format: ", label_, ", ", where_,
             ", byte offset ", at, ": ", what);
  }
  [[noreturn]] void fail_short(uint64_t at, const std::string& what) const {
    hit_end_ = true;
    fail(at, what);
  }

  template <typename T>
  T get(const char* field) {
    if (src_.remaining() < sizeof(T))
      fail_short(src_.offset(), detail::concat("truncated: the ", field, " needs ", sizeof(T),
                                               " bytes but only ", src_.remaining(), " remain"));
    T value;
    src_.read(&value, sizeof value);
    return value;
  }

  Shape read_dims(int64_t ndim, bool uint32_dims) {
    Shape shape(static_cast<size_t>(ndim));
    for (int64_t i = 0; i < ndim; ++i) {
      uint64_t at = src_.offset();
      int64_t d = uint32_dims ? get<uint32_t>("dimension") : get<int64_t>("dimension");
      if (d < 0) fail(at, detail::concat("dimension ", i, " of the shape is ", d));
      shape[i] = d;
    }
    return shape;
  }

  Shape read_tshape(const char* what) {  // int32 ndim, then int64 dims
    uint64_t at = src_.offset();
    int32_t ndim = get<int32_t>(what);
    if (ndim < 0 || ndim > kMaxDims)
      fail(at,
           detail::concat("the ", what, " has ", ndim, " dimensions; expected 0 to ", kMaxDims));
    return read_dims(ndim, false);
  }

  // Elements of `shape`; fails when no file could hold them. As numpy does, the product
  // of the non-zero dims times the item size must fit in int64 even for an empty array,
  // so every loaded array converts to numpy and no stride computation overflows.
  uint64_t element_count(const Shape& shape, size_t itemsize, uint64_t at) const {
    uint64_t n = 1, bytes;
    bool empty = false;
    for (int64_t d : shape) {
      if (d == 0) {
        empty = true;
        continue;
      }
      if (__builtin_mul_overflow(n, static_cast<uint64_t>(d), &n) ||
          __builtin_mul_overflow(n, static_cast<uint64_t>(itemsize), &bytes) ||
          bytes > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        fail(at, detail::concat("the shape ", shape_str(shape),
                                " has more elements than any "
                                "file can hold"));
    }
    return empty ? 0 : n;
  }

  uint64_t byte_count(const Shape& shape, size_t itemsize, uint64_t at) const {
    return element_count(shape, itemsize, at) * itemsize;  // cannot overflow: checked above
  }

  void need(uint64_t bytes, uint64_t at, const std::string& what) const {
    if (bytes > src_.remaining())
      fail_short(at, detail::concat("truncated: ", what, " needs ", bytes, " bytes but only ",
                                    src_.remaining(), " remain"));
  }

  // After ndim 0, a V1/V2 record is either MXNet's 'none' array (nothing follows) or a 0-d
  // array that MXNet wrote but cannot read back (device, dtype and one element follow).
  bool scalar_follows() {
    if (src_.remaining() < 12) return hit_end_ = true, false;
    int32_t fields[3];
    src_.peek(fields, sizeof fields);
    size_t itemsize = file_itemsize(fields[2]);
    if (known_device_type(fields[0]) && itemsize != 0 && src_.remaining() < 12 + itemsize)
      hit_end_ = true;
    return known_device_type(fields[0]) && itemsize != 0 && src_.remaining() >= 12 + itemsize;
  }

  DType read_dtype(bool* bfloat16) {
    uint64_t at = src_.offset();
    int32_t code = get<int32_t>("dtype code");
    *bfloat16 = code == kBFloat16Code;
    if (*bfloat16) return DType::Float32;  // widened on load: exact, and computable
    DType t;
    if (dtype_from_code(code, &t)) return t;
    if (code >= 8 && code <= 11)
      fail(at, detail::concat("dtype code ", code, " (", kMxnetOnlyDtypes[code - 8],
                              ") is not supported by gluonlite, which has float32, float64, "
                              "float16, bfloat16 (loaded as float32), uint8, int8, int32, "
                              "int64 and bool"));
    fail(at, detail::concat("unknown dtype code ", code));
  }

  Tensor read_record() {
    uint64_t start = src_.offset();
    uint32_t magic = get<uint32_t>("record magic");
    Version version;
    if (magic == kRecordV2Magic)
      version = Version::V2;
    else if (magic == kRecordV3Magic)
      version = Version::V3;
    else if (magic == kRecordV1Magic)
      version = Version::V1;
    else if (magic <= static_cast<uint32_t>(kMaxDims))
      version = Version::PreV1;  // magic is ndim
    else
      fail(start, "unknown record magic " + hex32(magic) +
                      "; expected 0xF993FAC9 (V2), "
                      "0xF993FACA (V3), 0xF993FAC8 (V1) or a pre-V1 dimension count up to 32");

    int32_t stype = 0;
    Shape storage_shape;
    if (version == Version::V2 || version == Version::V3) {
      uint64_t at = src_.offset();
      stype = get<int32_t>("storage type");
      if (stype < 0 || stype > 2)
        fail(at, detail::concat("unknown storage type ", stype, " (0 dense, 1 row_sparse, 2 csr)"));
      if (stype != 0 && version == Version::V3)
        fail(at, "a V3 record must be dense, but its storage type is " + std::to_string(stype));
      if (stype != 0) storage_shape = read_tshape("storage shape");
    }

    uint64_t at = src_.offset();
    int64_t ndim = version == Version::PreV1
                       ? static_cast<int64_t>(magic)
                       : static_cast<int64_t>(get<int32_t>("dimension count"));
    if (version == Version::V3 && ndim == -1) return Tensor();  // 'none' in numpy semantics
    if (ndim < 0 || ndim > kMaxDims)
      fail(at, detail::concat("the shape has ", ndim, " dimensions; expected 0 to ", kMaxDims));
    Shape shape = read_dims(ndim, version == Version::PreV1);
    if (ndim == 0 && version != Version::V3 && (stype != 0 || !scalar_follows())) return Tensor();

    at = src_.offset();
    int32_t dev_type = get<int32_t>("device type");
    if (!known_device_type(dev_type))
      fail(at, detail::concat("unknown device type ", dev_type,
                              " (1 cpu, 2 gpu, 3 cpu_pinned, 5 cpu_shared)"));
    get<int32_t>("device id");  // whatever the saving device was, arrays load onto the CPU
    bool bfloat16;
    DType dtype = read_dtype(&bfloat16);
    if (stype != 0) return read_sparse(stype, storage_shape, shape, dtype, bfloat16, start);
    return read_dense(shape, dtype, bfloat16);
  }

  Tensor read_dense(const Shape& shape, DType dtype, bool bfloat16) {
    uint64_t at = src_.offset();
    // (checked at the loaded item size: bfloat16 doubles in memory)
    uint64_t bytes =
        element_count(shape, dtype_size(dtype), at) * (bfloat16 ? 2 : dtype_size(dtype));
    need(bytes, at,
         detail::concat("the data of a ", shape_str(shape), " ",
                        bfloat16 ? "bfloat16" : dtype_name(dtype), " array"));
    Tensor t = Tensor::empty(shape, dtype, cpu_device());
    if (bfloat16) {
      read_bfloat16(t.data<float>(), static_cast<size_t>(bytes / 2));
    } else {
      src_.read(t.raw_data(), static_cast<size_t>(bytes));
    }
    if (dtype == DType::Bool) {  // a bool byte other than 0/1 would be undefined behaviour
      uint8_t* p = static_cast<uint8_t*>(t.raw_data());
      for (uint64_t i = 0; i < bytes; ++i) p[i] = p[i] != 0;
    }
    return t;
  }

  void read_bfloat16(float* out, size_t count) {
    uint16_t chunk[4096];
    for (size_t done = 0; done < count;) {
      size_t n = std::min(count - done, sizeof chunk / 2);
      src_.read(chunk, n * 2);
      for (size_t i = 0; i < n; ++i) {
        uint32_t bits = static_cast<uint32_t>(chunk[i]) << 16;  // bfloat16 = top half of a float
        std::memcpy(out + done + i, &bits, 4);
      }
      done += n;
    }
  }

  Tensor read_sparse(int32_t stype, const Shape& storage_shape, const Shape& shape, DType dtype,
                     bool bfloat16, uint64_t record_start);
  void read_index_values(IndexArray& aux);

  ByteSource& src_;
  const std::string& label_;
  std::string where_ = "header";
  mutable bool hit_end_ = false;
};

void Reader::read_index_values(IndexArray& aux) {
  aux.data_offset = src_.offset();
  size_t n = static_cast<size_t>(element_count(aux.shape, 8, aux.data_offset));
  aux.values.resize(n);
  if (aux.code == 6) {
    src_.read(aux.values.data(), n * 8);
    return;
  }
  std::vector<int32_t> narrow(n);
  src_.read(narrow.data(), n * 4);
  std::copy(narrow.begin(), narrow.end(), aux.values.begin());
}

// Sparse records load as dense arrays: gluonlite has dense storage only.
Tensor Reader::read_sparse(int32_t stype, const Shape& storage_shape, const Shape& shape,
                           DType dtype, bool bfloat16, uint64_t record_start) {
  const char* kind = stype == 1 ? "row_sparse" : "csr";
  std::vector<IndexArray> aux(stype == 1 ? 1 : 2);  // row_sparse: rows; csr: indptr, indices
  for (IndexArray& a : aux) {
    uint64_t at = src_.offset();
    a.code = get<int32_t>("index dtype code");
    if (a.code != 4 && a.code != 6)
      fail(at, detail::concat("the index arrays of a ", kind,
                              " record must be int32 or int64,"
                              " got dtype code ",
                              a.code));
    a.shape = read_tshape("index shape");
  }
  uint64_t at = src_.offset();
  uint64_t total = byte_count(storage_shape, bfloat16 ? 2 : dtype_size(dtype), at);
  for (const IndexArray& a : aux) {
    if (__builtin_add_overflow(total, byte_count(a.shape, a.code == 6 ? 8 : 4, at), &total))
      fail(at, "the index arrays need more bytes than any file can hold");
  }
  need(total, at, detail::concat("the values and indices of the ", kind, " array"));

  auto bad_layout = [&](const std::string& what) {
    fail(at, detail::concat("inconsistent ", kind, " record: ", what, " (shape ", shape_str(shape),
                            ", stored shape ", shape_str(storage_shape), ")"));
  };
  int64_t nnz = storage_shape.empty() ? -1 : storage_shape[0];
  if (stype == 1) {
    if (storage_shape.size() != shape.size() ||
        !std::equal(shape.begin() + 1, shape.end(), storage_shape.begin() + 1))
      bad_layout("the stored rows do not match the array's row shape");
    if (aux[0].shape != Shape{nnz}) bad_layout("the row index array is " + shape_str(aux[0].shape));
  } else {
    if (shape.size() != 2 || storage_shape.size() != 1) bad_layout("a csr array is 2-D");
    // (compared as shape - 1 so a huge row count cannot overflow)
    if (aux[0].shape.size() != 1 || aux[0].shape[0] - 1 != shape[0])
      bad_layout("indptr is " + shape_str(aux[0].shape));
    if (aux[1].shape != Shape{nnz}) bad_layout("indices is " + shape_str(aux[1].shape));
  }
  // Densifying may legitimately grow an array, but a few bytes must not claim gigabytes.
  uint64_t dense_bytes = byte_count(shape, dtype_size(dtype), at);
  uint64_t record_bytes = at + total - record_start;
  uint64_t limit = std::max<uint64_t>(sparse_dense_floor(), record_bytes * 64);
  if (dense_bytes > limit)
    fail(at, detail::concat("the ", kind, " array ", shape_str(shape), " would take ", dense_bytes,
                            " bytes as a dense array, more than gluonlite loads "
                            "from a record of ",
                            record_bytes, " bytes (limit ", limit,
                            "; set GLUONLITE_SPARSE_DENSE_LIMIT to a byte count to raise it)"));

  Tensor values = read_dense(storage_shape, dtype, bfloat16);
  for (IndexArray& a : aux) read_index_values(a);

  Tensor dense = Tensor::empty(shape, dtype, cpu_device());
  char* out = static_cast<char*>(dense.raw_data());
  const char* in = static_cast<const char*>(values.raw_data());
  std::memset(out, 0, static_cast<size_t>(dense_bytes));
  size_t itemsize = dtype_size(dtype);
  if (stype == 1) {
    size_t row_bytes = static_cast<size_t>(dense_bytes / std::max<int64_t>(shape[0], 1));
    const IndexArray& rows = aux[0];
    for (size_t i = 0; i < rows.values.size(); ++i) {
      int64_t r = rows.values[i];
      if (r < 0 || r >= shape[0])
        fail(rows.data_offset + i * (rows.code == 6 ? 8 : 4),
             detail::concat("row index ", r, " is outside [0, ", shape[0], ")"));
      std::memcpy(out + r * row_bytes, in + i * row_bytes, row_bytes);
    }
    return dense;
  }
  const IndexArray& indptr = aux[0];
  const IndexArray& indices = aux[1];
  const int64_t rows = shape[0], cols = shape[1];
  size_t ip_size = indptr.code == 6 ? 8 : 4, ix_size = indices.code == 6 ? 8 : 4;
  if (indptr.values[0] != 0 || indptr.values[rows] != nnz)
    fail(indptr.data_offset, detail::concat("indptr must run from 0 to ", nnz, ", got ",
                                            indptr.values[0], " to ", indptr.values[rows]));
  for (int64_t r = 0; r < rows; ++r) {
    int64_t begin = indptr.values[r], end = indptr.values[r + 1];
    if (end < begin || end > nnz)
      fail(indptr.data_offset + (r + 1) * ip_size,
           detail::concat("indptr[", r + 1, "] = ", end, " is out of order"));
    for (int64_t j = begin; j < end; ++j) {
      int64_t c = indices.values[j];
      if (c < 0 || c >= cols)
        fail(indices.data_offset + j * ix_size,
             detail::concat("column index ", c, " is outside [0, ", cols, ")"));
      std::memcpy(out + (r * cols + c) * itemsize, in + j * itemsize, itemsize);
    }
  }
  return dense;
}

}  // namespace

ParamsContent load_from_memory(const void* data, uint64_t size, const std::string& label) {
  MemorySource src(data, size);
  return Reader(src, label).read();
}

ParamsContent load_from_fd(int fd, const std::string& label) {
  struct stat st;
  GL_CHECK(::fstat(fd, &st) == 0, "cannot read ", label, ": ", std::strerror(errno));
  GL_CHECK(!S_ISDIR(st.st_mode), "cannot load ", label, ": it is a directory");
  if (S_ISREG(st.st_mode)) {
    off_t pos = ::lseek(fd, 0, SEEK_CUR);
    uint64_t size = pos > 0 && pos <= st.st_size ? st.st_size - pos : st.st_size;
#ifdef POSIX_FADV_SEQUENTIAL
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    FdSource src(fd, size, label);
    return Reader(src, label).read();
  }
  // A pipe or a device has no size up front. Read it in growing pieces and parse what has
  // arrived each time it doubles: once the outcome no longer depends on where the data
  // ends, it is final, so an endless device (/dev/zero) is read only as far as its header
  // promises, not until memory runs out.
  std::string all;
  std::vector<char> chunk(1 << 20);
  size_t parse_at = chunk.size();
  for (;;) {
    ssize_t got = ::read(fd, chunk.data(), chunk.size());
    if (got < 0 && errno == EINTR) continue;
    GL_CHECK(got >= 0, "cannot read ", label, ": ", std::strerror(errno));
    if (got == 0) break;
    all.append(chunk.data(), static_cast<size_t>(got));
    if (all.size() < parse_at) continue;
    parse_at = 2 * all.size();
    MemorySource src(all.data(), all.size());
    Reader reader(src, label);
    try {
      ParamsContent content = reader.read();
      if (!reader.hit_end()) return content;
    } catch (const Error&) {
      if (!reader.hit_end()) throw;
    }
  }
  return load_from_memory(all.data(), all.size(), label);
}

}  // namespace gl::io
