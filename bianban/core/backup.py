"""Backup and restore of the whole platform: the database and the uploaded files under MEDIA_ROOT.

A backup is two files side by side:

- the database snapshot, `bianban-<engine>-<YYYYmmdd-HHMMSS>.sqlite3` (a plain SQLite file, readable with the
  `sqlite3` shell) or `….dump` (a `pg_dump -Fc` archive, readable with `pg_restore`), so that an operator can
  always fall back on the database's own tools;
- the uploaded files, `<snapshot>.media.tar`: MEDIA_ROOT's tree under a top-level `media/` folder.

The snapshot is taken first and the files second, so every file the snapshot names is in the archive (a file
uploaded in between is an orphan after a restore, which is harmless). The engine of a snapshot is read from its
first bytes, never from its name. Both files are written under a temporary name and renamed into place, so a
failed backup never leaves a truncated file under the final name, and both are readable by their owner only:
they hold every ID number in the register.
"""

import getpass
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import time
from contextlib import closing, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from glob import glob
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.utils import timezone

from bianban.core.audit import audit
from bianban.core.exceptions import DomainError

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"  # pg_dump's custom format (-Fc)
ENGINES = {"sqlite": ("SQLite", ".sqlite3"), "postgresql": ("PostgreSQL", ".dump")}
MEDIA_SUFFIX = ".media.tar"
MEDIA_TOP = "media"


class BackupError(DomainError):
    """The backup or restore could not be done (a tool missing, a file unwritable, the tool failed)."""

    code = "backup_failed"
    exit_code = 1


class BackupRefused(BackupError):
    """The file given cannot be used (missing, not a bianban backup, the other engine's): nothing was touched."""

    code = "backup_refused"
    exit_code = 2


