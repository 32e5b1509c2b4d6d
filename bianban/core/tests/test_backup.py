"""`bianban backup` and `bianban restore`: a snapshot brings back every table, row for row, and the uploaded files,
on whichever engine the suite runs on (SQLite here, PostgreSQL in CI's second pass); bad input is refused in
Chinese with a non-zero exit status and nothing touched.

The tests are transactional (`transaction=True`): a restore replaces the database under the test's feet, which no
test transaction could roll back, and pytest-django flushes the database afterwards instead.
"""

import hashlib
import io
import os
import re
import subprocess
import sys
import tarfile
import threading
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from bianban.accounts import services as account_services
from bianban.core import backup as backup_module
from bianban.core.backup import BackupError, media_archive_path, pg_tool
from bianban.core.models import AuditEvent
from bianban.core.services import workday_override_set
from bianban.demo.loader import load_demo
from bianban.party.activities import services as activity_services
from bianban.party.activities.selectors import due_members
from bianban.party.activities.services import AttendanceEntry
from bianban.party.choices import ActivityKind, AttendanceStatus, CommitteeRole, MemberStatus, TalkKind
from bianban.party.members import services as member_services
from bianban.party.talks import services as talk_services
from bianban.people.models import Person
from bianban.units.choices import UnitKind
from bianban.units.models import Unit
from bianban.units.services import unit_create

pytestmark = pytest.mark.django_db(transaction=True)

# The register, verification, the ledger and registration of ten units (about 1.5 s). The demo's party branch needs a
# larger district (10 s more), so a smaller one is recorded by hand (`more_records`).
SMALL_DEMO = {"units_limit": 10, "people": 60}
RESTORE_EVENT = "backup.restore"


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """MEDIA_ROOT in the test's own folder, with uploads like the real ones (nested, Chinese names, binary)."""
    root = tmp_path / "media"
    (root / "imports" / "2026").mkdir(parents=True)
    (root / "imports" / "2026" / "花名册-区教育局.xlsx").write_bytes(os.urandom(2048))
    (root / "imports" / "errors.xlsx").write_bytes(b"PK\x03\x04" + os.urandom(100))
    (root / "evidence").mkdir()
    (root / "evidence" / "整改报告.pdf").write_bytes(b"%PDF-1.7 " + os.urandom(500))
    settings.MEDIA_ROOT = root
    settings.VAR_DIR = tmp_path / "var"
    return root


