"""``nd.save`` / ``nd.load`` in MXNet 1.x's ``.params`` binary format.

The format is read and written by gluonlite's C++ core (``csrc/io``): files go both ways
between gluonlite and MXNet, and what gluonlite writes is byte-identical to what MXNet
1.9.1 writes for the same arrays. As in MXNet, a single NDArray saves as a 1-item list,
a list loads as a list, a dict as a dict, and an empty dict comes back as ``[]`` (the
file cannot tell them apart).

Differences from MXNet, on purpose:

* Saves are atomic: the data goes to a temporary file in the target's directory (an
  unnamed ``O_TMPFILE`` where the filesystem has it, so even a killed process leaves no
  stray file), which is flushed, fsynced and renamed over the target. A failed save
  leaves the previous file as it was. A save killed between naming its temporary
  (``.NAME.<hex>.tmp``) and the rename leaves that file behind; the next save of the same
  target removes it. A FIFO or a device (``/dev/null``) is written through, not
  replaced, as MXNet does; a symlink loop or a path ending in a slash raise MXNetError.
  A replaced file keeps its permission bits, and, when root saves it, its owner and group.
  A file the saving user may not write (read-only, not root) is refused with MXNetError,
  as MXNet's open() refuses it. A file with other hard links is replaced by a new file:
  the other names keep the previous contents (MXNet, writing in place, changes them all).
* ``save`` / ``load`` also take binary file objects; ``save_tobuffer`` returns the bytes.
* ``load`` reads files MXNet cannot: the 0-d arrays MXNet writes but fails to reload,
  V1 and pre-V1 records, V3 records without numpy mode. Sparse records load as dense
  NDArrays (gluonlite has dense storage only); bfloat16 loads as float32. A 'none'
  array (V3 ndim -1, which makes MXNet itself crash) loads as ``None``.
* Arrays load onto the CPU whatever device saved them, or onto ``ctx`` when given.
* A damaged file raises ``MXNetError`` naming the file, the record and the byte offset.
"""

from __future__ import annotations

import fcntl
import io
import os
import secrets
import stat
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

from .. import _core
from ..base import MXNetError
from .ndarray import NDArray

__all__ = ["save", "load", "load_frombuffer", "save_tobuffer"]

_TYPE_ERROR = "save only accept dict str->NDArray or list of NDArray"  # MXNet's text
_TEMP_TOKEN_BYTES = 6  # temporaries are named .NAME.<12 hex digits>.tmp


def _flatten(data: Any) -> Tuple[List[NDArray], List[bytes]]:
    """(arrays, UTF-8 names) for ``data``, with MXNet's exception classes and texts.

    The names are encoded here, where a bad one raises Python's own UnicodeEncodeError; the
    core's std::string parameters take bytes as well as str (its stub says str).
    """
    if isinstance(data, NDArray):
        _refuse_np_arrays([data])
        return [data], []
    if isinstance(data, dict):
        if any(not isinstance(k, str) for k in data) or any(
            not isinstance(v, NDArray) for v in data.values()
        ):
            raise TypeError(_TYPE_ERROR)
        _refuse_np_arrays(data.values(), list(data))
        return list(data.values()), [k.encode("utf-8") for k in data]
    if isinstance(data, list):
        if any(not isinstance(v, NDArray) for v in data):
            raise TypeError(_TYPE_ERROR)
        _refuse_np_arrays(data)
        return data, []
    raise ValueError(
        "data needs to either be a NDArray, dict of str, NDArray pairs or a list of NDarrays."
    )


def _refuse_np_arrays(arrays: Any, keys: Optional[List[str]] = None) -> None:
    """MXNet's TypeError for an ``mx.np.ndarray`` given to ``nd.save`` (``npx.save`` writes
    the NumPy-shape records those arrays need); the message names the first one."""
    for i, value in enumerate(arrays):
        if type(value) is not NDArray and _is_np_array(value):
            where = "key '%s'" % keys[i] if keys is not None else "item %d" % i
            raise TypeError(
                "cannot save mxnet.numpy.ndarray (%s) using mxnet.ndarray.save; use npx.save "
                "instead." % where
            )