@dataclass(frozen=True)
class Backup:
    """A backup on disk: the database snapshot and, unless left out, the archive of uploaded files."""

    path: Path
    engine: str
    size: int
    media_path: Path | None = None
    media_files: int = 0
    media_size: int = 0

    @property
    def engine_label(self) -> str:
        return ENGINES[self.engine][0]


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("字节", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{size} 字节" if unit == "字节" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def media_archive_path(snapshot: Path) -> Path:
    """The archive of uploaded files that belongs to a snapshot: its name with `.media.tar` appended."""
    return snapshot.with_name(snapshot.name + MEDIA_SUFFIX)


def current_engine(alias: str = DEFAULT_DB_ALIAS) -> str:
    vendor = connections[alias].vendor
    if vendor not in ENGINES:
        raise BackupError(f"不支持备份此类数据库：{vendor}（只支持 SQLite 和 PostgreSQL）")
    return vendor


def default_path(engine: str, now: datetime | None = None) -> Path:
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"bianban-{engine}-{stamp}{ENGINES[engine][1]}"


def snapshot_engine(path: Path) -> str:
    """The engine a snapshot file was taken from, by its first bytes."""
    try:
        with path.open("rb") as f:
            head = f.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        raise BackupRefused(f"备份文件不存在：{path}") from None
    except IsADirectoryError:
        raise BackupRefused(f"这是一个目录，不是备份文件：{path}") from None
    except OSError as exc:
        raise BackupRefused(f"无法读取备份文件 {path}：{exc.strerror}") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupRefused(f"不是 bianban 的数据库备份（既不是 SQLite 数据库文件，也不是 pg_dump -Fc 归档）：{path}")


# --- writing files -----------------------------------------------------------------------------------------------


def _target_path(path: str | Path | None, engine: str) -> Path:
    """Where the snapshot goes: the default under var/backups/, a default-named file inside a given directory, or
    the given file (replaced if it exists, so that a cron job may reuse one name)."""
    if path is None:
        target = default_path(engine)
        try:
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise BackupError(f"无法创建备份目录 {target.parent}：{exc.strerror}") from None
    else:
        target = Path(path).expanduser().absolute()
        if target.is_dir():
            target = target / default_path(engine).name
        elif not target.parent.is_dir():
            # Never create it: a backup meant for a mounted disk must not land on the local disk when the mount is
            # gone.
            raise BackupError(f"备份目录不存在：{target.parent}")
        elif target.name.endswith(MEDIA_SUFFIX):
            raise BackupError(f"备份文件名不能以 {MEDIA_SUFFIX} 结尾（该后缀留给上传文件归档）：{target}")
    if target.parent.resolve().is_relative_to(_media_root().resolve()):
        # The archive of MEDIA_ROOT would take in the backup being written, and every earlier one.
        raise BackupError(f"备份不能写在上传文件目录（MEDIA_ROOT）之内：{target}")
    return target


def _partial(target: Path) -> Path:
    """A fresh, empty, owner-only file next to `target`, to be renamed onto it when complete."""
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as exc:
        raise BackupError(f"无法写入 {target.parent}：{exc.strerror}") from None
    os.close(fd)
    return partial


def _commit_file(partial: Path, target: Path) -> int:
    """fsync the finished file and rename it onto the target; its size."""
    fd = os.open(partial, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(partial, target)
    return target.stat().st_size


def _sqlite_path(settings_dict: dict[str, Any]) -> Path:
    name = str(settings_dict["NAME"] or "")
    if name in ("", ":memory:") or name.startswith("file:"):
        raise BackupError(f"当前 SQLite 数据库不是普通文件，无法备份或恢复：{name or '（内存数据库）'}")
    return Path(name).absolute()


def _sqlite_readonly(path: Path) -> sqlite3.Connection:
    # mode=ro: a missing file is an error instead of a new empty database, and the snapshot is never modified.
    return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=30)


def _sqlite_backup(settings_dict: dict[str, Any], partial: Path) -> None:
    live = _sqlite_path(settings_dict)
    try:
        source = _sqlite_readonly(live)
        target = sqlite3.connect(partial)
        with closing(source), closing(target):
            # One step (pages=-1): the copy is a single read transaction, so it is consistent; with the WAL
            # journal the app's writers carry on meanwhile. A multi-step copy would restart whenever another
            # connection writes, and might never finish on a busy server.
            source.backup(target)
            # The copy carries the WAL flag of the live file; a snapshot should be one self-contained file.
            target.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite 备份失败（{live}）：{exc}") from None


def pg_tool(name: str) -> str:
    """The PostgreSQL client program `name`: from PATH, else the newest under /usr/lib/postgresql/*/bin (Debian
    installs the versioned binaries there)."""
    found = shutil.which(name)
    if found:
        return found

    def version(path: str) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", Path(path).parent.parent.name))

    candidates = sorted(glob(f"/usr/lib/postgresql/*/bin/{name}"), key=version)
    if candidates:
        return candidates[-1]
    raise BackupError(f"未找到 {name}：请安装 PostgreSQL 客户端程序（Debian：apt-get install postgresql-client，"
                      f"版本不低于数据库服务器），或把它所在的目录加入 PATH")


def _pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq environment for the client programs: every connection setting, the password included, goes through
    the environment, so none of it shows on a command line (visible to every user in `ps`)."""
    from django.db.backends.postgresql.client import DatabaseClient

    env = dict(os.environ)
    _, extra = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    env.update(extra or {})
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("NAME", "PGDATABASE")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    return env


def _run_pg(tool: str, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    program = pg_tool(tool)
    try:
        # -w: never prompt for a password (a cron job would hang); it comes from PGPASSWORD or ~/.pgpass.
        return subprocess.run([program, "-w", *args], env=env, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise BackupError(f"无法运行 {program}：{exc.strerror}") from None


def _pg_failure(tool: str, done: subprocess.CompletedProcess[str]) -> BackupError:
    detail = done.stderr.strip() or done.stdout.strip()
    hint = ""
    if "version mismatch" in detail:
        hint = f"（{tool} 的版本须不低于数据库服务器的版本）"
    elif "password authentication failed" in detail or "no password supplied" in detail:
        hint = "（数据库密码不对或未提供：检查 DATABASE_URL）"
    return BackupError(f"{tool} 失败（退出码 {done.returncode}）{hint}：{detail}")


def _pg_backup(settings_dict: dict[str, Any], partial: Path) -> None:
    done = _run_pg("pg_dump", ["--format=custom", f"--file={partial}"], _pg_env(settings_dict))
    if done.returncode != 0:
        raise _pg_failure("pg_dump", done)


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT).absolute()


def _is_staging(name: str) -> bool:
    return name.startswith(".restore-")


def _media_backup(partial: Path) -> tuple[int, int]:
    """Tar MEDIA_ROOT's directories and regular files (links and special files are not uploads and are left
    out); the number of files and their total size."""
    root = _media_root()
    files = size = 0
    with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
        top = tarfile.TarInfo(MEDIA_TOP)
        top.type, top.mode, top.mtime = tarfile.DIRTYPE, 0o755, int(time.time())
        tar.addfile(top)
        if not root.is_dir():
            return 0, 0
        for folder, dirs, names in os.walk(root):
            here = Path(folder)
            if here == root:
                dirs[:] = [d for d in dirs if not _is_staging(d)]
            dirs.sort()
            for name in dirs:
                if not (here / name).is_symlink():
                    tar.add(here / name, arcname=f"{MEDIA_TOP}/{(here / name).relative_to(root).as_posix()}",
                            recursive=False)
            dirs[:] = [d for d in dirs if not (here / d).is_symlink()]
            for name in sorted(names):
                path = here / name
                if path.is_symlink() or not path.is_file():
                    continue
                tar.add(path, arcname=f"{MEDIA_TOP}/{path.relative_to(root).as_posix()}", recursive=False)
                files += 1
                size += path.stat().st_size
    return files, size


def _audit(*, actor: Any, action: str, changes: dict[str, Any]) -> None:
    with transaction.atomic(durable=True):
        audit(actor=actor, action=action, changes={k: [None, v] for k, v in changes.items()},
              reason=f"操作系统用户 {_os_user()}")


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


def backup_create(*, actor: Any, path: str | Path | None = None, media: bool = True,
                  alias: str = DEFAULT_DB_ALIAS) -> Backup:
    """Write a consistent snapshot of the database (SQLite online backup API, or pg_dump -Fc) and, unless
    `media` is off, the archive of MEDIA_ROOT next to it. Safe while the app runs. Audited as `backup.create`."""
    engine = current_engine(alias)
    settings_dict = connections[alias].settings_dict
    target = _target_path(path, engine)
    media_path = media_archive_path(target) if media else None
    partials: list[Path] = []
    try:
        partials.append(_partial(target))
        (_sqlite_backup if engine == "sqlite" else _pg_backup)(settings_dict, partials[0])
        files = media_size = 0
        if media_path is not None:
            partials.append(_partial(media_path))
            try:
                files, media_size = _media_backup(partials[1])
            except OSError as exc:
                raise BackupError(f"上传文件归档失败（{_media_root()}）：{exc}") from None
        # Both files complete before either takes its final name: never a snapshot without its files.
        size = _commit_file(partials[0], target)
        if media_path is not None:
            _commit_file(partials[1], media_path)
    except BaseException:
        for partial in partials:
            partial.unlink(missing_ok=True)
        raise
    result = Backup(path=target, engine=engine, size=size, media_path=media_path, media_files=files,
                    media_size=media_size)
    try:
        _audit(actor=actor, action="backup.create", changes={
            "path": str(target), "engine": engine, "size": size,
            "media_path": str(media_path) if media_path else None, "media_files": files,
        })
    except DatabaseError as exc:
        # E.g. SQLite's write lock held past the busy timeout by a long transaction: the files are good.
        raise BackupError(f"备份已写出（{target}），但未能写入审计日志：{exc}") from None
    return result


# --- restoring -----------------------------------------------------------------------------------------------------


def _safe_members(tar: tarfile.TarFile, archive: Path) -> list[tarfile.TarInfo]:
    """The archive's members, refused unless every one is a plain file or directory under media/: an archive is
    never trusted to write outside MEDIA_ROOT (absolute paths, `..`, links)."""
    members = tar.getmembers()
    for member in members:
        parts = PurePosixPath(member.name).parts
        if (not parts or parts[0] != MEDIA_TOP or ".." in parts or member.name.startswith("/")
                or not (member.isfile() or member.isdir())):
            raise BackupRefused(f"上传文件归档中有不安全或无法识别的条目，拒绝恢复：{member.name}（{archive}）")
    return members


def _media_count(archive: Path) -> tuple[int, int]:
    try:
        with tarfile.open(archive, "r:") as tar:
            members = _safe_members(tar, archive)
    except (tarfile.TarError, OSError) as exc:
        raise BackupRefused(f"上传文件归档无法读取：{archive}（{exc}）") from None
    files = [m for m in members if m.isfile()]
    return len(files), sum(m.size for m in files)


def backup_inspect(path: str | Path, *, media: bool = True, alias: str = DEFAULT_DB_ALIAS) -> Backup:
    """Check that `path` can be restored here, touching nothing: the file exists, is a snapshot of this
    database's engine, and (with `media`) has its archive of uploaded files next to it."""
    snapshot = Path(path).expanduser().absolute()
    engine = snapshot_engine(snapshot)
    here = current_engine(alias)
    if engine != here:
        raise BackupRefused(f"该备份是 {ENGINES[engine][0]} 数据库的快照，而当前数据库是 {ENGINES[here][0]}，"
                            f"不能恢复（跨数据库迁移请用 bianban dumpdata / loaddata）：{snapshot}")
    media_path, files, media_size = None, 0, 0
    if media:
        media_path = media_archive_path(snapshot)
        if not media_path.is_file():
            raise BackupRefused(f"缺少上传文件归档 {media_path}；如只恢复数据库，请加 --no-media")
        files, media_size = _media_count(media_path)
    return Backup(path=snapshot, engine=engine, size=snapshot.stat().st_size, media_path=media_path,
                  media_files=files, media_size=media_size)


