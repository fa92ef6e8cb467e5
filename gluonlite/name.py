"""Automatic naming scopes (MXNet's ``mxnet.name``): ``NameManager`` and ``Prefix``."""

from __future__ import annotations

import threading
from typing import Dict, List, Optional

__all__ = ["NameManager", "Prefix"]


class _CurrentManager(type):
    """Gives ``NameManager.current``: the manager of the innermost ``with`` on this thread."""

    _state = threading.local()

    @property
    def current(cls) -> "NameManager":
        manager = getattr(_CurrentManager._state, "value", None)
        if manager is None:
            manager = NameManager()
            _CurrentManager._state.value = manager
        return manager

    @current.setter
    def current(cls, manager: "NameManager") -> None:
        _CurrentManager._state.value = manager


class NameManager(metaclass=_CurrentManager):
    """Names things that were not given one: ``hint`` plus a per-hint counter (conv0, conv1).

    Used as a ``with`` scope it becomes ``NameManager.current`` until the scope ends.
    """

    def __init__(self) -> None:
        self._counter: Dict[str, int] = {}
        self._outer: List[NameManager] = []  # managers to restore, one per open ``with``

    def get(self, name: Optional[str], hint: str) -> str:
        """``name`` when given, else ``hint`` followed by the next number for that hint."""
        if name:
            return name
        count = self._counter.get(hint, 0)
        self._counter[hint] = count + 1
        return f"{hint}{count}"

    def __enter__(self) -> "NameManager":
        self._outer.append(NameManager.current)
        NameManager.current = self
        return self

    def __exit__(self, exc_type, exc_value, traceback) -> None:
        NameManager.current = self._outer.pop()


class Prefix(NameManager):
    """A NameManager that puts ``prefix`` before every name, given or generated."""

    def __init__(self, prefix: str) -> None:
        super().__init__()
        if not isinstance(prefix, str):
            raise TypeError(f"Prefix: prefix must be a str, got {type(prefix).__name__}")
        self._prefix = prefix

    def get(self, name: Optional[str], hint: str) -> str:
        """``prefix`` + the name NameManager would give."""
        return self._prefix + super().get(name, hint)
