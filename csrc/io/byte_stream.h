// Byte sources and sinks for the .params reader/writer: a file descriptor or a memory
// block. Sources know how many bytes remain, so the reader can check every length
// against them before it allocates anything.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace gl::io {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual void write(const void* data, size_t n) = 0;
  virtual void flush() {}
};

// Writes into a caller-owned block of exactly the encoded size.
class MemorySink : public ByteSink {
 public:
  MemorySink(char* dst, uint64_t capacity) : dst_(dst), capacity_(capacity) {}
  void write(const void* data, size_t n) override;
  uint64_t written() const { return pos_; }

 private:
  char* dst_;
  uint64_t capacity_, pos_ = 0;
};

// Buffers small writes; large ones (array data) go straight from the tensor to the fd.
// Every few MiB it asks the kernel to start writing the data out (Linux
// sync_file_range): the fsync that makes a save durable then finds little left to do, and
// without fsync the writer is not throttled later for a pile of dirty pages.
class FdSink : public ByteSink {
 public:
  FdSink(int fd, std::string label);
  void write(const void* data, size_t n) override;
  void flush() override;

 private:
  void write_all(const char* data, size_t n);
  void start_writeback();
  int fd_;
  std::string label_;
  std::vector<char> buffer_;
  size_t used_ = 0;
  uint64_t written_ = 0, writeback_from_ = 0, base_offset_ = 0;
};

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  uint64_t offset() const { return offset_; }
  uint64_t remaining() const { return size_ - offset_; }
  // Both require n <= remaining(); the reader checks before calling.
  virtual void read(void* dst, size_t n) = 0;
  virtual void peek(void* dst, size_t n) = 0;  // small n (a few fields)

 protected:
  uint64_t size_ = 0, offset_ = 0;
};

class MemorySource : public ByteSource {
 public:
  MemorySource(const void* data, uint64_t size);
  void read(void* dst, size_t n) override;
  void peek(void* dst, size_t n) override;

 private:
  const char* data_;
};

// A regular file: its size comes from fstat, the data through a read buffer, except
// large reads, which land directly in the destination (one copy from the page cache).
class FdSource : public ByteSource {
 public:
  FdSource(int fd, uint64_t size, std::string label);
  void read(void* dst, size_t n) override;
  void peek(void* dst, size_t n) override;

 private:
  void fill(size_t at_least);
  void read_raw(char* dst, size_t n);
  int fd_;
  std::string label_;
  std::vector<char> buffer_;
  size_t begin_ = 0, end_ = 0;  // unread bytes are buffer_[begin_, end_)
};

}  // namespace gl::io
