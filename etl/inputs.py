"""Which input files there are, and why one cannot be read: the same answer for both engines.

`discover()` lists every input under the given paths without opening anything (a FIFO,
a socket, a device, a dangling or looping symlink, a missing path each becomes an entry
with the reason it is skipped); `entry_sha()` hashes a regular file in chunks under the
size cap; `read_regular()` reads one. The local engine (etl/pipeline.py) and the Ray
driver and tasks (etl/lake/) call these, so a file fails for the same reason in both.
"""
from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from etl.limits import MB, LimitExceeded, Limits
from etl.limits import current as current_limits
from etl.read import IGNORED_NAMES
from etl.records import ReadError

SAMPLE_PREFIX = "sample_"  # a file named sample_… is synthetic sample data unless the user says otherwise


def is_sample_name(name: str) -> bool:
    """Whether a file counts as synthetic sample data by its name (`--sample/--no-sample` overrides it)."""
    return Path(name).name.startswith(SAMPLE_PREFIX)


@dataclass
class Entry:
    """One input found on disk: where it is, what the log calls it, and why it cannot be read (if so)."""

    path: Path
    name: str  # relative to the argument it was found under, printable, escaped
    problem: str | None = None


def display_name(rel: str) -> str:
    """A file name as data: bytes that are not UTF-8 (GBK names from a Chinese Windows zip)
    come back as \\xNN escapes, control characters as escapes, so any name can be stored and printed."""
    raw = os.fsencode(rel)
    text = raw.decode("utf-8", errors="backslashreplace")
    return "".join(ch if ch.isprintable() or ch == " " else ascii(ch)[1:-1] for ch in text)


_KIND = [
    (stat.S_ISFIFO, "是命名管道（FIFO），不是普通文件，已跳过"),
    (stat.S_ISSOCK, "是套接字（socket），不是普通文件，已跳过"),
    (stat.S_ISCHR, "是设备文件，不是普通文件，已跳过"),
    (stat.S_ISBLK, "是设备文件，不是普通文件，已跳过"),
]


def _kind_problem(mode: int) -> str | None:
    for test, reason in _KIND:
        if test(mode):
            return reason
    return None if stat.S_ISREG(mode) else "不是普通文件，已跳过"


def _stat_problem(path: Path) -> tuple[os.stat_result | None, str | None]:
    """stat() the path (following symlinks) without ever opening it; say why it cannot be read."""
    try:
        return os.stat(path), None
    except FileNotFoundError:
        if os.path.islink(path):
            return None, "符号链接指向的文件不存在（悬空链接）"
        return None, "找不到路径：文件或文件夹不存在"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return None, "符号链接循环，无法找到真实文件"
        if exc.errno == errno.EACCES:
            return None, "没有读取权限"
        return None, f"无法访问：{exc.strerror or exc}"


def discover(paths: Iterable[Path]) -> list[Entry]:
    """Every input under the given paths (folders recursively), in a stable order.

    Nothing is opened here. Anything that is not a regular file (a FIFO, a
    socket, a device, a dangling or looping symlink, a missing path) is still
    an entry, with the reason it is skipped, so it gets a row in the log.
    """
    found: list[Entry] = []
    for arg in paths:
        arg = Path(arg)
        st, problem = _stat_problem(arg)
        if st is not None and stat.S_ISDIR(st.st_mode):
            found.extend(_walk(arg))
            continue
        name = display_name(arg.name or str(arg))
        if problem is None:
            problem = _kind_problem(st.st_mode)
        found.append(Entry(arg, name, problem))
    return found


def _link_problem(link: str, root_real: str) -> str:
    """Why a link to a folder below the given one is not followed: every folder inside is read
    under its own path anyway, and a folder outside was not given."""
    real = os.path.realpath(link)
    here = os.path.dirname(os.path.abspath(link))
    here_real = os.path.realpath(here)
    inside = real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep)
    if not inside:
        return "符号链接指向所给文件夹之外的文件夹，未跟随"
    if here_real == real or here_real.startswith(real.rstrip(os.sep) + os.sep):
        return "符号链接循环（指向自己所在的文件夹或其上级），已跳过"
    return "符号链接指向所给文件夹里的另一个文件夹，已跳过（该文件夹按原路径读取）"


def _walk(root: Path) -> list[Entry]:
    """Depth-first, children in byte order; iterative, so no nesting depth can overflow the stack.

    A link to a folder below `root` is logged, never followed: a folder inside is read under
    its own path anyway, and one outside (`up -> ..`) was not given, so ingesting a folder never
    reads its parent or anything twice. A link to a file is read as that file.
    """
    out: list[Entry] = []
    root_real = os.path.realpath(root)
    seen_dirs: set[tuple[int, int]] = set()
    stack: list[tuple[Path, tuple[str, ...], os.stat_result | None, str | None]] = [(root, (), None, None)]
    while stack:
        path, rel, st, problem = stack.pop()
        name = display_name("/".join(rel) or path.name)
        if rel and (st is None or not stat.S_ISDIR(st.st_mode)):
            out.append(Entry(path, name, problem if problem is not None else _kind_problem(st.st_mode)))
            continue
        if st is None:
            st, _ = _stat_problem(path)
            if st is None:
                continue
        key = (st.st_dev, st.st_ino)
        if key in seen_dirs:
            out.append(Entry(path, name, "符号链接循环（文件夹已读取过），已跳过"))
            continue
        seen_dirs.add(key)
        try:
            with os.scandir(path) as it:
                children = sorted(it, key=lambda e: os.fsencode(e.name))
        except OSError as exc:
            out.append(Entry(path, name, f"无法读取文件夹：{exc.strerror or exc}"))
            continue
        for child in reversed(children):
            if child.name.startswith(".") or child.name in IGNORED_NAMES:
                continue
            child_st, child_problem = _stat_problem(Path(child.path))
            if child_st is not None and stat.S_ISDIR(child_st.st_mode) and child.is_symlink():
                child_st, child_problem = None, _link_problem(child.path, root_real)
            stack.append((Path(child.path), rel + (child.name,), child_st, child_problem))
    return out


def hash_file(path: Path, max_bytes: int) -> str:
    """sha256 of a regular file, read in chunks; never blocks on a FIFO swapped in after discovery."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        st = os.fstat(fd)
        problem = _kind_problem(st.st_mode)
        if problem:
            raise ReadError(problem)
        if st.st_size > max_bytes:
            raise LimitExceeded(f"文件过大（{st.st_size / MB:,.0f} MB，上限 {max_bytes // MB} MB）")
        h = hashlib.sha256()
        with os.fdopen(fd, "rb", closefd=False) as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()
    finally:
        os.close(fd)


def entry_sha(e: Entry, limits: Limits) -> str | None:
    """The sha256 of an entry's file, or None with `e.problem` saying why it cannot be read."""
    if e.problem is not None:
        return None
    try:
        return hash_file(e.path, limits.file_mb * MB)
    except ReadError as exc:
        e.problem = str(exc)
    except OSError as exc:
        e.problem = "没有读取权限" if exc.errno == errno.EACCES else f"无法读取：{exc.strerror or exc}"
    return None


def read_regular(path: Path) -> bytes:
    """The bytes of a regular file, up to the size cap (never blocks on a FIFO swapped in after discovery)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ReadError("不是普通文件，已跳过")
        cap = current_limits().file_mb * MB
        data = fh.read(cap + 1)
    if len(data) > cap:
        raise LimitExceeded(f"文件过大（上限 {cap // MB} MB）")
    return data
