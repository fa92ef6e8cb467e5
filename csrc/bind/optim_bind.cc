// Bindings of the optim family; filled in as its ops land.
#include "bind.h"

namespace gl::bind {

void bind_optim(py::module_& m) { (void)m; }

}  // namespace gl::bind