def _is_np_array(value: Any) -> bool:
    from ..numpy.multiarray import ndarray

    return isinstance(value, ndarray)


def save_for_mode(fname: Any, data: Any) -> None:
    """``npx.save`` for ``mx.np`` arrays (NumPy-shape records), ``nd.save`` otherwise: what
    gluonlite's own writers (parameters, checkpoints, exports) call."""
    values = data.values() if isinstance(data, dict) else data
    values = [values] if isinstance(values, NDArray) else list(values)
    if any(_is_np_array(v) for v in values):
        from ..numpy_extension.io import save as npx_save

        npx_save(fname, data)
    else:
        save(fname, data)


def _label(path: str) -> str:
    # Error messages must be valid UTF-8 even for undecodable file names.
    return "file '%s'" % path.encode("utf-8", "backslashreplace").decode("utf-8")


def _path_of(fname: Any, what: str) -> str:
    if isinstance(fname, (bytes, bytearray, memoryview)):
        raise TypeError(
            "%s needs a file name or a binary file object, got bytes; use "
            "nd.load_frombuffer(data) to read .params data held in memory" % what
        )
    try:
        return os.fsdecode(os.fspath(fname))
    except TypeError:
        raise TypeError(
            "fname required to be a string, a path or a binary file object, got %s"
            % type(fname).__name__
        ) from None


def _assemble(
    arrays: List[Optional[NDArray]], names: Optional[List[str]], ctx: Any
) -> Union[List[Any], Dict[str, Any]]:
    if ctx is not None:
        arrays = [a if a is None else a.as_in_context(ctx) for a in arrays]
    if names is None:
        return arrays
    return dict(zip(names, arrays))  # a repeated name: the last one wins, as in MXNet


# ---- saving -------------------------------------------------------------------------------


def save(fname: Any, data: Any) -> None:
    """Save an NDArray, a list of NDArrays or a dict str -> NDArray to ``fname``.

    ``fname`` is a path (written atomically: temporary file, fsync, rename) or a binary
    file object (written at its current position).
    """
    arrays, names = _flatten(data)
    if hasattr(fname, "write") and not isinstance(fname, (str, bytes, os.PathLike)):
        if isinstance(fname, io.TextIOBase):
            raise TypeError(
                'nd.save needs a binary file object (opened with "wb"), got a text file'
            )
        fd = _plain_file_fd(fname)
        if fd is None:
            fname.write(_core.params_save_bytes(arrays, names))  # type: ignore[arg-type]  # bytes
        else:  # straight from the arrays into the file, at its current position
            fname.flush()
            _write_params_fd(fd, arrays, names, _label(str(getattr(fname, "name", fd))))
        return
    path = _path_of(fname, "nd.save")
    label = _label(path)
    _atomic_write(path, lambda fd: _write_params_fd(fd, arrays, names, label))


def _plain_file_fd(f: Any) -> Optional[int]:
    """The descriptor of a plain open() file, whose bytes may be written through it.

    Wrappers that transform data (gzip, bz2, ...) also have a fileno(), of the file they
    wrap, so only FileIO itself or a buffered writer directly over one qualifies.
    """
    raw = (
        f
        if isinstance(f, io.FileIO)
        else getattr(f, "raw", None)
        if isinstance(f, (io.BufferedWriter, io.BufferedRandom))
        else None
    )
    if not isinstance(raw, io.FileIO) or raw.closed:
        return None
    return raw.fileno()


def save_tobuffer(data: Any) -> bytes:
    """The bytes ``save`` would write for ``data`` (MXNet has no such function)."""
    arrays, names = _flatten(data)
    return _core.params_save_bytes(arrays, names)  # type: ignore[arg-type]  # bytes


def _write_params_fd(fd: int, arrays: List[NDArray], names: List[bytes], label: str) -> None:
    """Encode into the open file ``fd`` (a module-level hook, so tests can inject failures)."""
    _core.params_save_fd(fd, arrays, names, label)  # type: ignore[arg-type]  # bytes


# ---- atomic file replacement ----------------------------------------------------------------