def _check_sqlite_snapshot(snapshot: Path) -> None:
    try:
        with closing(_sqlite_readonly(snapshot)) as db:
            verdict = db.execute("PRAGMA quick_check").fetchone()[0]
            has_migrations = db.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
            ).fetchone()[0]
    except sqlite3.Error as exc:
        raise BackupRefused(f"SQLite 快照无法读取：{snapshot}（{exc}）") from None
    if verdict != "ok":
        raise BackupRefused(f"SQLite 快照已损坏（quick_check：{verdict}）：{snapshot}")
    if not has_migrations:
        raise BackupRefused(f"该 SQLite 文件不是 bianban 的数据库（没有 django_migrations 表）：{snapshot}")


def _sqlite_restore(settings_dict: dict[str, Any], snapshot: Path) -> None:
    live = _sqlite_path(settings_dict)
    live.parent.mkdir(parents=True, exist_ok=True)
    try:
        source = _sqlite_readonly(snapshot)
        target = sqlite3.connect(live, timeout=30)
        with closing(source), closing(target):
            # The backup API writes the snapshot's pages into the live database as one write transaction: readers
            # see the old or the new database, never a mix, and the live file keeps its WAL. Copying the file over
            # it instead would pair the new file with the old -wal file and corrupt it.
            source.backup(target)
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite 恢复失败（{live}）：{exc}") from None


