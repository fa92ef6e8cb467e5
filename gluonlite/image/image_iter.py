"""``ImageIter`` (MXNet 1.x ``mx.image.ImageIter``): batches of augmented images.

Images come from a RecordIO ``.rec`` file (random access and shuffling with its ``.idx``),
from a ``.lst`` image list (``index<TAB>label(s)<TAB>relative path``) under ``path_root``,
or from an in-memory ``imglist``. Each image is decoded, run through the augmenters and
transposed to CxHxW; a batch is a ``DataBatch`` of data (batch, C, H, W) float32 and label
(batch,) or (batch, label_width). The epoch ends, and the last batch is filled, as MXNet
does for ``last_batch_handle`` 'pad', 'discard' and 'roll_over'.
"""

from __future__ import annotations

import logging
import os
import random
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from .. import ndarray as nd
from .. import recordio
from ..base import numeric_types
from ..io import DataBatch, DataIter
from ..util import is_np_array
from . import image as _image
from .augment import Augmenter, CreateAugmenter

__all__ = ["ImageIter"]

_LAST_BATCH_HANDLES = ("pad", "discard", "roll_over")
_LABEL_DTYPES = ("int32", "float32", "int64", "float64")


def _array_fn() -> Any:
    """``mx.np.array`` under NumPy semantics, ``mx.nd.array`` otherwise (as MXNet)."""
    if is_np_array():
        from .. import numpy as _mx_np

        return _mx_np.array
    return nd.array


def _read_lst(path: str, dtype: str) -> Tuple[Dict[Any, Any], List[Any]]:
    """The labels and paths of a ``.lst`` file, keyed by its integer index, in file order."""
    array_fn = _array_fn()
    imglist: Dict[Any, Any] = {}
    keys: List[Any] = []
    with open(path) as fin:
        for line_no, line in enumerate(fin, 1):
            fields = line.strip().split("\t")
            if fields == [""]:
                continue  # a blank line (MXNet fails on it)
            try:
                key = int(fields[0])
            except ValueError:
                raise ValueError(
                    "ImageIter: line %d of the image list '%s' does not start with an "
                    "integer index: %r" % (line_no, path, line.rstrip("\n"))
                ) from None
            try:
                label = array_fn(np.array(fields[1:-1], dtype=dtype), dtype=dtype)
            except (TypeError, ValueError) as err:
                # TypeError, as MXNet's nd.array raises for such a label
                raise TypeError(
                    "ImageIter: line %d of the image list '%s' has a label that is not a "
                    "%s number: %s" % (line_no, path, dtype, err)
                ) from None
            imglist[key] = (label, fields[-1])
            keys.append(key)
    return imglist, keys


def _convert_imglist(imglist: List[Any], dtype: str) -> Tuple[Dict[Any, Any], List[Any]]:
    """``[[label(s)..., path], ...]`` keyed by '1', '2', ... (strings, as MXNet)."""
    array_fn = _array_fn()
    result: Dict[Any, Any] = {}
    keys: List[Any] = []
    for index, img in enumerate(imglist, 1):
        if not isinstance(img, (list, tuple)) or len(img) < 2:
            raise ValueError(
                "ImageIter: imglist[%d] must be [label(s)..., path]; got %r" % (index - 1, img)
            )
        if len(img) > 2:
            label = array_fn(img[:-1], dtype=dtype)
        elif isinstance(img[0], numeric_types):
            label = array_fn([img[0]], dtype=dtype)
        else:
            label = array_fn(img[0], dtype=dtype)
        key = str(index)
        result[key] = (label, img[-1])
        keys.append(key)
    return result, keys


