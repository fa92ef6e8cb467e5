// Bindings of the .params reader/writer (csrc/io). Python (gluonlite/ndarray/utils.py) owns
// the file handling around them: opening, temporary files, fsync and rename.
#include "../io/params_format.h"
#include "bind.h"

namespace gl::bind {

namespace {

// (arrays, names): arrays as NDArrays (None for MXNet's 'none' array), names as str, or
// None when the file holds a list.
py::tuple to_python(io::ParamsContent&& content) {
  py::list arrays;
  for (Tensor& t : content.arrays) {
    if (t.defined())
      arrays.append(py::cast(std::move(t)));
    else
      arrays.append(py::none());
  }
  if (content.names.empty()) return py::make_tuple(arrays, py::none());
  py::list names;
  for (const std::string& name : content.names) names.append(py::str(name));  // UTF-8, checked
  return py::make_tuple(arrays, names);
}

}  // namespace

void bind_io(py::module_& m) {
  m.def(
      "params_save_fd",
      [](int fd, const std::vector<Tensor>& arrays, const std::vector<std::string>& names,
         const std::string& label) {
        py::gil_scoped_release nogil;
        io::save_to_fd(fd, arrays, names, label);
      },
      py::arg("fd"), py::arg("arrays"), py::arg("names"), py::arg("label"),
      "Writes arrays (and names, one per array, or none for a list) in MXNet's .params format.");

  m.def(
      "params_save_bytes",
      [](const std::vector<Tensor>& arrays, const std::vector<std::string>& names) {
        uint64_t size = io::encoded_size(arrays, names);
        PyObject* raw = PyBytes_FromStringAndSize(nullptr, static_cast<Py_ssize_t>(size));
        if (raw == nullptr) throw py::error_already_set();
        py::bytes out = py::reinterpret_steal<py::bytes>(raw);
        char* dst = PyBytes_AS_STRING(raw);
        {
          py::gil_scoped_release nogil;  // the bytes object is not shared with anyone yet
          io::save_to_memory(dst, size, arrays, names);
        }
        return out;
      },
      py::arg("arrays"), py::arg("names"), "The .params encoding of arrays (and names) as bytes.");

  m.def(
      "params_load_fd",
      [](int fd, const std::string& label) {
        io::ParamsContent content;
        {
          py::gil_scoped_release nogil;
          content = io::load_from_fd(fd, label);
        }
        return to_python(std::move(content));
      },
      py::arg("fd"), py::arg("label"), "Reads a .params file from fd: (arrays, names or None).");

  m.def(
      "params_load_buffer",
      [](py::buffer buffer, const std::string& label) {
        // The buffer stays exported (and so cannot be resized) while the view is held.
        py::buffer_info view = buffer.request();
        GL_CHECK_KIND(view.ndim <= 1 && (view.ndim == 0 || view.strides[0] == view.itemsize),
                      ErrorKind::Type, "load_frombuffer needs a contiguous bytes-like object");
        uint64_t size = static_cast<uint64_t>(view.size) * static_cast<uint64_t>(view.itemsize);
        io::ParamsContent content;
        {
          py::gil_scoped_release nogil;
          content = io::load_from_memory(view.ptr, size, label);
        }
        return to_python(std::move(content));
      },
      py::arg("buffer"), py::arg("label"), "Reads .params data from a bytes-like object.");
}

}  // namespace gl::bind