def _open_unnamed(directory: str) -> Optional[int]:
    """An unnamed file in ``directory``, or None where the OS or filesystem has none."""
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or not os.path.isdir("/proc/self/fd"):
        return None
    try:
        return os.open(directory, flag | os.O_WRONLY | os.O_CLOEXEC, 0o666)
    except OSError:  # e.g. EOPNOTSUPP on filesystems without O_TMPFILE
        return None


def _temp_name(directory: str, base: str) -> str:
    return os.path.join(directory, ".%s.%s.tmp" % (base, secrets.token_hex(_TEMP_TOKEN_BYTES)))


def _open_named(directory: str, base: str) -> Tuple[int, str]:
    """A new hidden temporary file next to the target, locked as in use: (fd, path)."""
    while True:
        name = _temp_name(directory, base)
        try:
            fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        except FileExistsError:
            continue
        fcntl.flock(fd, fcntl.LOCK_EX)
        return fd, name


def _remove_stale_temporaries(directory: str, base: str) -> None:
    """Delete temporaries that earlier saves of this target left when they were killed
    between naming the temporary and renaming it (a full-size file, kept forever).

    A save in progress holds an exclusive flock on its temporary, so only files that
    nobody holds are removed.
    """
    prefix = ".%s." % base
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        token = name[len(prefix) : -len(".tmp")]
        if not (
            name.startswith(prefix)
            and name.endswith(".tmp")
            and len(token) == 2 * _TEMP_TOKEN_BYTES
            and all(c in "0123456789abcdef" for c in token)
        ):
            continue
        path = os.path.join(directory, name)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            os.unlink(path)
        except OSError:
            pass  # in use by a live save, or already gone
        finally:
            os.close(fd)


