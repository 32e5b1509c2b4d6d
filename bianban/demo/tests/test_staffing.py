"""The demo's establishment register: consistent with the charters and the journal, with exactly the planted
problems (and the plan behind it, without the database)."""

import re
from datetime import date

import pytest
from django.db.models import Count, F, Q

from bianban.demo import catalog as c
from bianban.demo.loader import DemoPlan, load_demo, plan_demo
from bianban.demo.people import AS_OF
from bianban.demo.staffing import EXPIRED_VALID_UNTIL, StaffingPlan, leader_title, staffing_problems
from bianban.people.models import Person
from bianban.staffing.choices import ApprovalStatus, Enforcement, MovementType, PostGrade, ReleaseReason
from bianban.staffing.history import LineState, lines_as_of, recomputed_now
from bianban.staffing.models import Approval, Placement, PostQuota, QuotaLine, QuotaMovement
from bianban.units.choices import Funding, QuotaKind, UnitEventKind, UnitKind
from bianban.units.models import Charter, Unit, UnitEvent

# Small, but big enough for every planted problem: the education bureau needs two people on its one 工勤 slot.
STAFFED = {"units_limit": 10, "people": 120}
DOCUMENT = re.compile(r"^示编(入|出|调|核)〔(19|20)\d\d〕\d+号$")


@pytest.fixture(scope="module")
def plan() -> DemoPlan:
    return plan_demo(**STAFFED)


@pytest.fixture(scope="module")
def full() -> DemoPlan:
    return plan_demo()


def _line_key(line: QuotaLine) -> tuple[str, str, str]:
    return (line.unit.name, line.kind, line.funding)


# --- the plan, without the database ------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_register(plan: DemoPlan) -> None:
    assert plan_demo(**STAFFED).staffing == plan.staffing
    assert plan_demo(seed=7, **STAFFED).staffing != plan.staffing


def test_the_plan_plants_each_problem_once(plan: DemoPlan) -> None:
    staffing: StaffingPlan = plan.staffing
    deliberate = staffing.deliberate
    assert deliberate.over_quota_line == (c.EDUCATION_KEY, QuotaKind.SERVICE_WORKER, Funding.NONE)
    assert deliberate.over_posts == ("edu.high1", None, PostGrade.DEPUTY)
    assert deliberate.overdue_person and deliberate.expired_approval
    assert sum(1 for e in staffing.enrolments if e.warn_reason) == 1
    assert sum(1 for e in staffing.enrolments if e.over_quota_reason) == 2
    assert [p.enforcement for p in staffing.posts if p.enforcement] == [Enforcement.WARN]
    assert {e.id_number for e in staffing.enrolments} == {p.id_number for p in plan.people}
    assert len(staffing.enrolments) == len(plan.people)  # one placement each
    assert all(DOCUMENT.match(x.document_no) for x in (*staffing.enrolments, *staffing.releases,
                                                        *staffing.transfers, *staffing.approvals))


def test_the_full_district_has_about_3_percent_off_quota_and_every_kind_of_event(full: DemoPlan) -> None:
    staffing = full.staffing
    off = sum(1 for e in staffing.enrolments if not e.on_quota)
    assert 0.02 * len(staffing.enrolments) <= off <= 0.04 * len(staffing.enrolments)
    assert {r.reason for r in staffing.releases} == {ReleaseReason.RETIREMENT, ReleaseReason.RESIGNATION}
    assert len(staffing.transfers) == 1
    into_2027 = [a for a in staffing.approvals if a.valid_until.year == 2027]
    assert len(into_2027) >= 3
    assert all(v is not None for v in vars(staffing.deliberate).values())


@pytest.mark.parametrize(("name", "grade", "division", "title"), [
    ("示例区教育局", PostGrade.PRINCIPAL, None, "局长"),
    ("示例区第一中学", PostGrade.DEPUTY, None, "副校长"),
    ("中共示例区委机构编制委员会办公室", PostGrade.PRINCIPAL, None, "主任"),
    ("中共示例区纪律检查委员会", PostGrade.DEPUTY, None, "副书记"),
    ("示例区人民检察院", PostGrade.PRINCIPAL, None, "检察长"),
    ("示例区公安分局", PostGrade.DEPUTY, "刑事侦查大队", "刑事侦查大队副大队长"),
    ("示例区教育局", PostGrade.PRINCIPAL, "办公室", "办公室主任"),
    ("示例区教育局", PostGrade.PRINCIPAL, "基础教育科", "基础教育科科长"),
])
def test_leaders_get_the_titles_their_unit_uses(full: DemoPlan, name: str, grade: str, division: str | None,
                                                title: str) -> None:
    spec = next(u for u in full.units if u.name == name)
    assert leader_title(spec, grade, division) == title


# --- the loaded register ------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_every_unit_holds_the_quota_lines_and_posts_of_its_charter() -> None:
    load_demo(**STAFFED)

    for charter in Charter.objects.filter(is_current=True).select_related("unit"):
        unit = charter.unit
        lines = {(line.kind, line.funding): line for line in QuotaLine.objects.filter(unit=unit)}
        assert {k: line.approved for k, line in lines.items()} == {
            (q["kind"], q["funding"]): q["count"] for q in charter.quota
        }, unit.name
        for line in lines.values():
            (movement,) = QuotaMovement.objects.filter(line=line)
            assert (movement.type, movement.document_no, movement.effective_on) == (
                MovementType.SET, charter.document_no, charter.effective_on)
        allowed = {QuotaKind.INSTITUTION} if unit.kind in (UnitKind.INSTITUTION, UnitKind.CIVIL_SERVICE_MANAGED) \
            else {QuotaKind.ADMINISTRATIVE, QuotaKind.POLITICAL_LEGAL, QuotaKind.SERVICE_WORKER}
        assert {kind for kind, _ in lines} <= allowed
        posts = {(p.division.name if p.division else None, p.grade): p.approved
                 for p in PostQuota.objects.filter(unit=unit).select_related("division")}
        unit_row = next(p for p in charter.posts if p["level"] == "unit")
        expected = {(None, PostGrade.PRINCIPAL): unit_row["principal"], (None, PostGrade.DEPUTY): unit_row["deputy"]}
        for d in charter.divisions:
            expected[(d["name"], PostGrade.PRINCIPAL)] = d["principal"]
            if d["deputy"]:
                expected[(d["name"], PostGrade.DEPUTY)] = d["deputy"]
        assert posts == expected, unit.name


@pytest.mark.django_db
def test_the_counters_equal_the_journal_and_only_the_warn_line_is_ever_over() -> None:
    load_demo(**STAFFED)
    lines = list(QuotaLine.objects.select_related("unit"))

    for line in lines:
        assert recomputed_now(line) == LineState(line.pk, line.approved, line.occupied, line.reserved), line
    for post in PostQuota.objects.all():
        assert post.filled == Placement.objects.filter(post=post, ended_on__isnull=True).count(), post
    assert not PostQuota.objects.filter(enforcement=Enforcement.BLOCK, filled__gt=F("approved")).exists()
    assert not QuotaLine.objects.filter(enforcement=Enforcement.BLOCK,
                                        approved__lt=F("occupied") + F("reserved")).exists()

    # Rebuilt as of every date anything happened, the register never has a block-mode line over.
    days = {m.effective_on for m in QuotaMovement.objects.all()} | {a.issued_on for a in Approval.objects.all()}
    for started, ended in Placement.objects.values_list("started_on", "ended_on"):
        days |= {started, ended} - {None}
    by_pk = {line.pk: line for line in lines}
    ever_over = set()
    for day in sorted(days | {AS_OF}):
        for pk, state in lines_as_of(lines, day).items():
            if state.occupied + state.reserved > state.approved:
                ever_over.add(pk)
    assert [_line_key(by_pk[pk]) for pk in ever_over] == [("示例区教育局", QuotaKind.SERVICE_WORKER, Funding.NONE)]
    assert lines_as_of(lines, AS_OF) == {
        line.pk: LineState(line.pk, line.approved, line.occupied, line.reserved) for line in lines
    }


@pytest.mark.django_db
def test_everyone_is_placed_on_a_line_that_fits_them() -> None:
    result = load_demo(**STAFFED)

    people = Person.objects.count()
    placements = Placement.objects.select_related("person", "unit", "line")
    assert placements.values("person").distinct().count() == people
    assert not placements.values("person").annotate(
        n=Count("id", filter=Q(ended_on__isnull=True))).filter(n__gt=1).exists()
    off = placements.filter(on_quota=False)
    assert 1 <= off.count() <= 0.05 * people and result.staffing.off_quota == off.count()
    assert not off.filter(Q(post__isnull=False) | Q(line__isnull=False)).exists()
    first_set = {line.pk: line.movements.get().effective_on for line in QuotaLine.objects.all()}
    for placement in placements:
        person = placement.person
        assert DOCUMENT.match(placement.start_document_no)
        assert placement.started_on <= AS_OF
        assert placement.started_on >= date(person.birth_date.year + 18, 1, 1)
        if placement.line_id:
            assert placement.line.unit_id == placement.unit_id
            assert placement.started_on >= first_set[placement.line_id]
            if placement.unit.kind in (UnitKind.ORGAN, UnitKind.MASS_ORG):
                assert placement.line.kind in (QuotaKind.ADMINISTRATIVE, QuotaKind.POLITICAL_LEGAL,
                                               QuotaKind.SERVICE_WORKER)
            else:
                assert placement.line.kind == QuotaKind.INSTITUTION
    # The holders of the demo logins are ordinary staff on quota in their unit.
    for name in ("刘建华", "陈静", "张慧敏"):
        assert placements.get(person__name=name).on_quota
    # Every unit with staff has its 正职.
    for unit in Unit.objects.annotate(n=Count("placements")).filter(n__gte=3):
        assert PostQuota.objects.get(unit=unit, division=None, grade=PostGrade.PRINCIPAL).filled == 1, unit.name


