"""Work files (decoded report documents, the BI copy being built) live in one
known folder per warehouse, never in the system temp dir, and never outlive
the process that wrote them::

    <warehouse dir>/.work/<warehouse file stem>/
        run-<pid>-<id>/        one process's work files
        run-<pid>-<id>.lock    held (an OS file lock) while that process lives

Each process gets its own folder on first use and removes it when it exits;
the code writing inside removes its own files when it is done, failed or not
(``tempfile.TemporaryDirectory(dir=...)``). A process killed outright (SIGKILL,
power loss) cannot clean up, but the OS releases its lock: the next process to
use the same warehouse deletes every folder whose lock it can take, which is
never a live process's.

>>> work_root(Path("data/sandbox.duckdb")).as_posix()
'data/.work/sandbox'
"""
from __future__ import annotations

import atexit
import logging
import os
import shutil
import threading
import uuid
from pathlib import Path

from filelock import FileLock, Timeout

log = logging.getLogger("pipelines.workfiles")

_lock = threading.Lock()
_folders: dict[Path, tuple[Path, FileLock]] = {}  # this process's folder and its held lock, per root


def work_root(warehouse_path: Path) -> Path:
    """The folder holding every process's work folder for one warehouse file."""
    warehouse_path = Path(warehouse_path)
    return warehouse_path.parent / ".work" / warehouse_path.stem


def folder_for(warehouse_path: Path) -> Path:
    """This process's work folder for the warehouse, created (after sweeping
    the folders of dead processes) on first use and removed at exit."""
    root = work_root(warehouse_path).absolute()
    with _lock:
        if root not in _folders:
            sweep(root)
            _folders[root] = _claim(root)
        return _folders[root][0]


def sweep(root: Path) -> list[Path]:
    """Delete the work folders under ``root`` whose owner is gone; return them.
    A folder is only ever deleted by whoever holds its lock file."""
    removed = []
    for lock_file in sorted(root.glob("run-*.lock")):
        probe = FileLock(str(lock_file))
        try:
            probe.acquire(timeout=0)
        except Timeout:
            continue  # a live process holds it
        try:
            folder = lock_file.with_suffix("")
            if folder.exists():
                shutil.rmtree(folder)
                removed.append(folder)
            lock_file.unlink(missing_ok=True)
        finally:
            probe.release()
    if removed:
        log.info("removed %d work folder(s) left by killed runs in %s", len(removed), root)
    return removed


def _claim(root: Path) -> tuple[Path, FileLock]:
    root.mkdir(parents=True, exist_ok=True)
    name = f"run-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    lock = FileLock(str(root / f"{name}.lock"), thread_local=False)
    lock.acquire(timeout=10)  # a new name: only a sweeper probing it can hold it, briefly
    folder = root / name
    folder.mkdir(mode=0o700)  # documents hold buyer data: readable by the owner only
    return folder, lock


def release_all() -> None:
    """Remove this process's work folders (run at exit)."""
    with _lock:
        folders = list(_folders.values())
        _folders.clear()
    for folder, lock in folders:
        shutil.rmtree(folder, ignore_errors=True)
        Path(lock.lock_file).unlink(missing_ok=True)
        lock.release()


def _forget_in_child() -> None:
    # A forked child shares the parent's lock; the folder stays the parent's to remove.
    global _lock
    _lock = threading.Lock()
    _folders.clear()


atexit.register(release_all)
if hasattr(os, "register_at_fork"):  # POSIX only; elsewhere processes are spawned, not forked
    os.register_at_fork(after_in_child=_forget_in_child)
