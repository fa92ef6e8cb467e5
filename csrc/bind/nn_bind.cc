// Bindings of the nn family; filled in as its ops land.
#include "bind.h"

namespace gl::bind {

void bind_nn(py::module_& m) { (void)m; }

}  // namespace gl::bind
