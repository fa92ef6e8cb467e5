"""Vision datasets and image transforms (``gluonlite.gluon.data.vision``, as MXNet's)."""
from . import transforms  # noqa: F401
