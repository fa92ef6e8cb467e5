#include "byte_stream.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "../core/error.h"

namespace gl::io {

namespace {
constexpr size_t kBufferBytes = size_t(1) << 20;
constexpr uint64_t kWritebackBytes = uint64_t(8) << 20;
// Linux transfers at most this much per read()/write() call.
constexpr size_t kMaxIoChunk = 0x7ffff000;
}  // namespace

// ---- sinks -------------------------------------------------------------------------------

void MemorySink::write(const void* data, size_t n) {
  GL_CHECK(n <= capacity_ - pos_, "internal error: .params encoder wrote past its size");
  if (n) std::memcpy(dst_ + pos_, data, n);
  pos_ += n;
}

FdSink::FdSink(int fd, std::string label)
    : fd_(fd), label_(std::move(label)), buffer_(kBufferBytes) {
  off_t pos = ::lseek(fd, 0, SEEK_CUR);
  base_offset_ = pos > 0 ? static_cast<uint64_t>(pos) : 0;
}

void FdSink::start_writeback() {
#ifdef __linux__
  // Only a hint: on a pipe or an unsupported filesystem it fails and fsync does it all.
  ::sync_file_range(fd_, static_cast<off_t>(base_offset_ + writeback_from_),
                    static_cast<off_t>(written_ - writeback_from_), SYNC_FILE_RANGE_WRITE);
#endif
  writeback_from_ = written_;
}

void FdSink::write(const void* data, size_t n) {
  const char* bytes = static_cast<const char*>(data);
  if (used_ + n <= buffer_.size()) {
    std::memcpy(buffer_.data() + used_, bytes, n);
    used_ += n;
    return;
  }
  flush();
  if (n >= buffer_.size()) {
    write_all(bytes, n);
  } else {
    std::memcpy(buffer_.data(), bytes, n);
    used_ = n;
  }
}

void FdSink::flush() {
  if (used_) write_all(buffer_.data(), used_);
  used_ = 0;
}

void FdSink::write_all(const char* data, size_t n) {
  while (n > 0) {
    // 8 MiB at a time, so writeback of one chunk overlaps the copy of the next
    ssize_t done = ::write(fd_, data, std::min<size_t>(n, kWritebackBytes));
    if (done < 0) {
      if (errno == EINTR) continue;
      GL_THROW(ErrorKind::MXNet, "cannot write ", label_, ": ", std::strerror(errno));
    }
    GL_CHECK(done > 0, "cannot write ", label_, ": the device accepted no more data");
    data += done;
    n -= static_cast<size_t>(done);
    written_ += static_cast<uint64_t>(done);
    if (written_ - writeback_from_ >= kWritebackBytes) start_writeback();
  }
}

// ---- sources -----------------------------------------------------------------------------

MemorySource::MemorySource(const void* data, uint64_t size)
    : data_(static_cast<const char*>(data)) {
  size_ = size;
}

void MemorySource::read(void* dst, size_t n) {
  if (n) std::memcpy(dst, data_ + offset_, n);
  offset_ += n;
}

void MemorySource::peek(void* dst, size_t n) {
  if (n) std::memcpy(dst, data_ + offset_, n);
}

FdSource::FdSource(int fd, uint64_t size, std::string label)
    : fd_(fd), label_(std::move(label)), buffer_(kBufferBytes) {
  size_ = size;
}

void FdSource::read_raw(char* dst, size_t n) {
  while (n > 0) {
    ssize_t got = ::read(fd_, dst, std::min(n, kMaxIoChunk));
    if (got < 0) {
      if (errno == EINTR) continue;
      GL_THROW(ErrorKind::MXNet, "cannot read ", label_, ": ", std::strerror(errno));
    }
    // The size came from fstat: a file that shrinks while it is read ends early.
    GL_CHECK(got > 0, "cannot read ", label_, ": the file became shorter while it was read");
    dst += got;
    n -= static_cast<size_t>(got);
  }
}

void FdSource::fill(size_t at_least) {
  if (end_ - begin_ >= at_least) return;
  std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
  end_ -= begin_;
  begin_ = 0;
  // Never read past the size we announced: bytes beyond it are not part of this file view.
  uint64_t unbuffered = remaining() - (end_ - begin_);
  size_t want = static_cast<size_t>(std::min<uint64_t>(buffer_.size() - end_, unbuffered));
  read_raw(buffer_.data() + end_, want);
  end_ += want;
}

void FdSource::read(void* dst, size_t n) {
  char* out = static_cast<char*>(dst);
  size_t buffered = std::min(n, end_ - begin_);
  if (buffered) std::memcpy(out, buffer_.data() + begin_, buffered);
  begin_ += buffered;
  offset_ += buffered;
  n -= buffered;
  if (n == 0) return;
  if (n >= buffer_.size() / 2) {  // array data: no detour through the buffer
    read_raw(out + buffered, n);
  } else {
    fill(n);
    std::memcpy(out + buffered, buffer_.data() + begin_, n);
    begin_ += n;
  }
  offset_ += n;
}

void FdSource::peek(void* dst, size_t n) {
  fill(n);
  std::memcpy(dst, buffer_.data() + begin_, n);
}

}  // namespace gl::io
