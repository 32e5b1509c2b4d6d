"""Writes of verification: requesting a run, and running it (the task body): every rule, the findings stored
and compared with the previous run over the same scope, and — for a run as of today — the problem ledger
brought in line (new findings open problems, vanished ones are marked 数据已消除，待销号).

Progress is written as single-row UPDATEs outside any transaction, so the run's page sees it while the rules
run. What a run finds is written in one transaction: its findings, the ledger brought in line with them and the
run marked done, so a run that dies halfway (killed, out of memory) leaves nothing but its progress.

A run holds a liveness lock (core/liveness.py) while it executes. A run left "running" by a process that died no
longer blocks new requests (it is marked abandoned), and is taken over if its task is run again (the task worker
puts back on the queue the tasks of a worker that died, core/tasks_recovery.py).
"""

import logging
import time
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import has_district_perm, unit_allows
from bianban.checks.choices import Change, RunStatus
from bianban.checks.models import CheckRun, Finding
from bianban.checks.rules import RULES, Hit, Rule, Scope
from bianban.core import liveness
from bianban.core.audit import audit
from bianban.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from bianban.ledger.choices import ProblemSource
from bianban.ledger.services import Raised, problems_sync

logger = logging.getLogger(__name__)
STALE_AFTER = timedelta(hours=1)  # a queued run not started by then is taken to have lost its worker
BATCH = 5000


def _require_scope(actor: Any, root: Any) -> None:
    if actor is None:
        return
    if root is None:
        if not has_district_perm(actor, Perm.CHECKS_RUN):
            raise PermissionDenied("只有全区范围授权的用户可以核查全部机构，请选择核查范围")
        return
    if not unit_allows(actor, Perm.UNITS_VIEW, root):
        raise NotFound("机构不存在或无权访问", details={"root": ["机构不存在或无权访问"]})
    if not unit_allows(actor, Perm.CHECKS_RUN, root):
        raise PermissionDenied("没有发起编制核查的权限")


@transaction.atomic(durable=True)
def check_run_request(*, actor: Any, root: Any = None, as_of: date | None = None) -> CheckRun:
    """Record a run to be started (by the task worker, or at once by `check_run_execute`). One run at a time:
    two runs writing the ledger together would race on the same problems."""
    today = timezone.localdate()
    as_of = as_of or today
    if as_of > today:
        raise ValidationFailed.on("as_of", "核查基准日不能晚于今天")
    if root is not None and not root.is_active and (root.abolished_on is None or root.abolished_on <= as_of):
        raise ValidationFailed.on("root", f"{root.name}已撤销，请选择存续的机构或更早的基准日")
    _require_scope(actor, root)
    active = CheckRun.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING])
    for stale in active.select_related("root"):
        message = _abandoned(stale)
        # Compare-and-swap on the claim: a run taken over meanwhile has a new started_at and is left alone.
        if message and CheckRun.objects.filter(pk=stale.pk, status=stale.status, **_claim(stale)).update(
                status=RunStatus.FAILED, finished_at=timezone.now(), message=message):
            audit(actor=None, action="check_run.abandon", target=stale, unit_id=stale.root_id,
                  changes={"status": [stale.status, RunStatus.FAILED]}, reason=message)
    busy = active.order_by("pk").first()
    if busy is not None:
        raise _busy(busy)
    try:
        # The partial unique index on active runs settles two requests racing past the check above.
        with transaction.atomic():
            run = CheckRun.objects.create(root=root, as_of=as_of, actor=actor if getattr(actor, "pk", None) else None,
                                          feeds_ledger=as_of >= today, rules_total=len(RULES))
    except IntegrityError:
        raise _busy(active.order_by("pk").first()) from None
    audit(actor=actor, action="check_run.request", target=run, unit_id=root.pk if root else None,
          changes={"as_of": [None, as_of.isoformat()], "root": [None, root.pk if root else None]})
    return run


