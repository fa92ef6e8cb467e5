"""Build features (MXNet's ``mxnet.runtime``): what this gluonlite build was compiled with."""

from __future__ import annotations

import collections
import platform
from typing import List

from . import _core

__all__ = ["Feature", "Features", "feature_list"]


class Feature:
    """One compile-time feature: its ``name`` and whether it is ``enabled``."""

    __slots__ = ("name", "enabled")

    def __init__(self, name: str, enabled: bool) -> None:
        self.name = name
        self.enabled = bool(enabled)

    def __repr__(self) -> str:
        return ("✔ " if self.enabled else "✖ ") + self.name


def _feature_flags() -> List[tuple]:
    # MXNet 1.9.1's feature names in its order, each answered for gluonlite: the kernels are
    # compiled for the baseline x86-64 ISA (SSE/SSE2, no -march), run on gluonlite's own
    # thread pool (no OpenMP runtime), use OpenBLAS for GEMM and int64 shapes.
    x86_64 = platform.machine().lower() in ("x86_64", "amd64")
    return [
        ("CUDA", _core.compiled_with_cuda()),
        ("CUDNN", False),
        ("NCCL", False),
        ("CUDA_RTC", False),
        ("TENSORRT", False),
        ("CPU_SSE", x86_64),
        ("CPU_SSE2", x86_64),
        ("CPU_SSE3", False),
        ("CPU_SSE4_1", False),
        ("CPU_SSE4_2", False),
        ("CPU_SSE4A", False),
        ("CPU_AVX", False),
        ("CPU_AVX2", False),
        ("OPENMP", False),
        ("SSE", x86_64),
        ("F16C", False),
        ("JEMALLOC", False),
        ("BLAS_OPEN", True),
        ("BLAS_ATLAS", False),
        ("BLAS_MKL", False),
        ("BLAS_APPLE", False),
        ("LAPACK", False),
        ("MKLDNN", False),
        ("OPENCV", False),
        ("CAFFE", False),
        ("PROFILER", False),
        ("DIST_KVSTORE", False),
        ("CXX14", True),
        ("INT64_TENSOR_SIZE", True),
        ("SIGNAL_HANDLER", False),
        ("DEBUG", False),
        ("TVM_OP", False),
    ]


def feature_list() -> List[Feature]:
    """Every feature of this build, in MXNet's order."""
    return [Feature(name, enabled) for name, enabled in _feature_flags()]


class Features(collections.OrderedDict):
    """Ordered mapping of feature name to :class:`Feature`; printed as MXNet prints it."""

    def __init__(self) -> None:
        super().__init__((f.name, f) for f in feature_list())

    def __repr__(self) -> str:
        return str(list(self.values()))

    def is_enabled(self, feature_name: str) -> bool:
        """Whether the feature is on; the name is case-insensitive ('CUDA', 'cuda').

        Raises RuntimeError naming the unknown feature and listing the known ones.
        """
        if not isinstance(feature_name, str):
            raise TypeError(f"feature_name must be a str, got {type(feature_name).__name__}")
        key = feature_name.upper()
        if key not in self:
            raise RuntimeError(
                f"Feature '{feature_name}' is unknown, known features are: {list(self.keys())}"
            )
        return self[key].enabled
