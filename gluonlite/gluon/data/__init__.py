"""Datasets, samplers and the DataLoader (``gluonlite.gluon.data``, as ``mxnet.gluon.data``)."""

from . import (  # noqa: F401 (submodules, as MXNet)
    dataloader,
    dataset,
    sampler,
    vision,  # noqa: E402,F401  (needs Pillow only when an image is decoded)
)
from .dataloader import DataLoader
from .dataset import ArrayDataset, Dataset, RecordFileDataset, SimpleDataset
from .sampler import BatchSampler, FilterSampler, RandomSampler, Sampler, SequentialSampler

__all__ = [
    "Dataset",
    "SimpleDataset",
    "ArrayDataset",
    "RecordFileDataset",
    "Sampler",
    "SequentialSampler",
    "RandomSampler",
    "FilterSampler",
    "BatchSampler",
    "DataLoader",
]