def run_lock_name(run_id: int) -> str:
    """The liveness lock a process holds while it executes the run."""
    return f"check-run:{run_id}"


def _claim(run: CheckRun) -> dict[str, Any]:
    return {"started_at": run.started_at} if run.started_at is not None else {"started_at__isnull": True}


def _abandoned(run: CheckRun) -> str:
    """Why an active run is taken to be dead, or "" if it may still be going. A started run is dead as soon as no
    process holds its lock; a queued one (or one started without the lock) after STALE_AFTER."""
    if run.status == RunStatus.RUNNING and run.started_at is not None:
        return "" if liveness.is_held(run_lock_name(run.pk)) else "核查进程已中断（进程已退出），本次核查未写入任何结果"
    if run.created_at <= timezone.now() - STALE_AFTER:
        return "超过一小时未完成，视为中断（后台任务进程可能已停止）"
    return ""


def _busy(run: CheckRun | None) -> Conflict:
    if run is None:
        return Conflict("已有核查正在进行，请待其完成后再发起")
    return Conflict(f"核查 #{run.pk}（{run.scope_label}）尚未完成，请待其完成后再发起", details={"run_id": run.pk})


def _progress(run: CheckRun, **fields: Any) -> None:
    CheckRun.objects.filter(pk=run.pk).update(**fields)
    for name, value in fields.items():
        setattr(run, name, value)


def _findings(run: CheckRun, rule: Rule, hits: list[Hit], previous_keys: set[str]) -> list[Finding]:
    findings = []
    for hit in hits:
        key = f"{rule.code}:{rule.subject}:{hit.subject_id}"
        findings.append(Finding(run=run, rule=rule.code, severity=rule.severity, subject=rule.subject,
                                subject_id=hit.subject_id, key=key, unit_id=hit.unit_id, person_id=hit.person_id,
                                message=hit.message[:500],
                                change=Change.PERSISTING if key in previous_keys else Change.NEW))
    return findings


@transaction.atomic(durable=True)
def _store(run: CheckRun, findings: list[Finding], counts: dict[str, int], resolved: int, started: float,
           timings: dict[str, float]) -> None:
    """The run's one transaction: its findings, the ledger brought in line with them (as of today) and the run
    marked done with its audit event. Killed or failing before the commit, the run has written none of it."""
    mark = time.perf_counter()
    Finding.objects.bulk_create(findings, batch_size=BATCH)
    timings["store"] = round(time.perf_counter() - mark, 3)
    opened = data_resolved = 0
    if run.feeds_ledger:
        mark = time.perf_counter()
        opened, data_resolved = _sync_ledger(run, findings)
        timings["ledger"] = round(time.perf_counter() - mark, 3)
    new = sum(1 for f in findings if f.change == Change.NEW)
    message = (f"共发现 {len(findings)} 项问题（新发现 {new} 项，仍存在 {len(findings) - new} 项），"
               f"上次以来已消除 {resolved} 项")
    message += (f"；问题台账新登记 {opened} 项，标记“数据已消除，待销号” {data_resolved} 项" if run.feeds_ledger
                else "；历史基准日的核查不登记问题台账")
    _progress(run, status=RunStatus.DONE, stage="", finished_at=timezone.now(),
              seconds=round(time.perf_counter() - started, 3), timings=timings, counts=counts,
              finding_count=len(findings), new_count=new, persisting_count=len(findings) - new,
              resolved_count=resolved, previous=run.previous, problems_opened=opened,
              problems_resolved=data_resolved, message=message)
    audit(actor=run.actor, action="check_run.done", target=run, unit_id=run.root_id,
          changes={"finding_count": [None, len(findings)], "counts": [None, counts]})


