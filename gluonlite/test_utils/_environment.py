"""Test control: temporary environment variables, silenced stderr, retries, expected raises."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from typing import Any, Callable, Dict, Iterator, List, Optional, Type


class environment(contextlib.ContextDecorator):  # noqa: N801 - MXNet's name
    """Sets environment variables for the body of a ``with`` (or of a decorated function),
    restoring their previous state afterwards, even when the body raises.

    ``environment(name, value)`` sets one variable; ``environment({name: value, ...})``
    several. A value of None unsets the variable.
    """

    def __init__(self, *args: Any) -> None:
        if len(args) == 2:
            settings = {args[0]: args[1]}
        elif len(args) == 1 and isinstance(args[0], dict):
            settings = dict(args[0])
        else:
            raise TypeError(
                "environment: expecting one dict arg or two args: env var name and value, "
                f"got {len(args)} argument(s) {args!r}"
            )
        for name, value in settings.items():
            if not isinstance(name, str):
                raise TypeError(
                    f"environment: variable names must be str, got {type(name).__name__} {name!r}"
                )
            if value is not None and not isinstance(value, str):
                raise TypeError(
                    f"environment: value of {name!r} must be a str or None, got "
                    f"{type(value).__name__} {value!r}"
                )
        self._settings: Dict[str, Optional[str]] = settings
        self._saved: List[Dict[str, Optional[str]]] = []  # one per open scope (reentrant)

    def __enter__(self) -> "environment":
        self._saved.append({name: os.environ.get(name) for name in self._settings})
        _apply(self._settings)
        return self

    def __exit__(self, *exc: Any) -> None:
        _apply(self._saved.pop())


def _apply(settings: Dict[str, Optional[str]]) -> None:
    for name, value in settings.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@contextlib.contextmanager
def discard_stderr() -> Iterator[None]:
    """Discards everything written to the process's stderr (file descriptor 2, so C code's
    output too) inside a ``with`` block."""
    sys.stderr.flush()
    saved_fd = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        try:
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        os.dup2(saved_fd, 2)
        os.close(saved_fd)


def retry(n: int) -> Callable[[Callable], Callable]:
    """Decorator for stochastic tests: reruns the test on AssertionError, up to ``n`` runs in
    all; the last run's AssertionError propagates, any other exception at once."""
    if isinstance(n, bool) or not isinstance(n, int) or n <= 0:
        raise ValueError(f"retry: n must be a positive int, got {n!r}")

    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for attempt in range(n):
                try:
                    return func(*args, **kwargs)
                except AssertionError:
                    if attempt == n - 1:
                        raise

        return wrapper

    return decorate


def assert_exception(
    f: Callable, exception_type: Type[BaseException], *args: Any, **kwargs: Any
) -> None:
    """Asserts that ``f(*args, **kwargs)`` raises ``exception_type``; other exceptions
    propagate unchanged."""
    try:
        f(*args, **kwargs)
    except exception_type:
        return
    name = getattr(f, "__name__", repr(f))
    raise AssertionError(f"{name} did not raise {exception_type.__name__}")
