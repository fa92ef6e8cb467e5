"""Image I/O and geometry (``gluonlite.image``, also ``gluonlite.img``, as ``mxnet.image``).

Needs Pillow for decoding: ``pip install "gluonlite[vision]"``.
"""

from .image import *  # noqa: F401,F403
from .image import __all__  # noqa: F401
