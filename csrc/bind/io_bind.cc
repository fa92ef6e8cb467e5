// Bindings of the io family; filled in as its ops land.
#include "bind.h"

namespace gl::bind {

void bind_io(py::module_& m) { (void)m; }

}  // namespace gl::bind
