"""Contributed, experimental pieces (``gluonlite.contrib``, as ``mxnet.contrib``).

Only ``text`` (vocabularies and token embeddings) exists so far.
"""

from . import text