@pytest.mark.django_db
def test_exactly_the_deliberate_problems_are_there_for_verification_to_find() -> None:
    result = load_demo(**STAFFED)

    # 1. One line over its approved number, in warn mode, with the reason recorded on the extra placement.
    (line,) = QuotaLine.objects.filter(occupied__gt=F("approved")).select_related("unit")
    assert _line_key(line) == ("示例区教育局", QuotaKind.SERVICE_WORKER, Funding.NONE)
    assert line.enforcement == Enforcement.WARN and line.occupied == line.approved + 1
    assert line.placements.exclude(over_quota_reason="").count() == 1
    assert QuotaLine.objects.filter(enforcement=Enforcement.WARN).count() == 1
    # 2. One post over: the 副职 of 区一中, in warn mode.
    (post,) = PostQuota.objects.filter(filled__gt=F("approved")).select_related("unit")
    assert (post.unit.name, post.division_id, post.grade) == ("示例区第一中学", None, PostGrade.DEPUTY)
    assert post.enforcement == Enforcement.WARN and post.filled == post.approved + 1
    assert post.placements.exclude(over_quota_reason="").count() == 1
    assert PostQuota.objects.filter(enforcement=Enforcement.WARN).count() == 1
    # 3. One person past their retirement month still placed; the others past it retired in it.
    (overdue,) = Placement.objects.filter(ended_on__isnull=True, person__retirement_month__lt=AS_OF)
    assert overdue.person.retirement_month < date(2024, 1, 1)
    retired = Placement.objects.filter(end_reason=ReleaseReason.RETIREMENT).select_related("person")
    assert retired.exists() and all(p.ended_on == p.person.retirement_month for p in retired)
    # 4. One approval past its validity, still open and still reserving its slot.
    (expired,) = Approval.objects.filter(status=ApprovalStatus.OPEN, valid_until__lt=AS_OF)
    assert expired.valid_until == EXPIRED_VALID_UNTIL and expired.remaining == 1
    # And nothing else: nobody on two on-quota placements, no quota kind the unit may not hold.
    assert not QuotaLine.objects.exclude(exception_document_no="").exists()
    assert len(result.staffing.problems) == 4 and result.staffing.problems == staffing_problems()
    assert [p.split("：")[0] for p in result.staffing.problems] == [
        "超编（预警模式）", "超职数（预警模式）", "超过法定退休时间仍在编", "用编核准逾期未处理"]
    # The demo's first verification run (as of the real today) finds these, and the ledger holds one problem for
    # each finding. Later in the calendar more of the demo's staff pass their retirement month, hence ≥.
    from bianban.checks.models import CheckRun
    from bianban.ledger.models import Problem

    (run,) = CheckRun.objects.all()
    found = {rule: n for rule, n in run.counts.items() if n}
    # Plus the registration's deliberate late annual reports (demo/registration.py, tests/test_registration.py).
    assert set(found) == {"over_quota", "over_posts", "past_retirement", "expired_approval", "annual_report_late"}
    assert found["over_quota"] == found["over_posts"] == found["expired_approval"] == 1
    assert found["annual_report_late"] == 3
    assert found["past_retirement"] >= 1
    assert Problem.objects.filter(source="check").count() == run.finding_count
    assert result.check_run.startswith(f"核查 #{run.pk}") and f"共发现 {run.finding_count} 项问题" in result.check_run


@pytest.mark.django_db
def test_the_history_of_the_units_has_approvals_a_transfer_and_releases() -> None:
    load_demo(**STAFFED)

    open_into_2027 = Approval.objects.filter(status=ApprovalStatus.OPEN, valid_until__year=2027)
    assert open_into_2027.count() >= 2
    (moved,) = Placement.objects.filter(end_reason=ReleaseReason.TRANSFER_OUT).select_related("person")
    successor = moved.transferred_to
    assert successor.unit_id != moved.unit_id and successor.started_on == moved.ended_on
    assert Person.objects.get(pk=moved.person_id).unit_id == successor.unit_id
    assert Placement.objects.filter(end_reason=ReleaseReason.RESIGNATION).count() == 1
    kinds = set(UnitEvent.objects.values_list("kind", flat=True))
    assert {UnitEventKind.QUOTA, UnitEventKind.POSTS, UnitEventKind.ENROL, UnitEventKind.RELEASE,
            UnitEventKind.TRANSFER_IN, UnitEventKind.TRANSFER_OUT} <= kinds
    assert not UnitEvent.objects.filter(kind=UnitEventKind.ENROL, document_no="").exists()


@pytest.mark.django_db
def test_loading_the_register_again_changes_nothing() -> None:
    first = load_demo(**STAFFED)
    counts = (QuotaLine.objects.count(), Placement.objects.count(), Approval.objects.count(),
              PostQuota.objects.count(), QuotaMovement.objects.count())

    again = load_demo(**STAFFED)

    assert again.already_loaded and again.complete
    assert (QuotaLine.objects.count(), Placement.objects.count(), Approval.objects.count(),
            PostQuota.objects.count(), QuotaMovement.objects.count()) == counts
    assert again.staffing == first.staffing
