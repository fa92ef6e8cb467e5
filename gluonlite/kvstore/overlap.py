"""Gradient reduction that overlaps the backward pass (distributed stores).

A Trainer on a ``dist_*`` store groups its dense gradients into buckets of at most
``GLUONLITE_BUCKET_BYTES`` bytes (default 1 MiB; a larger gradient is a bucket of its own;
the parameters in reverse order, since backward finishes the last layers first). The core
calls a hook as each gradient buffer becomes final during ``backward()``
(``_core.set_grad_ready_hook``); once every gradient of a bucket is final, its allreduce
starts (``DistKVStore.start_push``) while backward goes on computing the earlier layers'
gradients. ``Trainer.step`` then waits for the buckets in flight and pushes the others.
``GLUONLITE_ALLREDUCE_OVERLAP=0`` turns this off: every gradient travels in one bucket
after backward.

The sums are the same either way; only when the communication happens changes. A bucket
whose gradient is written again before the step (two backward passes) is reduced again at
the step, with the result of the early reduction dropped.
"""

from __future__ import annotations

import os
import weakref
from typing import Any, Dict, List, Optional, Set

import numpy as np

from .. import _core
from ..base import MXNetError

__all__ = ["OverlappedReduction", "overlap_enabled", "bucket_bytes"]

# grad buffer data pointer -> the reduction that owns it (one hook serves every Trainer)
_OWNERS: "weakref.WeakValueDictionary[int, OverlappedReduction]" = weakref.WeakValueDictionary()


def overlap_enabled() -> bool:
    """Whether Trainers on distributed stores reduce during backward (the default)."""
    return os.environ.get("GLUONLITE_ALLREDUCE_OVERLAP", "1") != "0"


def bucket_bytes() -> int:
    """The bucket size for overlapped reduction (``GLUONLITE_BUCKET_BYTES``)."""
    raw = os.environ.get("GLUONLITE_BUCKET_BYTES", str(1 << 20))
    try:
        value = int(raw)
    except ValueError:
        raise MXNetError("GLUONLITE_BUCKET_BYTES must be a number of bytes, got %r" % raw) from None
    if value <= 0:
        raise MXNetError("GLUONLITE_BUCKET_BYTES must be positive, got %r" % raw)
    return value


def _on_grad_ready(grad: Any) -> None:
    owner = _OWNERS.get(grad._data_ptr)
    if owner is not None:
        owner._ready(grad._data_ptr)


class _Bucket:
    def __init__(self) -> None:
        self.keys: List[int] = []
        self.params: List[Any] = []
        self.buffers: Set[int] = set()  # data pointers of the gradient buffers
        self.nbytes = 0


class OverlappedReduction:
    """The buckets of one Trainer's dense gradients and the pushes in flight."""

    def __init__(self, store: Any, entries: List[Any], limit: int) -> None:
        self._store = store
        self.buckets: List[_Bucket] = []
        bucket = _Bucket()
        for key, param in reversed(entries):
            grads = param.list_grad()
            nbytes = sum(g.size * _itemsize(g) for g in grads)
            if bucket.keys and bucket.nbytes + nbytes > limit:
                self.buckets.append(bucket)
                bucket = _Bucket()
            bucket.keys.append(key)
            bucket.params.append(param)
            bucket.buffers.update(g._data_ptr for g in grads)
            bucket.nbytes += nbytes
        if bucket.keys:
            self.buckets.append(bucket)
        for bucket in self.buckets:  # keys in order within a bucket (errors name them so)
            order = sorted(range(len(bucket.keys)), key=bucket.keys.__getitem__)
            bucket.keys = [bucket.keys[i] for i in order]
            bucket.params = [bucket.params[i] for i in order]
        self.keys: Set[int] = {k for bucket in self.buckets for k in bucket.keys}
        self._index: Dict[int, int] = {}
        for b, bucket in enumerate(self.buckets):
            for ptr in bucket.buffers:
                self._index[ptr] = b
                _OWNERS[ptr] = self
        self._seen: List[Set[int]] = [set() for _ in self.buckets]
        self._pending: Dict[int, Any] = {}
        self._dirty: Set[int] = set()
        if not _core.has_grad_ready_hook():
            _core.set_grad_ready_hook(_on_grad_ready)

    def _ready(self, ptr: int) -> None:
        b = self._index[ptr]
        if b in self._pending:  # written again before the step: reduce it again there
            self._dirty.add(b)
            return
        seen = self._seen[b]
        seen.add(ptr)
        if len(seen) == len(self.buckets[b].buffers):
            bucket = self.buckets[b]
            self._pending[b] = self._store.start_push(
                list(bucket.keys), [p.list_grad() for p in bucket.params]
            )

    def reduce(self, out: Optional[Dict[int, List[Any]]] = None) -> None:
        """Complete the step's reduction of every bucket: wait for those in flight, push
        the rest, then pull each key into ``out[key]`` (None: into the gradients)."""
        pending, dirty = self._pending, self._dirty
        self._pending, self._dirty = {}, set()
        self._seen = [set() for _ in self.buckets]
        store = self._store
        for b, bucket in enumerate(self.buckets):
            grads = [p.list_grad() for p in bucket.params]
            if b in pending:
                fresh = b not in dirty
                store.finish_push(pending[b], apply=fresh)
                if not fresh:
                    store.push(list(bucket.keys), grads)
            else:
                store.push(list(bucket.keys), grads)
        for bucket in self.buckets:
            if out is None:
                targets = [p.list_grad() for p in bucket.params]
            else:
                targets = [out[k] for k in bucket.keys]
            store.pull(list(bucket.keys), out=targets)

    def drop(self) -> None:
        """Complete the pushes in flight without using them (the step takes another path)."""
        pending, self._pending, self._dirty = self._pending, {}, set()
        self._seen = [set() for _ in self.buckets]
        for b in sorted(pending):
            self._store.finish_push(pending[b], apply=False)

    def close(self) -> None:
        """Stop watching this Trainer's gradients."""
        self.drop()
        for ptr in list(self._index):
            if _OWNERS.get(ptr) is self:
                del _OWNERS[ptr]
        if not _OWNERS:
            _core.set_grad_ready_hook(None)


def _itemsize(arr: Any) -> int:
    return int(np.dtype(arr.dtype).itemsize)
