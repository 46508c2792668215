"""`glmlint fix`: format-preserving fixes, shown as a diff or written in place.

`engine` turns findings into verified text edits; this module reads and
writes files: the original bytes' encoding (BOM, UTF-16) is kept, and a write
is atomic (a temporary file in the same directory, fsync, rename), keeps the
file's mode, never happens when the file changed since it was read, and never
goes outside the scan root.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from glmlint.fix.text import unified_diff

if TYPE_CHECKING:
    from glmlint.fix.engine import Applied, FileFix, Options, fix_report


def __getattr__(name: str) -> Any:
    """The engine's names, imported on first use: a scan that only asks `fix.lowering` which fixes
    it can offer does not load the engine."""
    if name in ("Applied", "FileFix", "Options", "fix_report"):
        from glmlint.fix import engine

        return getattr(engine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = ["Applied", "FileFix", "Options", "WriteError", "diff", "fix_report", "write"]


class WriteError(Exception):
    """A fixed file was not written; the message says why (one line)."""


def _encoding(data: bytes) -> tuple[bytes, str]:
    """(BOM, codec) of the bytes the source was decoded from."""
    if data.startswith(b"\xef\xbb\xbf"):
        return b"\xef\xbb\xbf", "utf-8"
    if data.startswith(b"\xff\xfe"):
        return b"\xff\xfe", "utf-16-le"
    if data.startswith(b"\xfe\xff"):
        return b"\xfe\xff", "utf-16-be"
    return b"", "utf-8"


def diff(fix: FileFix) -> str:
    """The unified diff of one fixed file, paths relative to the scan root (`git apply`, `patch -p1`)."""
    path = fix.source.path.replace(os.sep, "/")
    return unified_diff(fix.source.text, fix.new_text, path)


def encode(fix: FileFix, original: bytes) -> bytes:
    bom, codec = _encoding(original)
    return bom + fix.new_text.encode(codec, "surrogatepass")


def write(fix: FileFix, root: str) -> None:
    """Replace the file with its fixed text, atomically, or raise `WriteError`."""
    path = fix.source.disk_path
    real = os.path.realpath(path)
    root_real = os.path.realpath(root)
    if os.path.islink(path) and os.path.commonpath([real, root_real]) != root_real:
        raise WriteError(f"not written: it is a symlink to {real}, outside the scan root")
    try:
        with open(real, "rb") as fh:
            current = fh.read()
        st = os.stat(real)
    except OSError as exc:
        raise WriteError(f"not written: cannot read it again: {exc.strerror or exc}") from None
    from glmlint.parsers import decode

    try:
        unchanged = decode(current) == fix.source.text
    except UnicodeDecodeError:
        unchanged = False
    if not unchanged:
        raise WriteError("not written: the file changed on disk since it was read")
    data = encode(fix, current)
    directory = os.path.dirname(real) or "."
    import tempfile  # only `fix --write` writes files

    fd, tmp = tempfile.mkstemp(prefix=".glmlint-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, st.st_mode & 0o7777)
        try:
            os.chown(tmp, st.st_uid, st.st_gid)
        except OSError:
            pass  # not the owner: the file becomes ours, as with any editor's save
        os.replace(tmp, real)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise WriteError(f"not written: {exc.strerror or exc}") from None
        raise
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass
