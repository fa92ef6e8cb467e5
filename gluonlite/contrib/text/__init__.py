"""Text indexing and token embeddings (``mxnet.contrib.text`` of MXNet 1.x)."""
from . import utils
from . import vocab
from . import embedding
