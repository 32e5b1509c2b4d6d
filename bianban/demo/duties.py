"""The demo 编办 branch's duties, written through the duties services after the branch and its records (party.py)
and after the first verification run: the 2023 visit campaign and the problems it raised (each answered and closed in
the ledger), the 书记项目 with the establishment records that are its results, the responsibility lists of
2023 and 2024, the ideology risk points reviewed at the quarterly 研判会, and the year's key dates.

The 书记项目's results are real register records dated 2023: 核增 for 安全生产 (the new 区应急管理综合行政执法大队),
公共卫生 (区疾控中心) and 教育 (区第一中学), each with its revised 三定 so that verification finds the charter and the
register in agreement; the 三定 of the 执法大队, 区委党校 and the new 区青年人才服务中心; a 内设机构 adjustment; the
verification as of 2023-11-30 and two of its problems rectified. Units a small test district lacks are skipped.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max, Sum
from django.utils import timezone

from bianban.checks.models import CheckRun
from bianban.checks.services import check_run_execute, check_run_request
from bianban.demo import duties_calendar as dc
from bianban.demo.catalog import OFFICE_KEY
from bianban.demo.registration import register_new_institutions
from bianban.duties.choices import OutcomeKind, TargetMeasure
from bianban.duties.ideology import services as ideology
from bianban.duties.integrity import services as integrity
from bianban.duties.items import services as items
from bianban.duties.models import DutyItem, KeyDate, RiskPoint, SecretaryProject, Visit, VisitIssue
from bianban.duties.projects import services as projects
from bianban.duties.reminders.services import reminders_refresh
from bianban.duties.visits.services import IssueIn, VisitorIn, campaign_create, visit_create
from bianban.ledger.choices import ProblemCategory, ProblemSource
from bianban.ledger.choices import ProblemStatus as S
from bianban.ledger.models import Problem
from bianban.ledger.services import measure_complete, measure_create, problem_create, problem_transition
from bianban.party.choices import ActivityKind, CommitteeRole
from bianban.party.models import Activity, Branch, CommitteeMember, Member
from bianban.staffing.models import QuotaLine, QuotaMovement
from bianban.staffing.services import quota_movement_create
from bianban.units.choices import Funding, InstitutionClass, QuotaKind, UnitKind
from bianban.units.models import Charter, Division, Unit
from bianban.units.services import charter_create, division_update, unit_create


def holder(branch: Branch, role: str, on: date) -> Member | None:
    """Who held the committee seat `role` on `on`."""
    seat = (CommitteeMember.objects.filter(term__branch=branch, role=role, since__lte=on)
            .exclude(until__lte=on).select_related("member").order_by("-since").first())
    return seat.member if seat else None


# --------------------------------------------------------------------------------------------------------- visits


def at_office_hours(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(16)))


def close_problem(actor: Any, problem: Problem, measure: str, done_on: date) -> None:
    """Answer a problem the way the ledger wants it: start, one measure done, ask to close, close. The ledger stamps
    销号时间 with the moment of closing; the demo replays 2023, so that stamp is set back to `done_on`, the day the
    seed says it was closed (the audit trail keeps the real moment the demo wrote it)."""
    problem = problem_transition(actor=actor, problem=problem, to_status=S.IN_PROGRESS)
    step = measure_create(actor=actor, problem=problem, description=measure, owner=problem.responsible,
                          deadline=done_on)
    measure_complete(actor=actor, measure=step, done_on=done_on, note="已办结并向群众反馈")
    problem = problem_transition(actor=actor, problem=Problem.objects.get(pk=problem.pk),
                                 to_status=S.AWAITING_REVIEW)
    problem_transition(actor=actor, problem=problem, to_status=S.CLOSED, note="经回访群众满意，予以销号")
    Problem.objects.filter(pk=problem.pk).update(closed_at=at_office_hours(done_on))


def load_visits(*, actor: Any, branch: Branch) -> int:
    campaign = campaign_create(actor=actor, branch=branch, **dc.CAMPAIGN)
    issues = []
    for spec in dc.VISITS_2023:
        visitors = [VisitorIn(role=spec.role, member=m) for m in
                    (holder(branch, role, spec.day) for role in spec.visitors) if m is not None]
        if spec.role == dc.F:
            visitors.append(VisitorIn(role=spec.role, name=dc.FIRST_SECRETARY))
        visit = visit_create(
            actor=actor, campaign=campaign, visited_on=spec.day, team_role=spec.role, street=spec.street,
            community=spec.community, group=spec.group, households=spec.households, people=spec.people,
            summary=spec.summary, visitors=visitors,
            issues=[IssueIn(kind=k, topic=t, content=c, department=d) for k, t, c, d in spec.issues])
        issues.extend(visit.issues.select_related("problem").order_by("id"))
    for issue in issues[:dc.SOLVED_ISSUES]:
        close_problem(actor, issue.problem, f"协调{issue.department}办理：{issue.content}",
                      date(2023, 9, 15))
    return len(issues)


# ------------------------------------------------------------------------------------------------ the 书记项目


def _charter_revision(actor: Any, unit: Unit, issued_on: date, number: int, extra: dict[tuple[str, str], int],
                      title: str = "") -> Charter:
    """A revised 三定 of `unit` (its current text, the quota rows in `extra` raised), issued on `issued_on`."""
    current = unit.charters.filter(is_current=True).first()
    quota = [dict(row) for row in (current.quota if current else [])]
    for (kind, funding), amount in extra.items():
        row = next((r for r in quota if (r.get("kind"), r.get("funding")) == (kind, funding)), None)
        if row is None:
            quota.append({"kind": kind, "funding": funding, "count": amount})
        else:
            row["count"] = int(row["count"]) + amount
    return charter_create(
        actor=actor, unit=unit, title=title or f"{unit.name}职能配置、内设机构和人员编制规定",
        document_no=f"示编发〔2023〕{number}号", issued_on=issued_on, effective_on=issued_on,
        functions=current.functions if current else "", divisions=list(current.divisions) if current else [],
        quota=quota, posts=list(current.posts) if current else [], note=current.note if current else "")


def _increase(actor: Any, unit: Unit, line: QuotaLine | None, kind: str, funding: str, amount: int, on: date,
              number: int, reason: str) -> Any:
    movement = quota_movement_create(
        actor=actor, unit=unit, kind=line.kind if line else kind, funding=line.funding if line else funding,
        type="INCREASE", amount=amount, document_no=f"示编〔2023〕{number}号", effective_on=on, reason=reason)
    return movement


def _new_unit(actor: Any, parent: Unit, name: str, short: str, kind: str, cls: str, on: date, number: int,
              functions: str, quota: int, reason: str) -> tuple[Unit, Any, Charter]:
    unit = unit_create(actor=actor, parent=parent, name=name, short_name=short, kind=kind, institution_class=cls,
                       established_on=on, document_no=f"示编发〔2023〕{number}号", functions=functions)
    movement = _increase(actor, unit, None, QuotaKind.INSTITUTION, Funding.FULL, quota, on, number, reason)
    charter = _charter_revision(actor, unit, on, number, {(QuotaKind.INSTITUTION, Funding.FULL): quota})
    return unit, movement, charter


def _free_day(unit: Unit, planned: date) -> date | None:
    """`planned`, or the first day after the unit's latest quota movement and charter if they are later (the
    register's journal only moves forward); None when that is past 2023."""
    last = [d for d in (unit.charters.aggregate(m=Max("issued_on"))["m"],
                        QuotaMovement.objects.filter(line__unit=unit).aggregate(m=Max("effective_on"))["m"]) if d]
    day = max([planned, *(d + timedelta(days=1) for d in last)])
    return day if day.year == dc.PROJECT_YEAR and day < date(2023, 12, 1) else None


