// One exception type for the whole core. The binding maps `kind` to the Python class
// MXNet raises in the same situation (MXNetError unless stated otherwise).
#pragma once
#include <sstream>
#include <stdexcept>
#include <string>

namespace gl {

enum class ErrorKind { MXNet, Value, Type, Index, NotImplemented };

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& msg) : std::runtime_error(msg), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

namespace detail {
template <typename... Args>
std::string concat(const Args&... args) {
  std::ostringstream os;
  (os << ... << args);
  return os.str();
}
}  // namespace detail

}  // namespace gl

// GL_CHECK(cond, "message ", parts...) throws MXNetError; GL_CHECK_KIND picks the class.
#define GL_CHECK_KIND(COND, KIND, ...)                                       \
  do {                                                                       \
    if (!(COND)) throw ::gl::Error(KIND, ::gl::detail::concat(__VA_ARGS__)); \
  } while (0)
#define GL_CHECK(COND, ...) GL_CHECK_KIND(COND, ::gl::ErrorKind::MXNet, __VA_ARGS__)
#define GL_THROW(KIND, ...) throw ::gl::Error(KIND, ::gl::detail::concat(__VA_ARGS__))