def _pg_check_archive(snapshot: Path) -> None:
    done = _run_pg("pg_restore", ["--list", str(snapshot)], dict(os.environ))
    if done.returncode != 0:
        raise BackupRefused(f"pg_dump 归档无法读取：{snapshot}（{done.stderr.strip()}）")


def _pg_restore(settings_dict: dict[str, Any], snapshot: Path) -> None:
    env = _pg_env(settings_dict)
    # --clean --if-exists drops each object before recreating it; --single-transaction makes the whole restore
    # one transaction, so a failure (a missing role, a full disk) leaves the database exactly as it was;
    # --no-owner makes everything belong to the user we connect as, whoever owned it on the source server.
    done = _run_pg("pg_restore", ["--clean", "--if-exists", "--no-owner", "--single-transaction",
                                  f"--dbname={settings_dict['NAME']}", str(snapshot)], env)
    if done.returncode != 0:
        raise _pg_failure("pg_restore", done)


def other_connections(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Who else is connected to the PostgreSQL database (application name or client address), so that a restore
    can say what it may wait for: pg_restore waits for every lock it needs, and its archive sets lock_timeout to 0
    itself, so no timeout of ours would apply. SQLite cannot tell; there the answer is empty."""
    conn = connections[alias]
    if conn.vendor != "postgresql":
        return []
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(nullif(application_name, ''), host(client_addr), '本机') || '（' || state || '）' "
            "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend' ORDER BY pid")
        return [row[0] for row in cursor.fetchall()]


def _media_stage(archive: Path) -> Path:
    """Extract the archive into a staging folder inside MEDIA_ROOT (same filesystem, so the swap is renames only,
    even when MEDIA_ROOT is a mount point); the staged media/ folder."""
    root = _media_root()
    root.mkdir(parents=True, exist_ok=True)
    staging = root / f".restore-new-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(mode=0o700)
    try:
        with tarfile.open(archive, "r:") as tar:
            members = _safe_members(tar, archive)
            extra = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
            tar.extractall(staging, members=members, **extra)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    staged = staging / MEDIA_TOP
    staged.mkdir(exist_ok=True)
    return staged


def _media_swap(staged: Path) -> None:
    """Replace MEDIA_ROOT's contents with the staged tree: the current entries move aside, the staged ones move in,
    then the old ones are deleted."""
    root = _media_root()
    staging = staged.parent
    old = root / f".restore-old-{os.getpid()}"
    shutil.rmtree(old, ignore_errors=True)
    old.mkdir(mode=0o700)
    for entry in list(root.iterdir()):
        if entry not in (staging, old):
            entry.rename(old / entry.name)
    for entry in list(staged.iterdir()):
        entry.rename(root / entry.name)
    shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)


def backup_restore(*, actor: Any, path: str | Path, media: bool = True, alias: str = DEFAULT_DB_ALIAS) -> Backup:
    """Replace the database (and, with `media`, MEDIA_ROOT's contents) with a backup. The server and the task
    worker should be stopped first. Audited as `backup.restore` in the restored database."""
    backup = backup_inspect(path, media=media, alias=alias)
    settings_dict = connections[alias].settings_dict
    if backup.engine == "sqlite":
        _check_sqlite_snapshot(backup.path)
    else:
        _pg_check_archive(backup.path)
    staged = None
    if backup.media_path is not None:
        try:
            staged = _media_stage(backup.media_path)
        except (OSError, tarfile.TarError) as exc:
            raise BackupError(f"无法解开上传文件归档到 {_media_root()}：{exc}") from None
    try:
        # Our own connections would hold the SQLite file open or, on PostgreSQL, take locks the restore waits for.
        connections.close_all()
        if backup.engine == "sqlite":
            _sqlite_restore(settings_dict, backup.path)
        else:
            _pg_restore(settings_dict, backup.path)
    except BaseException:
        if staged is not None:
            shutil.rmtree(staged.parent, ignore_errors=True)
        raise
    if staged is not None:
        try:
            _media_swap(staged)
        except OSError as exc:
            raise BackupError(f"数据库已恢复，但替换上传文件目录 {_media_root()} 失败：{exc}") from None
    # Content type ids may differ in the restored database.
    ContentType.objects.clear_cache()
    if backup.engine == "postgresql":
        # pg_restore brings back no planner statistics; without them the first queries plan blind.
        with connections[alias].cursor() as cursor:
            cursor.execute("ANALYZE")
    try:
        _audit(actor=actor, action="backup.restore", changes={
            "path": str(backup.path), "engine": backup.engine, "size": backup.size,
            "media_path": str(backup.media_path) if backup.media_path else None, "media_files": backup.media_files,
        })
    except DatabaseError as exc:
        # A snapshot from an older version may lack a column the audit trail has now.
        raise BackupError(f"数据库和上传文件已恢复，但未能写入审计日志（请运行 bianban migrate）：{exc}") from None
    return backup


def snapshot_taken_at(backup: Backup) -> str:
    """When the snapshot file was written, for the confirmation prompt (its modification time)."""
    with suppress(OSError):
        return timezone.localtime(datetime.fromtimestamp(backup.path.stat().st_mtime, tz=UTC)).strftime(
            "%Y-%m-%d %H:%M:%S")
    return "未知"