def _first_line(unit: Unit) -> QuotaLine | None:
    return unit.quota_lines.order_by("id").first()


def load_project(*, actor: Any, branch: Branch, units: dict[str, Unit]) -> Any:
    """The 2023 书记项目 and the records it produced."""
    project = projects.project_create(
        actor=actor, branch=branch, year=dc.PROJECT_YEAR, title="强化党建引领，提升机构编制服务保障水平",
        goal="盘活用好各类机构编制资源，重点保障安全生产、公共卫生、教育等领域编制使用和机构调整；调整优化内设机构并明确"
             "相应职责；制定印发重点单位“三定”方案；全面核查机关事业单位编制及实有人员，问题逐条整改销号。",
        lead=holder(branch, CommitteeRole.SECRETARY, date(2023, 1, 31)),
        summary="核增安全生产、公共卫生、教育领域编制，印发三个单位“三定”方案，开展全区编制核查并完成整改。")
    links: list[tuple[str, Any, str]] = []
    added = 0
    if "emergency" in units:
        _team, movement, charter = _new_unit(
            actor, units["emergency"], "示例区应急管理综合行政执法大队", "区应急执法大队",
            UnitKind.CIVIL_SERVICE_MANAGED, "", date(2023, 5, 26), 21,
            "承担全区安全生产、防灾减灾救灾等领域行政执法工作", 12, "保障安全生产领域执法力量")
        links += [(OutcomeKind.QUOTA_MOVEMENT, movement, "安全生产：新设执法大队核增12名"),
                  (OutcomeKind.CHARTER, charter, "区应急管理综合行政执法大队“三定”")]
        added += 12
    if "organisation" in units:
        _centre, movement, charter = _new_unit(
            actor, units["organisation"], "示例区青年人才服务中心", "区青年人才服务中心", UnitKind.INSTITUTION,
            InstitutionClass.PUBLIC_1, date(2023, 8, 18), 33,
            "承担全区青年人才引进、服务保障和信息管理等事务性工作", 6, "设立青年人才服务中心")
        links.append((OutcomeKind.CHARTER, charter, "区青年人才服务中心“三定”"))
    on = _free_day(units["party_school"], date(2023, 9, 8)) if "party_school" in units else None
    if on is not None:
        charter = _charter_revision(actor, units["party_school"], on, 36, {},
                                    title="中共示例区委党校职能配置、内设机构和人员编制规定")
        links.append((OutcomeKind.CHARTER, charter, "区委党校“三定”"))
    for key, amount, planned, number, note in (("health.cdc", 4, date(2023, 3, 17), 9, "公共卫生：区疾控中心核增4名"),
                                               ("edu.high1", 5, date(2023, 7, 14), 27, "教育：区一中核增5名")):
        unit = units.get(key)
        line = _first_line(unit) if unit else None
        on = _free_day(unit, planned) if line else None
        if on is None:
            continue
        movement = _increase(actor, unit, line, line.kind, line.funding, amount, on, number, note)
        _charter_revision(actor, unit, on, number, {(line.kind, line.funding): amount})
        links.append((OutcomeKind.QUOTA_MOVEMENT, movement, note))
        added += amount
    division = Division.objects.filter(unit=units.get("health"), abolished_on__isnull=True).order_by("id").first() \
        if "health" in units else None
    if division is not None:
        division_update(actor=actor, division=division, occurred_on=date(2023, 6, 9), reason="调整优化内设机构职责",
                        document_no="示编发〔2023〕25号",
                        functions=(division.functions + "；承担突发公共卫生事件应急协调").lstrip("；"))
        event = division.unit.events.filter(kind="division_change").order_by("-id").first()
        name = division.unit.short_name or division.unit.name
        links.append((OutcomeKind.DIVISION_CHANGE, event, f"{name}内设机构职责调整"))
    # The new 青年人才服务中心 was registered within weeks of its approval (demo/registration.py).
    register_new_institutions(actor=actor)
    run = check_run_execute(run_id=check_run_request(actor=actor, as_of=date(2023, 11, 30)).pk)
    # Run in 2023 in the seed's history: its times are set back like the ledger's 销号时间 (close_problem).
    CheckRun.objects.filter(pk=run.pk).update(created_at=at_office_hours(date(2023, 12, 1)),
                                              started_at=at_office_hours(date(2023, 12, 1)),
                                              finished_at=at_office_hours(date(2023, 12, 1)))
    run.refresh_from_db()
    links.append((OutcomeKind.CHECK_RUN, run, "全区机关事业单位编制及实有人员核查"))
    for title, measure in (("部分单位编制台账与实名制信息不一致", "逐单位比对并更新实名制信息"),
                           ("个别单位人员超过法定退休时间未办理出编", "督促单位办理退休出编手续")):
        problem = problem_create(actor=actor, source=ProblemSource.CHECK, title=f"2023年核查：{title}",
                                 category=ProblemCategory.REAL_NAME, unit=units.get(OFFICE_KEY),
                                 responsible="区委编办", raised_on=date(2023, 12, 4), deadline=date(2023, 12, 29),
                                 source_obj=run)
        close_problem(actor, problem, measure, date(2023, 12, 22))
        links.append((OutcomeKind.PROBLEM, problem, title))
    for name, measure, value in (("核增安全生产、公共卫生、教育领域编制", TargetMeasure.QUOTA_ADDED, max(added, 1)),
                                 ("制定印发重点单位“三定”方案", TargetMeasure.CHARTERS, 3),
                                 ("调整优化内设机构", TargetMeasure.DIVISION_CHANGES, 1),
                                 ("开展全区编制核查", TargetMeasure.CHECK_RUNS, 1),
                                 ("核查问题整改销号", TargetMeasure.PROBLEMS_CLOSED, 2)):
        projects.target_add(actor=actor, project=project, name=name, measure=measure, target_value=value)
    for title, due, done in (("制定书记项目实施方案", date(2023, 3, 31), date(2023, 3, 24)),
                             ("核增重点领域编制", date(2023, 7, 31), date(2023, 7, 14)),
                             ("印发三个单位“三定”方案", date(2023, 9, 30), date(2023, 9, 8)),
                             ("完成全区编制核查，制定整改销号计划", date(2023, 11, 30), date(2023, 12, 4)),
                             ("完成整改销号", date(2023, 12, 31), date(2023, 12, 22))):
        milestone = projects.milestone_add(actor=actor, project=project, title=title, due_on=due, note="")
        projects.milestone_set_status(actor=actor, milestone=milestone, status="done", done_on=done)
    for kind, record, note in links:
        projects.outcome_link(actor=actor, project=project, kind=kind, record_id=record.pk, note=note)
    return project