def _sync_ledger(run: CheckRun, findings: list[Finding]) -> tuple[int, int]:
    rules = {r.code: r for r in RULES}
    found = []
    for finding in findings:
        rule = rules[finding.rule]
        found.append(Raised(source_key=finding.key, title=f"{rule.title}：{finding.message}"[:200],
                            description=f"{finding.message}\n\n核查规则：{rule.title}。{rule.explanation}",
                            category=rule.category, unit_id=finding.unit_id, person_id=finding.person_id,
                            source_id=str(finding.pk)))
    result = problems_sync(actor=run.actor, source=ProblemSource.CHECK, found=found,
                           scope_path=run.root.path if run.root_id else None, on=run.as_of, source_model=Finding,
                           deadline_workdays=settings.BIANBAN["CHECK_DEADLINE_WORKDAYS"])
    return result.opened, result.data_resolved


def check_run_execute(*, run_id: int) -> CheckRun:
    """Run every rule for a requested run, store what they found and, as of today, sync the ledger. Does nothing
    to a run that is finished, or being executed by another live process; takes over one whose process died."""
    with liveness.hold(run_lock_name(run_id)) as mine:
        run = CheckRun.objects.select_related("root", "actor").get(pk=run_id)
        if not mine or run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
            return run
        if run.status == RunStatus.RUNNING:
            logger.warning("check run %s: taking over from a process that died while executing it", run.pk)
        started = time.perf_counter()
        now = timezone.now()
        if not CheckRun.objects.filter(pk=run.pk, status=run.status, **_claim(run)).update(
                status=RunStatus.RUNNING, started_at=now, stage="准备", rules_done=0):
            run.refresh_from_db()  # abandoned by a new request meanwhile
            return run
        run.status, run.started_at, run.stage, run.rules_done = RunStatus.RUNNING, now, "准备", 0
        try:
            _execute(run, started)
        except Exception as exc:
            logger.exception("check run %s failed", run.pk)
            _progress(run, status=RunStatus.FAILED, finished_at=timezone.now(),
                      seconds=time.perf_counter() - started,
                      message=f"核查出错，未完成：{exc.__class__.__name__}。已记录日志，请联系系统管理员。")
            with transaction.atomic():
                audit(actor=run.actor, action="check_run.fail", target=run, reason=str(exc)[:500])
    return run


def _execute(run: CheckRun, started: float) -> None:
    scope = Scope(as_of=run.as_of, root_path=run.root.path if run.root_id else None)
    # Today's runs compare with the last run of today's register over the same scope; a run as of a past date
    # with the last run as of that same date (re-checking a day after corrections to the journal).
    earlier = CheckRun.objects.filter(root_id=run.root_id, status=RunStatus.DONE, feeds_ledger=run.feeds_ledger)
    if not run.feeds_ledger:
        earlier = earlier.filter(as_of=run.as_of)
    run.previous = earlier.exclude(pk=run.pk).order_by("-finished_at", "-pk").first()
    previous_keys = set(Finding.objects.filter(run=run.previous).values_list("key", flat=True)) \
        if run.previous else set()
    findings: list[Finding] = []
    counts: dict[str, int] = {}
    for done, rule in enumerate(RULES):
        _progress(run, stage=rule.title, rules_done=done)
        hits = list(rule.find(scope))
        counts[rule.code] = len(hits)
        findings += _findings(run, rule, hits, previous_keys)
    timings = {"rules": round(time.perf_counter() - started, 3)}
    _progress(run, stage="保存核查发现并登记问题台账" if run.feeds_ledger else "保存核查发现", rules_done=len(RULES))
    resolved = len(previous_keys - {f.key for f in findings})
    _store(run, findings, counts, resolved, started, timings)


@transaction.atomic(durable=True)
def findings_export(*, actor: Any, run: CheckRun, rule: str, count: int) -> None:
    """Record that the actor exported a run's findings (they name persons)."""
    audit(actor=actor, action="check_run.export", target=run, unit_id=run.root_id,
          changes={"rule": [None, rule], "count": [None, count]})
