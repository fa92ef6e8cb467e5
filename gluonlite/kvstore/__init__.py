"""``mx.kv`` / ``mx.kvstore``: key-value stores that reduce values across devices.

``create('local' | 'device')`` gives an in-process :class:`KVStore`; ``Trainer`` uses one
when parameters live on several contexts. ``create('dist_sync')`` gives the store shared by
MPI worker processes (``mpirun -np N python train.py``; see dist.py).
"""

from . import base, kvstore
from .base import KVStoreBase, TestStore
from .kvstore import KVStore, create

__all__ = ["KVStore", "KVStoreBase", "TestStore", "base", "create", "kvstore"]
