"""Datasets, samplers and the DataLoader (``gluonlite.gluon.data``, as ``mxnet.gluon.data``)."""
from . import dataloader, dataset, sampler  # noqa: F401 (submodules, as MXNet)
from .dataloader import DataLoader
from .dataset import ArrayDataset, Dataset, RecordFileDataset, SimpleDataset
from .sampler import (BatchSampler, FilterSampler, RandomSampler, Sampler,
                      SequentialSampler)

from . import vision  # noqa: E402,F401  (needs Pillow only when an image is decoded)

__all__ = ['Dataset', 'SimpleDataset', 'ArrayDataset', 'RecordFileDataset', 'Sampler',
           'SequentialSampler', 'RandomSampler', 'FilterSampler', 'BatchSampler', 'DataLoader']