class ImageIter(DataIter):
    """Image iterator with augmentation, over a ``.rec`` file, a ``.lst`` list or ``imglist``.

    ``data_shape`` is (3, height, width); the augmenters (``aug_list``, or
    ``CreateAugmenter(data_shape, **kwargs)`` when it is None) must give images of that
    height and width. ``path_imgidx`` enables ``shuffle`` and ``num_parts`` on a ``.rec``
    source; ``imglist`` items are ``[label or labels..., path relative to path_root]``.
    ``dtype`` is the dtype labels are parsed in; batches hold float32 labels, as MXNet.
    ``last_batch_handle``: 'pad' fills the last batch from the start (``DataBatch.pad``
    counts the filler), 'discard' drops it, 'roll_over' carries it into the next epoch.
    """

    def __init__(
        self,
        batch_size: int,
        data_shape: Tuple[int, int, int],
        label_width: int = 1,
        path_imgrec: Optional[str] = None,
        path_imglist: Optional[str] = None,
        path_root: Optional[str] = None,
        path_imgidx: Optional[str] = None,
        shuffle: bool = False,
        part_index: int = 0,
        num_parts: int = 1,
        aug_list: Optional[List[Augmenter]] = None,
        imglist: Optional[List[Any]] = None,
        data_name: str = "data",
        label_name: str = "softmax_label",
        dtype: str = "float32",
        last_batch_handle: str = "pad",
        **kwargs: Any,
    ) -> None:
        super().__init__()
        if not (path_imgrec or path_imglist or isinstance(imglist, list)):
            raise AssertionError(
                "ImageIter: give path_imgrec, path_imglist or imglist (a list) as the source "
                "of the images"
            )
        if dtype not in _LABEL_DTYPES:
            raise AssertionError(
                "%s label not supported: ImageIter's dtype must be one of %s"
                % (dtype, ", ".join(_LABEL_DTYPES))
            )
        if last_batch_handle not in _LAST_BATCH_HANDLES:
            raise ValueError(
                "ImageIter: last_batch_handle must be one of %s; got %r"
                % (", ".join(repr(h) for h in _LAST_BATCH_HANDLES), last_batch_handle)
            )
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
            raise TypeError("ImageIter: batch_size must be an int; got %r" % (batch_size,))
        if batch_size < 1:
            raise ValueError("ImageIter: batch_size must be at least 1; got %d" % batch_size)
        num_threads = os.environ.get("MXNET_CPU_WORKER_NTHREADS", 1)
        logging.info("Using %s threads for decoding...", str(num_threads))
        logging.info(
            "Set enviroment variable MXNET_CPU_WORKER_NTHREADS to a"
            " larger number to use more threads."
        )
        class_name = self.__class__.__name__
        self.imgrec: Any = None
        self.imgidx: Optional[List[Any]] = None
        if path_imgrec:
            logging.info("%s: loading recordio %s...", class_name, path_imgrec)
            if path_imgidx:
                self.imgrec = recordio.MXIndexedRecordIO(path_imgidx, path_imgrec, "r")
                self.imgidx = list(self.imgrec.keys)
            else:
                self.imgrec = recordio.MXRecordIO(path_imgrec, "r")

        imgkeys: List[Any] = []
        self.imglist: Optional[Dict[Any, Any]] = None
        if path_imglist:
            logging.info("%s: loading image list %s...", class_name, path_imglist)
            self.imglist, imgkeys = _read_lst(path_imglist, dtype)
        elif isinstance(imglist, list):
            logging.info("%s: loading image list...", class_name)
            self.imglist, imgkeys = _convert_imglist(imglist, dtype)
        self.path_root = path_root

        self.check_data_shape(data_shape)
        data_shape = tuple(int(d) for d in data_shape)  # type: ignore[assignment]
        self.provide_data: List[Tuple[str, Tuple[int, ...]]]
        self.provide_label: List[Tuple[str, Tuple[int, ...]]]
        self.provide_data = [(data_name, (batch_size,) + tuple(data_shape))]
        if label_width > 1:
            self.provide_label = [(label_name, (batch_size, label_width))]
        else:
            self.provide_label = [(label_name, (batch_size,))]
        self.batch_size = batch_size
        self.data_shape = data_shape
        self.label_width = label_width
        self.shuffle = shuffle

        self.seq: Optional[List[Any]]
        if self.imgrec is None:
            self.seq = imgkeys
        elif shuffle or num_parts > 1 or path_imgidx:
            if self.imgidx is None:
                raise AssertionError(
                    "ImageIter: shuffle=True or num_parts > 1 with path_imgrec needs "
                    "path_imgidx (the .idx file of the .rec) for random access"
                )
            self.seq = self.imgidx
        else:
            self.seq = None  # read the .rec from start to end

        if num_parts > 1:
            if not 0 <= part_index < num_parts:
                raise AssertionError(
                    "ImageIter: part_index must be in [0, num_parts); got part_index=%d, "
                    "num_parts=%d" % (part_index, num_parts)
                )
            assert self.seq is not None
            part = len(self.seq) // num_parts
            self.seq = self.seq[part_index * part : (part_index + 1) * part]
        if aug_list is None:
            self.auglist = CreateAugmenter(data_shape, **kwargs)
        else:
            self.auglist = aug_list
        self.cur = 0
        self._allow_read = True
        self.last_batch_handle = last_batch_handle
        self.num_image = len(self.seq) if self.seq is not None else None
        self._cache_data: Any = None
        self._cache_label: Any = None
        self._cache_idx: Optional[int] = None
        self._num_read = 0  # samples read this pass over a sequential .rec (for errors)
        self.reset()

    def reset(self) -> None:
        """Back to the start of the data (reshuffled when ``shuffle``).

        With 'roll_over', samples held back from the last epoch's incomplete batch start
        the next epoch instead.
        """
        if self.seq is not None and self.shuffle:
            random.shuffle(self.seq)
        if self.last_batch_handle != "roll_over" or self._cache_data is None:
            if self.imgrec is not None:
                self.imgrec.reset()
                self._num_read = 0
            self.cur = 0
            self._allow_read = True

    def hard_reset(self) -> None:
        """Back to the start of the data, dropping any rolled-over samples."""
        if self.seq is not None and self.shuffle:
            random.shuffle(self.seq)
        if self.imgrec is not None:
            self.imgrec.reset()
            self._num_read = 0
        self.cur = 0
        self._allow_read = True
        self._cache_data = None
        self._cache_label = None
        self._cache_idx = None

    def next_sample(self) -> Tuple[Any, bytes]:
        """The next (label, encoded image bytes); StopIteration at the end of the data."""
        if self._allow_read is False:
            raise StopIteration
        if self.seq is not None:
            assert self.num_image is not None
            if self.cur < self.num_image:
                idx = self.seq[self.cur]
            else:
                if self.last_batch_handle != "discard":
                    self.cur = 0
                raise StopIteration
            self.cur += 1
            if self.imgrec is not None:
                header, img = recordio.unpack(self.imgrec.read_idx(idx))
                if self.imglist is None:
                    return header.label, img
                return self.imglist[idx][0], img
            assert self.imglist is not None
            label, fname = self.imglist[idx]
            return label, self.read_image(fname)
        record = self.imgrec.read()
        if record is None:
            if self.last_batch_handle != "discard":
                self.imgrec.reset()
                self._num_read = 0
            raise StopIteration
        self._num_read += 1
        header, img = recordio.unpack(record)
        return header.label, img

    def _batchify(self, batch_data: Any, batch_label: Any, start: int = 0) -> int:
        """Fills the batch from slot ``start`` on; the number of slots filled in all."""
        i = start
        try:
            while i < self.batch_size:
                label, s = self.next_sample()
                data = self.imdecode(s)
                try:
                    self.check_valid_image(data)
                except RuntimeError as err:
                    logging.debug("Invalid image, skipping:  %s", str(err))
                    continue
                data = self.augmentation_transform(data)
                datum = self.postprocess_data(data)
                if tuple(datum.shape) != tuple(self.data_shape):
                    raise ValueError(
                        "ImageIter: after augmentation the image has shape %s (CxHxW) but "
                        "data_shape is %s; the augmenters must resize or crop to data_shape"
                        % (tuple(datum.shape), tuple(self.data_shape))
                    )
                batch_data[i] = datum
                if (
                    isinstance(label, nd.NDArray)
                    and len(batch_label.shape) == 1
                    and tuple(label.shape) == (1,)
                ):
                    label = label.reshape(())  # one label into a scalar slot
                batch_label[i] = label
                i += 1
        except StopIteration:
            if not i:
                raise
        return i

    def next(self) -> DataBatch:
        """The next batch; StopIteration at the end of the epoch."""
        if self._cache_data is not None:
            # the samples rolled over from the last epoch start this batch
            batch_data = self._cache_data
            batch_label = self._cache_label
            i = self._cache_idx
            assert i is not None
        else:
            zeros_fn: Any
            empty_fn: Any
            if is_np_array():
                from .. import numpy as _mx_np

                zeros_fn, empty_fn = _mx_np.zeros, _mx_np.empty
            else:
                zeros_fn, empty_fn = nd.zeros, nd.empty
            c, h, w = self.data_shape
            batch_data = zeros_fn((self.batch_size, c, h, w))
            batch_label = empty_fn(self.provide_label[0][1])
            i = self._batchify(batch_data, batch_label)
        pad = self.batch_size - i
        if pad != 0:
            if self.last_batch_handle == "discard":
                raise StopIteration
            if self.last_batch_handle == "roll_over" and self._cache_data is None:
                self._cache_data = batch_data
                self._cache_label = batch_label
                self._cache_idx = i
                raise StopIteration
            self._batchify(batch_data, batch_label, i)
            if self.last_batch_handle == "pad":
                self._allow_read = False
            else:
                self._cache_data = None
                self._cache_label = None
                self._cache_idx = None
        return DataBatch([batch_data], [batch_label], pad=pad)

    def check_data_shape(self, data_shape: Any) -> None:
        """Raises ValueError unless ``data_shape`` is (3, height, width)."""
        if not hasattr(data_shape, "__len__"):
            raise TypeError(
                "data_shape should be a tuple (channels, height, width); got %r" % (data_shape,)
            )
        if not len(data_shape) == 3:
            raise ValueError(
                "data_shape should have length 3, with dimensions CxHxW; got %s"
                % (tuple(data_shape),)
            )
        if not data_shape[0] == 3:
            raise ValueError(
                "This iterator expects inputs to have 3 channels; data_shape is %s"
                % (tuple(data_shape),)
            )

    def check_valid_image(self, data: Any) -> None:
        """Raises RuntimeError for a decoded image without pixel rows (it is skipped)."""
        if len(data[0].shape) == 0:
            raise RuntimeError("Data shape is wrong")

    def _locate(self) -> str:
        """Which sample was just read, for the message of a decoding error."""
        if self.seq is not None:
            assert self.num_image is not None
            idx = self.seq[(self.cur % self.num_image) - 1]
        else:
            idx = self._num_read - 1
        if self.imglist is not None and idx in self.imglist:
            return "Broken image filename: {}".format(self.imglist[idx][1])
        return "Broken image index: {}".format(idx)

    def imdecode(self, s: Any) -> Any:
        """Decodes encoded image bytes to an HxWx3 NDArray (see ``mx.image.imdecode``).

        A failure raises RuntimeError naming the file or record index.
        """
        try:
            return _image.imdecode(s)
        except Exception as err:
            raise RuntimeError("{}, {}".format(self._locate(), err)) from None

    def read_image(self, fname: str) -> bytes:
        """The raw (encoded) bytes of the image file ``fname`` under ``path_root``."""
        if self.path_root is None:
            raise TypeError(
                "ImageIter: path_root is None; reading the image files of an image list "
                "needs path_root, the folder their paths are relative to (%r)" % (fname,)
            )
        with open(os.path.join(self.path_root, fname), "rb") as fin:
            return fin.read()

    def augmentation_transform(self, data: Any) -> Any:
        """``data`` run through every augmenter of ``auglist`` in order."""
        for aug in self.auglist:
            data = aug(data)
        return data

    def postprocess_data(self, datum: Any) -> Any:
        """The HxWxC image as CxHxW, the layout of a batch."""
        if is_np_array():
            from .. import numpy as _mx_np

            if not isinstance(datum, _mx_np.ndarray):
                datum = datum.as_np_ndarray()  # an augmenter gave a legacy NDArray
            return datum.transpose(2, 0, 1)
        return nd.transpose(datum, axes=(2, 0, 1))
