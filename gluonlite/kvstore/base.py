"""``mx.kv.KVStoreBase``, the store registry, ``TestStore`` and ``create`` (MXNet 1.9.1 API).

A store holds one array per key; workers ``push`` values (summed over the devices) and
``pull`` the result back. Stores are looked up by lower-cased class name in
``KVStoreBase.kv_registry`` (``@KVStoreBase.register`` adds one), then among the built-in
names served by :class:`gluonlite.kvstore.kvstore.KVStore`.
"""

from __future__ import annotations

import builtins
import warnings
from typing import Any, Dict

__all__ = ["KVStoreBase", "TestStore"]


class KVStoreBase:
    """The interface every key-value store implements (and the registry of store classes)."""

    kv_registry: Dict[str, type] = {}
    OPTIMIZER = "optimizer"

    def broadcast(self, key: Any, value: Any, out: Any, priority: int = 0) -> None:
        """Initialize ``key`` with ``value`` and copy it into every array of ``out``."""
        raise NotImplementedError()

    def pushpull(self, key: Any, value: Any, out: Any = None, priority: int = 0) -> None:
        """Reduce ``value`` over the devices and write the result into ``out`` (or ``value``)."""
        raise NotImplementedError()

    def set_optimizer(self, optimizer: Any) -> None:
        """Apply ``optimizer`` to the stored values on every push."""
        raise NotImplementedError()

    def save_optimizer_states(self, fname: str, dump_optimizer: bool = False) -> None:
        """Write the optimizer states (and the optimizer with ``dump_optimizer``) to ``fname``."""
        raise NotImplementedError()

    def load_optimizer_states(self, fname: str) -> None:
        """Read optimizer states written by ``save_optimizer_states``."""
        raise NotImplementedError()

    def is_capable(self, capability: str) -> bool:
        """Whether the store supports ``capability`` (``KVStoreBase.OPTIMIZER``)."""
        raise NotImplementedError()

    @property
    def type(self) -> str:
        """The store's name."""
        raise NotImplementedError()

    @property
    def rank(self) -> int:
        """This worker's rank."""
        raise NotImplementedError()

    @property
    def num_workers(self) -> int:
        """How many workers share the store."""
        raise NotImplementedError()

    @staticmethod
    def register(klass: builtins.type) -> builtins.type:
        """Class decorator: make ``klass`` creatable as ``mx.kv.create(klass.__name__)``."""
        if not isinstance(klass, type) or not issubclass(klass, KVStoreBase):
            raise TypeError("KVStoreBase.register: %r must be a subclass of KVStoreBase" % (klass,))
        name = klass.__name__.lower()
        if name in KVStoreBase.kv_registry:
            old = KVStoreBase.kv_registry[name]
            warnings.warn(
                "WARNING: New kvstore %s.%s is overriding existing kvstore %s.%s"
                % (klass.__module__, klass.__name__, old.__module__, old.__name__),
                stacklevel=2,
            )
        KVStoreBase.kv_registry[name] = klass
        return klass


def _as_list(value: Any) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


@KVStoreBase.register
class TestStore(KVStoreBase):
    """A store without state, for tests: ``pushpull`` sums the values into ``out``."""

    def broadcast(self, key: Any, value: Any, out: Any, priority: int = 0) -> None:
        """Copy ``value`` into every array of ``out``."""
        for dst in _as_list(out):
            value.copyto(dst)

    def pushpull(self, key: Any, value: Any, out: Any = None, priority: int = 0) -> None:
        """Sum the arrays of ``value`` and copy the sum into ``out`` (default: ``value``)."""
        values = _as_list(value)
        total = values[0].copy()
        for other in values[1:]:
            total += other.as_in_context(total.context)
        for dst in _as_list(value if out is None else out):
            total.copyto(dst)

    def is_capable(self, capability: str) -> bool:
        """TestStore has no optimizer; unknown capabilities raise ValueError."""
        if capability.lower() == KVStoreBase.OPTIMIZER:
            return False
        raise ValueError("Unknown capability: {}".format(capability))

    @property
    def type(self) -> str:
        return "teststore"

    @property
    def rank(self) -> int:
        return 0

    @property
    def num_workers(self) -> int:
        return 1
