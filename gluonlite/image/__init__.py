"""Image I/O, geometry, augmenters and ``ImageIter`` (``gluonlite.image``, also
``gluonlite.img``, as ``mxnet.image``).

Needs Pillow for decoding: ``pip install "gluonlite[vision]"``.
"""

from . import augment, image, image_iter
from .augment import *  # noqa: F401,F403
from .image import *  # noqa: F401,F403
from .image_iter import *  # noqa: F401,F403

__all__ = image.__all__ + augment.__all__ + image_iter.__all__
