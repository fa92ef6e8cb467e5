"""Text indexing and token embeddings (``mxnet.contrib.text`` of MXNet 1.x)."""

from . import embedding, utils, vocab
