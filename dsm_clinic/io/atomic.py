"""Atomic writes: a temporary file in the target folder, fsynced, then renamed over."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any


def fsync_dir(path: str | Path) -> None:
    """Make a rename inside `path` durable (no-op where folders cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Yield a file handle; on success the content replaces `path` in one rename.

    On an exception the temporary file is removed and `path` is left untouched.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    binary = "b" in mode
    try:
        # mkstemp makes 0600 files; give the result the mode a plain open() would have
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, mode, encoding=None if binary else encoding,
                       newline=None if binary else "") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        fsync_dir(target.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: str | Path, text: str) -> None:
    with atomic_write(path) as fh:
        fh.write(text)


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    with atomic_write(path, "wb") as fh:
        fh.write(data)


def atomic_write_json(path: str | Path, obj: Any) -> None:
    atomic_write_text(path, json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=True) + "\n")


class AtomicFile:
    """A temporary file next to `path`: `commit()` renames it over `path`, `discard()` removes it.

    For streaming writers whose lifetime is not one `with` block. `fh` is the open handle;
    a writer that needs a path instead (pyarrow) may close `fh` and write to `tmp` itself.
    Like `atomic_write`, the file gets the mode a plain open() would give it (umask applies).
    """

    def __init__(self, path: str | Path, mode: str = "wb", encoding: str | None = "utf-8"):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp",
                                   dir=self.path.parent)
        os.fchmod(fd, 0o666 & ~_umask())
        self.tmp = Path(tmp)
        binary = "b" in mode
        self.fh: IO = os.fdopen(fd, mode, encoding=None if binary else encoding,
                                newline=None if binary else "")
        self.done = False

    def commit(self) -> Path:
        """Flush, fsync and rename the temporary file to `path`; return `path`."""
        if not self.fh.closed:
            self.fh.flush()
            os.fsync(self.fh.fileno())
            self.fh.close()
        else:
            fd = os.open(self.tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        os.replace(self.tmp, self.path)
        fsync_dir(self.path.parent)
        self.done = True
        return self.path

    def discard(self) -> None:
        """Close and remove the temporary file; `path` is left as it was."""
        with contextlib.suppress(OSError):
            self.fh.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.tmp)
        self.done = True