def _link_unnamed(fd: int, directory: str, base: str) -> str:
    """Give the unnamed file a temporary name, so that it can be renamed over the target."""
    # linkat(AT_SYMLINK_FOLLOW) through /proc/self/fd; Python uses plain link(), which does
    # not follow the /proc link, unless a src_dir_fd is given.
    proc_fd = os.open("/proc/self/fd", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        while True:
            name = _temp_name(directory, base)
            try:
                os.link(str(fd), name, src_dir_fd=proc_fd, follow_symlinks=True)
                return name
            except FileExistsError:
                continue
    finally:
        os.close(proc_fd)


def _keep_mode(target: str, fd: int) -> None:
    """A replaced file keeps its permission bits and, where we may set it (as root), its
    owner and group: a rename would otherwise give the new file ours."""
    try:
        st = os.stat(target)
    except OSError:
        return  # no previous file, or not ours to inspect: the umask default stays
    try:
        os.fchmod(fd, stat.S_IMODE(st.st_mode))
        if (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
            os.fchown(fd, st.st_uid, st.st_gid)
    except OSError:
        pass  # not permitted (not root): the file becomes ours, as any new file would


def _fsync_directory(directory: str) -> None:
    """Make the rename itself durable; some filesystems cannot, which is not an error."""
    try:
        dir_fd = os.open(directory, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def _write_synced(fd: int, target: str, write: Callable[[int], None]) -> None:
    write(fd)
    _keep_mode(target, fd)
    os.fsync(fd)


def _existing_kind(path: str) -> Optional[int]:
    """The file type bits of what ``path`` names (through symlinks), None if nothing."""
    try:
        return stat.S_IFMT(os.stat(path).st_mode)
    except FileNotFoundError:
        return None  # a new file, or a symlink to one
    except OSError as err:  # ELOOP: a symlink loop, which realpath() would not report
        raise MXNetError("cannot save to '%s': %s" % (path, err.strerror or err)) from err


def _write_through(path: str, write: Callable[[int], None]) -> None:
    """Write into a FIFO or a device as it is, as MXNet does: replacing it by a regular
    file would destroy it (think of /dev/null)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
    except OSError as err:
        raise MXNetError("cannot save to '%s': %s" % (path, err.strerror or err)) from err
    try:
        write(fd)
    finally:
        os.close(fd)


def _atomic_write(path: str, write: Callable[[int], None]) -> None:
    """Replace ``path`` by what ``write(fd)`` writes, or leave it untouched on any failure.

    A FIFO or a device is written through instead; a directory, a path ending in a
    slash and a symlink loop raise MXNetError naming the path.
    """
    path = os.fsdecode(os.fspath(path))
    kind = _existing_kind(path)
    if kind == stat.S_IFDIR:
        raise MXNetError("cannot save to '%s': it is a directory" % path)
    if path.endswith(os.sep) or (os.altsep and path.endswith(os.altsep)):
        raise MXNetError(
            "cannot save to '%s': a path ending in '%s' names a directory, "
            "and there is none" % (path, path[-1])
        )
    if kind is not None and kind != stat.S_IFREG:
        _write_through(path, write)
        return
    target = os.path.realpath(path)  # through symlinks: replace the file, keep the link
    if kind == stat.S_IFREG and not os.access(target, os.W_OK):
        # MXNet's plain open() fails here too; a rename would replace the file regardless
        raise MXNetError(
            "cannot save to '%s': the file is read-only (make it writable or save elsewhere)" % path
        )
    directory, base = os.path.split(target)
    _remove_stale_temporaries(directory, base)
    temp = None
    fd = -1
    try:
        unnamed = _open_unnamed(directory)
        if unnamed is None:
            fd, temp = _open_named(directory, base)
        else:
            fd = unnamed
            fcntl.flock(fd, fcntl.LOCK_EX)  # in use, once it has a name
        _write_synced(fd, target, write)
        if temp is None:
            try:
                temp = _link_unnamed(fd, directory, base)
            except OSError:  # /proc not usable: write again into a named file
                os.close(fd)
                fd = -1
                fd, temp = _open_named(directory, base)
                _write_synced(fd, target, write)
        os.replace(temp, target)
        temp = None
    except OSError as err:
        raise MXNetError("cannot save to '%s': %s" % (path, err.strerror or err)) from err
    finally:
        if fd >= 0:
            os.close(fd)  # an unnamed file that was never linked disappears here
        if temp is not None:
            try:
                os.unlink(temp)
            except OSError:
                pass
    _fsync_directory(directory)


# ---- loading --------------------------------------------------------------------------------


def load(fname: Any, ctx: Any = None) -> Union[List[Any], Dict[str, Any]]:
    """Load what ``save`` wrote (or MXNet's ``nd.save``): a list, or a dict str -> NDArray.

    ``fname`` is a path or a binary file object. ``ctx`` (gluonlite only) is where the
    arrays go; by default the CPU, whatever device the file was saved from.
    """
    if hasattr(fname, "read") and not isinstance(fname, (str, bytes, os.PathLike)):
        data = fname.read()
        if isinstance(data, str):
            raise TypeError(
                'nd.load needs a binary file object (opened with "rb"), got a text file'
            )
        name = getattr(fname, "name", None)
        label = _label(name) if isinstance(name, str) else "file object"
        arrays, names = _core.params_load_buffer(data, label)
        return _assemble(arrays, names, ctx)
    path = _path_of(fname, "nd.load")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise MXNetError("file not found: '%s'" % path) from None
    except OSError as err:
        raise MXNetError("cannot open '%s' for reading: %s" % (path, err.strerror)) from None
    try:
        arrays, names = _core.params_load_fd(fd, _label(path))
    finally:
        os.close(fd)
    return _assemble(arrays, names, ctx)


def load_frombuffer(buf: Any, ctx: Any = None) -> Union[List[Any], Dict[str, Any]]:
    """Load from bytes (or any bytes-like object) holding the contents of a .params file."""
    if isinstance(buf, str):
        raise TypeError("buf required to be bytes (the contents of a .params file), got str")
    try:
        view = memoryview(buf)
    except TypeError:
        raise TypeError("buf required to be a string or bytes") from None
    if view.format != "B" or view.ndim != 1:
        view = view.cast("B")  # raises TypeError for a non-contiguous buffer
    arrays, names = _core.params_load_buffer(view, "buffer")
    return _assemble(arrays, names, ctx)
