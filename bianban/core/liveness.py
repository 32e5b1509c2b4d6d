"""Whether the process doing a piece of work is still alive: a named lock, held for as long as the work runs and
released by the operating system or the database server when the holder dies, however it dies (kill -9, the OOM
killer, a crashed worker host on PostgreSQL).

Used where a row says "running" and something must decide whether that is still true: a roster import or a check
run whose process was killed, a background task whose worker died (core/tasks_recovery.py).

Why a lock rather than a heartbeat or a pid: a heartbeat needs a lease as long as the slowest legitimate run, during
which a dead run blocks everything; a pid means nothing on another host and is reused. A lock is gone the moment
its holder is.

- PostgreSQL: a session advisory lock on a connection of its own (the worker closes Django's connection between
  tasks, which would drop it), visible to every host in pg_locks.
- SQLite: flock(2) on a file in a directory beside the database file (`<database>-locks/`), which every process
  that can open the database can reach. A lock file is removed on release; both sides check, after locking, that
  the file they locked is still the one at the path, so a release racing a new holder is never mistaken for a
  free lock.
"""

import contextlib
import fcntl
import hashlib
import logging
import os
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db import connection

logger = logging.getLogger(__name__)

# A checker (is_held) holds a SQLite lock file for microseconds; an acquirer that meets one tries again briefly
# rather than concluding that someone is running the work.
_ATTEMPTS = 10
_PAUSE = 0.02


class Held:
    """A lock this process holds until `release()` (or until it exits)."""

    def __init__(self, name: str, *, fd: int | None = None, path: Path | None = None, conn: Any = None) -> None:
        self.name = name
        self._fd, self._path, self._conn = fd, path, conn

    def release(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):  # a broken connection has released the lock already
                # Unlock before closing: the server ends a closed session a moment later, and until then the lock
                # would still show as held.
                self._conn.execute("SELECT pg_advisory_unlock(%s)", [_pg_key(self.name)])
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None
        if self._fd is not None and self._path is not None:
            # Unlink before unlocking: whoever opened the file meanwhile sees, once it gets the lock, that the
            # path no longer leads to it, and starts again.
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._path)
            os.close(self._fd)
            self._fd = None
            with contextlib.suppress(OSError):  # not empty, or already gone
                os.rmdir(self._path.parent)


def acquire(name: str) -> Held | None:
    """Take the lock `name` without waiting; None when another live process holds it."""
    if connection.vendor == "postgresql":
        return _pg_acquire(name)
    return _file_acquire(name)


def is_held(name: str) -> bool:
    """Whether some live process (this one included) holds the lock `name`."""
    if connection.vendor == "postgresql":
        return _pg_is_held(name)
    return _file_is_held(name)


@contextlib.contextmanager
def hold(name: str) -> Iterator[bool]:
    """`with hold(name) as mine:` — `mine` is False when another live process holds it (do not do the work)."""
    held = acquire(name)
    try:
        yield held is not None
    finally:
        if held is not None:
            held.release()


# --- PostgreSQL ---------------------------------------------------------------------------------------------------


def _pg_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def _pg_acquire(name: str) -> Held | None:
    conn = connection.Database.connect(**connection.get_connection_params())
    try:
        conn.autocommit = True
        got = conn.execute("SELECT pg_try_advisory_lock(%s)", [_pg_key(name)]).fetchone()[0]
    except BaseException:
        conn.close()
        raise
    if not got:
        conn.close()
        return None
    return Held(name, conn=conn)


def _pg_is_held(name: str) -> bool:
    key = _pg_key(name) & 0xFFFFFFFFFFFFFFFF
    # A one-key advisory lock shows in pg_locks as classid (high 32 bits), objid (low 32 bits), objsubid 1.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            " AND classid::bigint = %s AND objid::bigint = %s AND objsubid = 1)",
            [key >> 32, key & 0xFFFFFFFF],
        )
        return bool(cursor.fetchone()[0])


# --- SQLite (files) -----------------------------------------------------------------------------------------------


def _file_path(name: str) -> Path:
    database = str(connection.settings_dict["NAME"])
    if database in ("", ":memory:") or database.startswith("file:"):
        # An in-memory database lives in one process only.
        directory = Path(tempfile.gettempdir()) / f"bianban-locks-{os.getpid()}"
    else:
        directory = Path(f"{database}-locks")
    return directory / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', name)}.lock"


def _same_file(fd: int, path: Path) -> bool:
    try:
        at_path = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (mine.st_dev, mine.st_ino) == (at_path.st_dev, at_path.st_ino)


def _file_acquire(name: str) -> Held | None:
    path = _file_path(name)
    attempts = 0
    while attempts < _ATTEMPTS:
        path.parent.mkdir(exist_ok=True)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except FileNotFoundError:  # the directory was removed by a release meanwhile
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            attempts += 1
            time.sleep(_PAUSE)
            continue
        if _same_file(fd, path):
            return Held(name, fd=fd, path=path)
        os.close(fd)  # locked a file its holder had just released and removed: start again
    return None


def _file_is_held(name: str) -> bool:
    path = _file_path(name)
    while True:
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        else:
            if _same_file(fd, path):
                return False  # a file left by a holder that died; its next holder will reuse it
        finally:
            os.close(fd)
