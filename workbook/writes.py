"""How ladderbook writes a file: one command at a time, never half, and keeping what the file was.

A command that writes a workbook holds it (`held`) from its first read to its last write: a lock
beside the workbook keeps a second ladderbook command out (the operating system releases it if the
process dies, so a killed run never leaves it taken), and a workbook open in Excel, WPS or
LibreOffice (their lock files beside it, or beside a symlink's target) or one that is read-only is
refused. Temporaries a killed run of ours left beside it are removed.

Every file is written whole beside its target and renamed over it (`replace`): a crash or a full
disk leaves the old file as it was. The new file takes the old one's mode and owner; a symlink is
written through to its target; a file with other hard links, or whose owner cannot be kept, gets
the new content copied into it once that content is complete. Before the workbook is replaced,
it is checked to be the very file the command read.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import files
from .files import Refused

PREFIX = ".~ladderbook-"  # our temporaries (and the month's archive before it is placed): hidden


@dataclass
class Held:
    """A workbook a command holds: `path` as the user named it, `real` through any symlink;
    `formulas`, the package's parts holding a formula as its check found them (`checked`;
    None: not known)."""
    path: Path
    real: Path
    stamp: tuple
    formulas: frozenset[str] | None = None

    def replace(self, write: Callable[[Path], None]) -> None:
        """The workbook replaced by what `write(temp)` writes, if it is still the file read."""
        replace(self.real, write, self)
        self.stamp = stamp(self.real)


def stamp(path: Path) -> tuple:
    """What tells one file from another written over it: ours are renamed into place."""
    info = path.stat()
    return info.st_ino, info.st_size, info.st_mtime_ns


def _office_locks(path: Path) -> list[Path]:
    """Where Excel and WPS (`~$name`) and LibreOffice (`.~lock.name#`) mark a file open."""
    return [path.with_name("~$" + path.name), path.with_name(f".~lock.{path.name}#")]


@contextmanager
def checked(path, folders=(), writing=True) -> Iterator[Held]:
    """The workbook at `path` checked (`files.refuse_unsafe`), then held (`held`), with the parts
    the check found holding a formula, unless another program wrote it in between: the check
    inflates every part, and recalc then reads only those (History, the largest, holds none)."""
    path = Path(path)
    before = stamp(path) if path.exists() else None
    formulas = files.refuse_unsafe(path)
    with held(path, folders, writing) as holding:
        yield dataclasses.replace(holding, formulas=formulas if holding.stamp == before else None)


@contextmanager
def held(path, folders=(), writing=True) -> Iterator[Held]:
    """The workbook at `path`, held for one command; `Refused` if it cannot be, or if it is
    read-only and the command `writing` for sure. Our temporaries beside it, in its backups
    folder and in `folders` (its archive) are removed when it is done with it."""
    path = Path(path)
    real = Path(os.path.realpath(path))
    for lock in _office_locks(path) + _office_locks(real):
        if lock.exists():
            raise Refused(f"{path.name} 正在 Excel、WPS 或 LibreOffice 中打开，请先关闭 | {path.name} is open in "
                          f"Excel, WPS or LibreOffice; close it first")
    if writing:
        _refuse_read_only(real, path.name)
    lock = real.with_name(f"{PREFIX}{real.name}.lock")
    handle = _take(lock, path)
    leftovers = [*real.parent.glob(f"{PREFIX}{_glob_safe(real.name)}-*"),
                 *(f for folder in (backup_folder(path), *folders) for f in Path(folder).glob(f"{PREFIX}*"))]
    try:
        yield Held(path, real, stamp(real) if real.exists() else ())
    finally:
        for leftover in leftovers:  # a killed run's, found on taking the lock: the command had its
            leftover.unlink(missing_ok=True)  # chance to finish one (an archive) before they go
        try:
            lock.unlink(missing_ok=True)  # while still held: whoever opens it next makes a new one
        except OSError:
            pass  # Windows keeps an open file: it stays, released, for the next command to take
        _release(handle)


def _refuse_read_only(real: Path, name: str) -> None:
    if real.exists() and (not os.access(real, os.W_OK) or not real.stat().st_mode & 0o222):
        raise Refused(f"{name} 是只读文件，未改动 | {name} is read-only; nothing was changed")
    if not os.access(real.parent, os.W_OK):
        raise Refused(f"文件夹 {real.parent} 不可写入，未改动 | the folder {real.parent} cannot be written to; "
                      f"nothing was changed")


def _glob_safe(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def _take(lock: Path, path: Path) -> int:
    """The lock file opened and locked, without waiting; `Refused` if another process has it."""
    while True:
        handle = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            _lock(handle)
        except OSError:
            os.close(handle)
            raise Refused(f"另一个 ladderbook 命令正在处理 {path.name}，请等它结束后再试 | another ladderbook "
                          f"command is working on {path.name}; try again when it has finished") from None
        try:
            if os.fstat(handle).st_ino == os.stat(lock).st_ino:
                return handle
        except FileNotFoundError:
            pass
        os.close(handle)  # its holder removed it as we opened it: take the new one


if os.name == "nt":  # pragma: no cover - ladderbook's CI runs on Linux
    import msvcrt

    def _lock(handle: int) -> None:
        msvcrt.locking(handle, msvcrt.LK_NBLCK, 1)

    def _release(handle: int) -> None:
        os.close(handle)
else:
    import fcntl

    def _lock(handle: int) -> None:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _release(handle: int) -> None:
        os.close(handle)  # closing releases the lock


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def replace(target: Path, write: Callable[[Path], None], held: Held | None = None,
            mode: int | None = None) -> None:
    """Have `write(temp)` write the new file beside `target`, then put it in place of `target`:
    until then `target` is untouched, and a failure removes the temporary file. The new file keeps
    `target`'s mode and owner (a new one gets `mode`, else the usual mode for new files); `held`:
    the workbook must still be the file read, or `Refused`."""
    real = Path(os.path.realpath(target))
    _refuse_read_only(real, Path(target).name)
    with temporary(real) as temp:
        write(temp)
        with open(temp, "rb+") as f:
            os.fsync(f.fileno())
        if not real.exists():
            os.chmod(temp, mode if mode is not None else 0o666 & ~_umask())
            os.replace(temp, real)
            return
        if held is not None and stamp(real) != held.stamp:
            raise Refused(f"{held.path.name} 在处理期间被改动（被其他程序保存？），本次未写入 | {held.path.name} changed "
                          f"while ladderbook worked on it (saved by another program?); nothing was written")
        info = real.stat()
        os.chmod(temp, stat.S_IMODE(info.st_mode))
        in_place = info.st_nlink > 1
        made = temp.stat()
        if (info.st_uid, info.st_gid) != (made.st_uid, made.st_gid):
            try:
                os.chown(temp, info.st_uid, info.st_gid)
            except PermissionError:
                in_place = True
        if in_place:  # its other names, or an owner we may not give, are kept by writing into it
            with open(temp, "rb") as src, open(real, "rb+") as dst:
                shutil.copyfileobj(src, dst)
                dst.truncate()
                os.fsync(dst.fileno())
        else:
            os.replace(temp, real)


def temporary_beside(beside: Path) -> Path:
    """A new empty file of ours beside `beside`, named as `held` looks for one a killed run left."""
    handle, name = tempfile.mkstemp(prefix=f"{PREFIX}{beside.name}-", suffix=beside.suffix, dir=beside.parent)
    os.close(handle)
    return Path(name)


@contextmanager
def temporary(beside: Path) -> Iterator[Path]:
    """An empty file of ours beside `beside` (`temporary_beside`), removed at the end unless it
    was renamed into place."""
    path = temporary_beside(beside)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def backup_folder(path: Path) -> Path:
    return path.with_name(f"{path.stem}-backups")


def backup(path: Path, now: dt.datetime | None = None) -> Path:
    """A copy of `path` in `<stem>-backups/`, named for the time it was taken, written whole
    under a temporary name first (a full disk leaves no truncated copy named like a good one)."""
    folder = backup_folder(path)
    folder.mkdir(exist_ok=True)
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = folder / f"{path.stem}-{stamp}{path.suffix}"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{path.stem}-{stamp}-{n}{path.suffix}"
    replace(target, lambda temp: shutil.copyfile(path, temp), mode=stat.S_IMODE(path.stat().st_mode))
    return target