# ------------------------------------------------------------------------------------------- ideology, integrity


def load_risks(*, actor: Any, branch: Branch) -> int:
    """The 2023 risk points, reviewed at the 2023 研判会 as the spec says and at every later 研判会 the party demo
    held (no new signs; the level kept), so the register is current on the demo's date."""
    meetings = list(Activity.objects.filter(branch=branch, kind=ActivityKind.IDEOLOGY_REVIEW, status="held",
                                            held_on__gte=date(2023, 1, 1)).order_by("held_on"))
    quarter_2023 = {(a.held_on.month - 1) // 3 + 1: a for a in meetings if a.held_on.year == 2023}
    for spec in dc.RISKS_2023:
        steps = [(quarter_2023[q], text, level) for q, text, level in spec.reviews if q in quarter_2023]
        level = steps[-1][2] if steps else spec.level
        steps += [(a, dc.LATER_REVIEW, level) for a in meetings if a.held_on.year > 2023]
        point = ideology.risk_create(
            actor=actor, branch=branch, title=spec.title, description=spec.description, level=spec.level,
            measures=spec.measures, owner=holder(branch, spec.owner_role, date(2023, 1, 31)),
            next_review_on=steps[0][0].held_on if steps else date(2023, 12, 31), today=date(2023, 1, 10))
        for n, (meeting, conclusion, after) in enumerate(steps):
            following = steps[n + 1][0].held_on if n + 1 < len(steps) else meeting.held_on + timedelta(days=91)
            ideology.risk_review(actor=actor, risk_point=point, reviewed_on=None, activity=meeting,
                                 conclusion=conclusion, level=after, next_review_on=following)
    for name, starts, ends, note in dc.SENSITIVE_2023:
        ideology.sensitive_period_create(actor=actor, branch=branch, name=name, starts_on=starts, ends_on=ends,
                                         note=note)
    return len(dc.RISKS_2023)


def load_key_dates(*, actor: Any, branch: Branch) -> int:
    """2023's holiday key dates, the discipline member and the secretary reminded five working days before, each
    marked done on its reminder day (the report: 元旦春节、中秋国庆 reminders were sent)."""
    assignees = [m for m in (holder(branch, r, date(2022, 12, 1)) for r in
                             (CommitteeRole.DISCIPLINE, CommitteeRole.SECRETARY)) if m is not None]
    result = integrity.keydates_generate(actor=actor, branch=branch, year=2023, lead_workdays=5,
                                         assignees=assignees, actions=dc.KEY_DATE_ACTIONS, talk_required=False,
                                         today=date(2022, 12, 1))
    for key_date in result.created:
        integrity.keydate_mark_done(actor=actor, key_date=key_date, done_on=key_date.remind_on,
                                    note="已向全体干部职工发送节前廉政提醒")
    return len(result.created)


# ------------------------------------------------------------------------------------------ responsibility list


def _load_item(actor: Any, branch: Branch, year: int, spec: dc.DutySpec, parent: Any = None) -> int:
    section = Division.objects.filter(unit=branch.unit, name=spec.section).first() if spec.section else None
    owner = None if section else holder(branch, spec.owner_role, date(year, 1, 31))
    item = items.item_create(actor=actor, branch=branch, year=year, title=spec.title, months=list(spec.months),
                             measure=spec.measure, owner_member=owner, owner_division=section,
                             description=spec.description,
                             activity_kind=spec.activity_kind, talk_kind=spec.talk_kind, target_count=spec.target,
                             parent=parent)
    if spec.done:
        last = max(spec.months)
        evidence = SimpleUploadedFile(f"{spec.title[:20]}.txt", spec.done.encode(), "text/plain")
        items.item_complete(actor=actor, item=item, completed_on=date(year, last, 25), note=spec.done,
                            uploaded_file=evidence, file_note="工作记录")
    return 1 + sum(_load_item(actor, branch, year, child, item) for child in spec.children)


def load_duty_items(*, actor: Any, branch: Branch) -> int:
    return sum(_load_item(actor, branch, year, spec) for year, specs in ((2023, dc.DUTIES_2023),
                                                                        (2024, dc.DUTIES_2024)) for spec in specs)


@dataclass
class DutiesTotals:
    duty_items: int
    visits: int
    households: int
    people: int
    visit_problems: int
    projects: int
    risk_points: int
    key_dates: int


def load_duties(*, actor: Any, branch: Branch, units: dict[str, Unit]) -> None:
    load_visits(actor=actor, branch=branch)
    load_project(actor=actor, branch=branch, units=units)
    load_duty_items(actor=actor, branch=branch)
    load_risks(actor=actor, branch=branch)
    load_key_dates(actor=actor, branch=branch)
    reminders_refresh()  # what the daily task would have produced: the home page shows it from the first login


def duties_totals() -> DutiesTotals | None:
    """What the database holds of the demo branch's duties (a system summary)."""
    from bianban.demo.party import BRANCH_CODE

    branch = Branch.objects.filter(code=BRANCH_CODE).first()
    if branch is None:
        return None
    visits = Visit.objects.filter(campaign__branch=branch)
    sums = visits.aggregate(households=Sum("households"), people=Sum("people"))
    return DutiesTotals(
        duty_items=DutyItem.objects.filter(branch=branch).count(), visits=visits.count(),
        households=sums["households"] or 0, people=sums["people"] or 0,
        visit_problems=VisitIssue.objects.filter(visit__campaign__branch=branch, problem__isnull=False).count(),
        projects=SecretaryProject.objects.filter(branch=branch).count(),
        risk_points=RiskPoint.objects.filter(branch=branch).count(),
        key_dates=KeyDate.objects.filter(branch=branch).count())