def run(command: str, *args: str) -> tuple[int, str, str]:
    """Run a management command as the CLI would: its exit status, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(command, *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exited:
        code = int(exited.code or 0)
    return code, out.getvalue(), err.getvalue()


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _plain(value: Any) -> Any:
    # bytea comes back as memoryview, whose repr holds an address.
    return bytes(value) if isinstance(value, memoryview) else value


def database_state() -> dict[str, Any]:
    """Every table of the database (all models' tables and whatever else introspection finds): its row count and a
    checksum of all its rows in primary-key order; and every sequence's position. Restore events are left out of
    the audit trail, as the restore writes one into the database it brings back."""
    tables = set(connection.introspection.table_names())
    model_tables = {m._meta.db_table for m in apps.get_models(include_auto_created=True)
                    if m._meta.managed and not m._meta.proxy}
    assert model_tables <= tables, f"models without a table: {model_tables - tables}"
    qn = connection.ops.quote_name
    state: dict[str, Any] = {}
    with connection.cursor() as cursor:
        for table in sorted(tables):
            pk = connection.introspection.get_primary_key_column(cursor, table)
            where = f" WHERE action <> '{RESTORE_EVENT}'" if table == AuditEvent._meta.db_table else ""
            cursor.execute(f"SELECT * FROM {qn(table)}{where}" + (f" ORDER BY {qn(pk)}" if pk else ""))
            rows = [repr(tuple(_plain(v) for v in row)) for row in cursor.fetchall()]
            if not pk:
                rows.sort()
            state[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, seq FROM sqlite_sequence ORDER BY name")
        else:
            cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema() "
                           "ORDER BY sequencename")
        state["sequences"] = dict(cursor.fetchall())
    return state


def media_state(root: Path) -> dict[str, str]:
    return {path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "/"
            for path in sorted(root.rglob("*"))}


def more_records() -> None:
    """Through the services: a party branch of the office with a group, five members, a committee, a 党课 with its
    attendance sheet and a talk; an API token and a working-day override."""
    today = timezone.localdate()
    office = Unit.objects.order_by("pk").first()
    branch = member_services.branch_create(actor=None, name="备份测试党支部", code="bk", unit=office,
                                           parent_committee="示例区直属机关工委", founded_on=date(2015, 7, 1))
    group = member_services.group_create(actor=None, branch=branch, name="第一党小组", sort_order=1)
    members = [member_services.member_transfer_in(
        actor=None, branch=branch, person=person, status=MemberStatus.FULL, admitted_on=date(2005 + i, 7, 1),
        full_on=date(2006 + i, 7, 1), joined_on=date(2016, 1, 4), joined_from="示例区委组织部", group=group)
        for i, person in enumerate(Person.objects.filter(unit=office).order_by("pk")[:5])]
    term = member_services.term_elect(actor=None, branch=branch, elected_on=today - timedelta(days=365))
    member_services.seat_assign(actor=None, term=term, member=members[0], role=CommitteeRole.SECRETARY,
                                since=term.elected_on)
    held_on = today - timedelta(days=10)
    sheet = [AttendanceEntry(member_id=m.pk, status=AttendanceStatus.PRESENT, reason="")
             for m in due_members(branch, ActivityKind.PARTY_LECTURE, held_on, None)]
    sheet[-1] = AttendanceEntry(member_id=sheet[-1].member_id, status=AttendanceStatus.LEAVE, reason="出差")
    activity_services.activity_create(actor=None, branch=branch, kind=ActivityKind.PARTY_LECTURE, held_on=held_on,
                                      topic="学习贯彻党的二十大精神", attendance=sheet, study_hours=Decimal("1.5"))
    talk_services.talk_create(actor=None, branch=branch, kind=TalkKind.HEART_TO_HEART, held_on=held_on,
                              topic="工作与思想情况", talker=members[0], talked_to=members[1:3])
    user = get_user_model().objects.order_by("pk").first()
    account_services.api_token_create(actor=user, user=user, name="备份测试")
    workday_override_set(actor=None, day=date(2026, 10, 10), is_workday=True, note="调休上班")


def other_engine_snapshot(tmp_path: Path) -> Path:
    """A snapshot of the engine the suite is not running on."""
    if connection.vendor == "sqlite":
        path = tmp_path / "other.dump"
        path.write_bytes(b"PGDMP\x01\x0e\x00" + os.urandom(64))
    else:
        import sqlite3

        path = tmp_path / "other.sqlite3"
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE django_migrations (id integer primary key)")
    return path


def test_a_restore_brings_back_every_table_and_every_uploaded_file(media, tmp_path):
    load_demo(**SMALL_DEMO)
    more_records()
    before = database_state()
    files_before = media_state(media)
    counts = [v[0] for table, v in before.items() if table != "sequences"]
    assert len(counts) >= 75 and sum(1 for n in counts if n) >= 35 and sum(counts) > 1000  # 37 tables, 1,373 rows

    (tmp_path / "backups").mkdir()
    code, out, err = run("backup", str(tmp_path / "backups"))  # a directory: a default-named file goes in it
    assert code == 0, err
    snapshot = Path(re.search(r"已备份数据库（\w+）：(\S+)（", out).group(1))
    assert snapshot.parent == tmp_path / "backups" and snapshot.name.startswith(f"bianban-{connection.vendor}-")
    assert "已备份上传文件" in out and "3 个文件" in out

    # The office keeps working: rows inserted, updated and deleted, files deleted, replaced and added.
    unit_create(actor=None, name="备份后新设的机构", kind=UnitKind.ORGAN)
    person_table = "people_person"
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {person_table} SET name = name || '改' WHERE id IN "
                       f"(SELECT id FROM {person_table} ORDER BY id LIMIT 5)")
        cursor.execute("DELETE FROM core_auditevent WHERE action = 'person.create'")
    (media / "imports" / "errors.xlsx").unlink()
    (media / "evidence" / "整改报告.pdf").write_bytes(b"changed")
    (media / "imports" / "新上传.xlsx").write_bytes(b"new")
    changed = database_state()
    assert {t for t in before if before[t] != changed[t]} >= {"units_unit", person_table, "core_auditevent"}

    code, out, err = run("restore", str(snapshot), "--yes")
    assert code == 0, err
    assert "已恢复数据库" in out and "已恢复上传文件：3 个文件" in out

    after = database_state()
    # One more audit event id was used: the restore's own, written into the restored database.
    restore_events = AuditEvent.objects.filter(action=RESTORE_EVENT)
    assert restore_events.count() == 1 and restore_events.get().changes["path"] == [None, str(snapshot)]
    audit_seq = next(name for name in after["sequences"] if name.startswith("core_auditevent"))
    assert after["sequences"].pop(audit_seq) == before["sequences"].pop(audit_seq) + 1
    assert after == before
    assert media_state(media) == files_before
    assert not [p for p in media.iterdir() if p.name.startswith(".restore-")]


def test_the_backup_goes_under_var_backups_by_default_readable_by_its_owner_only_and_is_audited(media):
    code, out, err = run("backup")

    assert code == 0, err
    snapshots = sorted((Path(settings.VAR_DIR) / "backups").iterdir())
    db_file, tar_file = snapshots[0], snapshots[1]
    assert re.fullmatch(r"bianban-(sqlite-\d{8}-\d{6}\.sqlite3|postgresql-\d{8}-\d{6}\.dump)", db_file.name)
    assert tar_file == media_archive_path(db_file)
    assert f"{db_file}（" in out and re.search(r"（\d+(\.\d)? (KB|MB)）", out)
    assert (db_file.stat().st_mode & 0o777) == 0o600 and (tar_file.stat().st_mode & 0o777) == 0o600
    with tarfile.open(tar_file) as tar:
        assert sorted(m.name for m in tar.getmembers() if m.isfile()) == [
            "media/evidence/整改报告.pdf", "media/imports/2026/花名册-区教育局.xlsx", "media/imports/errors.xlsx"]
    event = AuditEvent.objects.get(action="backup.create")
    assert event.actor is None and event.changes["path"] == [None, str(db_file)]
    assert event.changes["engine"] == [None, connection.vendor]


def test_a_backup_taken_while_a_write_is_in_progress_holds_only_committed_data(media, tmp_path, monkeypatch):
    unit_create(actor=None, name="已提交的机构", kind=UnitKind.ORGAN)
    # The backup's own audit event is a write and would queue behind the writer on SQLite; what is under test is
    # that the snapshot does not.
    audited: list[str] = []
    monkeypatch.setattr(backup_module, "_audit", lambda **kwargs: audited.append(kwargs["action"]))
    inserted, release = threading.Event(), threading.Event()

    def writer() -> None:
        try:
            with transaction.atomic():
                Unit.objects.create(name="尚未提交的机构", kind=UnitKind.ORGAN)
                inserted.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert inserted.wait(30)
        # The writer holds SQLite's write lock (or PostgreSQL row locks) all along: the backup must not wait for it.
        code, _, err = run("backup", str(tmp_path / "during.db"))
        assert thread.is_alive() and audited == ["backup.create"]  # done while the write was still open
    finally:
        release.set()
        thread.join(30)
    assert code == 0, err
    assert Unit.objects.filter(name="尚未提交的机构").exists()  # committed after the snapshot

    code, _, err = run("restore", str(tmp_path / "during.db"), "--yes")
    assert code == 0, err
    assert list(Unit.objects.values_list("name", flat=True)) == ["已提交的机构"]


@pytest.mark.postgres
def test_on_postgresql_it_names_the_other_connections_the_restore_may_wait_for(media, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    import psycopg

    assert run("backup", str(tmp_path / "b.dump"))[0] == 0
    db = connection.settings_dict
    params = {k: v for k, v in {"dbname": db["NAME"], "user": db["USER"], "password": db["PASSWORD"],
                                "host": db["HOST"], "port": db["PORT"]}.items() if v}
    # An idle connection holds no lock: the restore goes ahead, and says who else is there (PostgreSQL keeps
    # application names ASCII).
    with psycopg.connect(**params, application_name="backup-test-bystander", autocommit=True):
        code, _, err = run("restore", str(tmp_path / "b.dump"), "--yes")
    assert code == 0 and "1 个其他连接" in err and "backup-test-bystander（idle）" in err


def test_it_refuses_a_file_that_does_not_exist(media, tmp_path):
    code, out, err = run("restore", str(tmp_path / "nothing.sqlite3"), "--yes")
    assert code == 2 and out == ""
    assert "备份文件不存在" in err


def test_it_refuses_a_snapshot_of_the_other_database_engine_and_leaves_the_database_alone(media, tmp_path):
    unit_create(actor=None, name="保持不变的机构", kind=UnitKind.ORGAN)
    other = other_engine_snapshot(tmp_path)
    media_archive_path(other).write_bytes(b"")

    code, _, err = run("restore", str(other), "--yes")

    assert code == 2
    assert "不能恢复" in err and ("当前数据库是 SQLite" in err or "当前数据库是 PostgreSQL" in err)
    assert Unit.objects.filter(name="保持不变的机构").exists()


def test_it_refuses_a_file_that_is_no_backup(media, tmp_path):
    junk = tmp_path / "notes.sqlite3"
    junk.write_text("这不是数据库", encoding="utf-8")
    code, _, err = run("restore", str(junk), "--yes")
    assert code == 2 and "不是 bianban 的数据库备份" in err


def test_without_its_uploaded_files_archive_it_refuses_unless_told_to_restore_the_database_only(media, tmp_path):
    code, _, err = run("backup", str(tmp_path / "db.bak"), "--no-media")
    assert code == 0, err
    assert not media_archive_path(tmp_path / "db.bak").exists()
    unit_create(actor=None, name="备份后新设的机构", kind=UnitKind.ORGAN)
    (media / "kept.txt").write_text("留着")

    code, _, err = run("restore", str(tmp_path / "db.bak"), "--yes")
    assert code == 2 and "缺少上传文件归档" in err and "--no-media" in err
    assert Unit.objects.filter(name="备份后新设的机构").exists()

    code, out, err = run("restore", str(tmp_path / "db.bak"), "--yes", "--no-media")
    assert code == 0, err
    assert not Unit.objects.filter(name="备份后新设的机构").exists()
    assert (media / "kept.txt").read_text() == "留着" and "已恢复上传文件" not in out


def test_without_a_terminal_it_asks_for_yes_and_touches_nothing(media, tmp_path, monkeypatch):
    assert run("backup", str(tmp_path / "b.sqlite3"))[0] == 0
    unit_create(actor=None, name="备份后新设的机构", kind=UnitKind.ORGAN)
    monkeypatch.setattr(sys, "stdin", io.StringIO("yes\n"))

    code, _, err = run("restore", str(tmp_path / "b.sqlite3"))

    assert code == 1 and "--yes" in err and "非交互" in err
    assert Unit.objects.filter(name="备份后新设的机构").exists()


def test_at_a_terminal_it_restores_only_when_the_answer_is_yes(media, tmp_path, monkeypatch):
    assert run("backup", str(tmp_path / "b.sqlite3"))[0] == 0
    unit_create(actor=None, name="备份后新设的机构", kind=UnitKind.ORGAN)

    monkeypatch.setattr(sys, "stdin", FakeTerminal("n\n"))
    code, out, err = run("restore", str(tmp_path / "b.sqlite3"))
    assert code == 1 and "已取消" in err and "将被全部替换" in out
    assert Unit.objects.filter(name="备份后新设的机构").exists()

    monkeypatch.setattr(sys, "stdin", FakeTerminal("yes\n"))
    code, out, err = run("restore", str(tmp_path / "b.sqlite3"))
    assert code == 0, err
    assert not Unit.objects.filter(name="备份后新设的机构").exists()


def test_it_refuses_an_uploaded_files_archive_that_would_write_outside_media_root(media, tmp_path):
    assert run("backup", str(tmp_path / "b.sqlite3"))[0] == 0
    archive = media_archive_path(tmp_path / "b.sqlite3")
    with tarfile.open(archive, "a") as tar:
        info = tarfile.TarInfo("media/../../escaped.txt")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"hi"))
    unit_create(actor=None, name="备份后新设的机构", kind=UnitKind.ORGAN)

    code, _, err = run("restore", str(tmp_path / "b.sqlite3"), "--yes")

    assert code == 2 and "不安全" in err
    assert not (tmp_path / "escaped.txt").exists() and Unit.objects.filter(name="备份后新设的机构").exists()


def test_a_path_it_cannot_or_must_not_write_fails_in_chinese_and_leaves_no_partial_file(media, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    code, out, err = run("backup", str(blocker / "b.sqlite3"))
    assert code == 1 and out == "" and "备份失败" in err and "备份目录不存在" in err

    code, _, err = run("backup", str(tmp_path / "missing-dir" / "b.sqlite3"))
    assert code == 1 and "备份目录不存在" in err

    code, _, err = run("backup", str(media / "imports"))
    assert code == 1 and "不能写在上传文件目录" in err
    assert list(tmp_path.glob("**/.*partial*")) == [] and list(tmp_path.glob("**/bianban-*")) == []
    assert not AuditEvent.objects.filter(action="backup.create").exists()


def test_when_the_files_cannot_be_archived_no_snapshot_is_left_either(media, tmp_path, monkeypatch):
    def fail(partial: Path) -> tuple[int, int]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(backup_module, "_media_backup", fail)
    code, _, err = run("backup", str(tmp_path / "b.sqlite3"))
    assert code == 1 and "上传文件归档失败" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["media"]


def test_without_pg_dump_it_says_what_to_install(media, monkeypatch):
    monkeypatch.setattr(backup_module.shutil, "which", lambda name: None)
    monkeypatch.setattr(backup_module, "glob", lambda pattern: [])
    with pytest.raises(BackupError) as refused:
        pg_tool("pg_dump")
    assert "未找到 pg_dump" in refused.value.message and "postgresql-client" in refused.value.message

    if connection.vendor == "postgresql":
        code, _, err = run("backup", "--no-media")
        assert code == 1 and "未找到 pg_dump" in err


def test_pg_dump_gets_the_password_through_the_environment_never_on_its_command_line(monkeypatch, tmp_path):
    seen: dict[str, Any] = {}

    def fake_run(args: list[str], env: dict[str, str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        seen.update(args=args, env=env)
        return subprocess.CompletedProcess(args, 0, "", "")

    monkeypatch.setattr(backup_module.subprocess, "run", fake_run)
    monkeypatch.setattr(backup_module, "pg_tool", lambda name: f"/usr/bin/{name}")
    db = {"NAME": "bianban", "USER": "bianban", "PASSWORD": "s3cret-口令", "HOST": "db.internal", "PORT": 5433,
          "OPTIONS": {"sslmode": "require", "options": "-c jit=off"}}

    backup_module._pg_backup(db, tmp_path / "x.dump")

    assert not any("s3cret" in arg for arg in seen["args"])
    assert "--format=custom" in seen["args"] and "-w" in seen["args"]
    env = seen["env"]
    assert (env["PGPASSWORD"], env["PGHOST"], env["PGPORT"], env["PGUSER"], env["PGDATABASE"], env["PGSSLMODE"]) == (
        "s3cret-口令", "db.internal", "5433", "bianban", "bianban", "require")


def test_the_console_script_exits_non_zero_with_a_chinese_message():
    # The real `bianban` entry point, as cron would run it (no database is touched for a missing file).
    done = subprocess.run([sys.executable, "-m", "bianban", "restore", "/nonexistent/bianban.sqlite3", "--yes"],
                          capture_output=True, text=True, cwd=settings.BASE_DIR, timeout=60,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert done.returncode == 2
    assert "备份文件不存在：/nonexistent/bianban.sqlite3" in done.stderr
