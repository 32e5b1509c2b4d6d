"""`bianban synth` at tiny size: a register whose counters, journal, tree and ID numbers are all consistent
(apart from the deliberate problems, test_defects.py), the same for the same seed, and never generated into a
database that already has units (unless --force)."""

import random
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import F, Min, Sum
from django.utils import timezone

from bianban.bench.plan import plan_lines, plan_tree, tree_shape
from bianban.bench.synth import people_insert_unplaced, register_synthesize
from bianban.core.exceptions import ValidationFailed
from bianban.core.models import AuditEvent
from bianban.core.validators import parse_id_number
from bianban.people.models import Person
from bianban.people.retirement import retirement_month
from bianban.staffing.choices import ApprovalStatus, Enforcement, MovementType
from bianban.staffing.history import lines_as_of, recomputed_now
from bianban.staffing.models import Approval, Placement, PostQuota, QuotaLine, QuotaMovement
from bianban.staffing.rules import ALLOWED_KINDS, check_line_identity
from bianban.units.models import Charter, Unit

UNITS, PEOPLE = 30, 500


def fingerprint() -> tuple:
    return (
        list(Unit.objects.order_by("pk").values_list("pk", "name", "kind", "institution_class", "path", "uscc")),
        list(QuotaLine.objects.order_by("pk").values_list("unit_id", "kind", "funding", "approved", "occupied")),
        list(PostQuota.objects.order_by("pk").values_list("unit_id", "grade", "approved", "filled")),
        list(Person.objects.order_by("pk").values_list("name", "id_number", "birth_date", "retirement_category")),
        list(Placement.objects.order_by("pk").values_list("person_id", "line_id", "post_id", "started_on", "title",
                                                          "approval_id")),
        list(Charter.objects.order_by("pk").values_list("unit_id", "document_no", "issued_on", "quota", "posts")),
        list(Approval.objects.order_by("pk").values_list("line_id", "count", "used", "issued_on", "valid_until")),
    )


@pytest.fixture
def synthesized(db):
    return register_synthesize(actor=None, units=UNITS, people=PEOPLE, seed=7)


def test_it_generates_the_requested_numbers_of_units_people_and_placements(synthesized):
    assert (synthesized.units, synthesized.people, synthesized.placements) == (UNITS, PEOPLE, PEOPLE)
    assert Unit.objects.count() == UNITS
    assert Person.objects.count() == PEOPLE
    assert Placement.objects.filter(on_quota=True, ended_on__isnull=True).count() == PEOPLE
    assert Placement.objects.values("person").distinct().count() == PEOPLE  # one slot per person


def test_every_lines_counters_agree_with_its_journal_placements_and_approvals(synthesized):
    lines = list(QuotaLine.objects.all())
    assert len(lines) == synthesized.lines
    for line in lines:
        journal = line.movements.aggregate(n=Sum("delta"))["n"]
        active = line.placements.filter(on_quota=True, ended_on__isnull=True).count()
        unused = sum(a.count - a.used for a in line.approvals.filter(status=ApprovalStatus.OPEN))
        assert line.approved == journal
        assert line.occupied == active
        assert line.reserved == unused
        assert line.approved_since == line.movements.order_by("effective_on").first().effective_on
        assert line.occupied + line.reserved <= line.approved or line.enforcement == Enforcement.WARN
        state = recomputed_now(line)
        assert (state.approved, state.occupied, state.reserved) == (line.approved, line.occupied, line.reserved)
    assert QuotaMovement.objects.count() == synthesized.movements
    assert QuotaMovement.objects.filter(type=MovementType.SET).count() == len(lines)  # and a 核减 per over line
    assert set(QuotaMovement.objects.values_list("type", flat=True)) == {MovementType.SET, MovementType.DECREASE}
    as_of = lines_as_of(lines, timezone.localdate())
    assert all((as_of[line.pk].occupied, as_of[line.pk].reserved) == (line.occupied, line.reserved) for line in lines)


def test_used_approvals_are_cited_by_as_many_placements_started_while_they_were_valid(synthesized):
    assert Approval.objects.filter(used__gt=0).exists()
    for approval in Approval.objects.all():
        cited = list(approval.placements.values_list("started_on", "line_id"))
        assert len(cited) == approval.used < approval.count
        assert approval.status == ApprovalStatus.OPEN and approval.issued_on <= approval.valid_until
        assert all(approval.issued_on <= on <= timezone.localdate() and line == approval.line_id
                   for on, line in cited)


def test_nobody_is_placed_before_the_line_was_approved(synthesized):
    first = dict(QuotaMovement.objects.values("line_id").annotate(on=Min("effective_on")).values_list("line_id", "on"))
    for line_id, started_on in Placement.objects.values_list("line_id", "started_on"):
        assert started_on >= first[line_id]


def test_lines_are_of_kinds_the_unit_may_hold_but_the_planted_ones(synthesized):
    mixed = 0
    for line in QuotaLine.objects.select_related("unit").filter(unit__status="active"):
        if line.kind in ALLOWED_KINDS[line.unit.kind]:
            check_line_identity(line.unit, line.kind, line.funding)  # raises on a wrong funding form
        else:
            mixed += 1
            assert line.exception_document_no == ""
    assert mixed == synthesized.problems["mixed_kind_lines"] == 1


def test_leadership_posts_are_filled_by_as_many_placements_as_they_count(synthesized):
    held = Counter(Placement.objects.exclude(post=None).values_list("post_id", flat=True))
    for post in PostQuota.objects.all():
        assert post.filled == held[post.pk]
        assert post.filled <= post.approved or post.enforcement == Enforcement.WARN
    for placement in Placement.objects.exclude(post=None).select_related("post"):
        assert placement.post.unit_id == placement.unit_id and placement.title


def test_paths_and_depths_follow_the_tree(synthesized):
    units = {unit.pk: unit for unit in Unit.objects.all()}
    roots = [unit for unit in units.values() if unit.parent_id is None]
    assert len(roots) == 1
    for unit in units.values():
        parent = units.get(unit.parent_id)
        assert unit.path == (parent.path if parent else "/") + f"{unit.pk}/"
        assert unit.depth == (parent.depth + 1 if parent else 0)
        assert unit.parent_id is None or unit.parent_id < unit.pk


def test_id_numbers_are_valid_and_agree_with_sex_birth_date_and_retirement(synthesized):
    today = timezone.localdate()
    planted = synthesized.findings["invalid_id"] + synthesized.findings["past_retirement"]
    clean = Person.objects.filter(id_number_valid=True, retirement_month__gt=today)
    assert clean.count() == PEOPLE - planted
    for person in clean:
        parsed = parse_id_number(person.id_number)  # checks the MOD 11-2 check character, among others
        assert (parsed.birth_date, parsed.sex) == (person.birth_date, person.sex)
        assert person.retirement_month == retirement_month(person.birth_date, person.retirement_category)
        assert person.work_started_on <= today


def test_each_person_is_filed_in_the_unit_of_their_placement(synthesized):
    assert not Placement.objects.exclude(person__unit=F("unit")).exists()


def test_it_records_one_audit_event_with_the_counts_and_seed(synthesized):
    events = list(AuditEvent.objects.filter(action="synth.generate"))
    assert len(events) == 1
    assert events[0].changes["units"] == [None, UNITS]
    assert events[0].changes["people"] == [None, PEOPLE]
    assert events[0].changes["seed"] == [None, 7]
    assert AuditEvent.objects.count() == 1  # nothing else is audited row by row


@pytest.mark.django_db
def test_it_is_deterministic_for_a_seed():
    savepoint = transaction.savepoint()
    register_synthesize(actor=None, units=UNITS, people=200, seed=11)
    first = fingerprint()
    transaction.savepoint_rollback(savepoint)
    assert not Unit.objects.exists()

    savepoint = transaction.savepoint()
    register_synthesize(actor=None, units=UNITS, people=200, seed=11)
    assert fingerprint() == first
    transaction.savepoint_rollback(savepoint)

    register_synthesize(actor=None, units=UNITS, people=200, seed=12)
    assert fingerprint() != first


@pytest.mark.django_db
def test_it_refuses_a_database_that_already_has_units():
    register_synthesize(actor=None, units=UNITS, people=50, seed=1)
    before = fingerprint()
    with pytest.raises(CommandError, match="--force"):
        call_command("synth", "--units", "30", "--people", "50", stdout=StringIO(), stderr=StringIO())
    assert fingerprint() == before
    assert AuditEvent.objects.filter(action="synth.generate").count() == 1


@pytest.mark.django_db
def test_with_force_it_adds_a_second_province_beside_the_first():
    register_synthesize(actor=None, units=UNITS, people=100, seed=1)
    result = register_synthesize(actor=None, units=UNITS, people=100, seed=1, force=True)
    roots = list(Unit.objects.filter(parent=None).order_by("pk"))
    assert len(roots) == 2 and roots[0].name != roots[1].name
    assert roots[1].pk == result.root_id and roots[1].path == f"/{roots[1].pk}/"
    assert Person.objects.count() == 200
    assert Person.objects.values("id_number").distinct().count() == 200
    assert all(line.occupied == line.placements.count() for line in QuotaLine.objects.all())


@pytest.mark.django_db
@pytest.mark.parametrize(("units", "people", "field"), [(5, 10, "units"), (30, -1, "people"), (30, 1.5, "people")])
def test_it_rejects_sizes_out_of_range(units, people, field):
    with pytest.raises(ValidationFailed) as caught:
        register_synthesize(actor=None, units=units, people=people)
    assert field in caught.value.details
    assert not Unit.objects.exists()


@pytest.mark.django_db
def test_the_command_reports_what_it_generated():
    out, err = StringIO(), StringIO()
    call_command("synth", "--units", "20", "--people", "100", "--seed", "3", stdout=out, stderr=err)
    assert "已生成合成数据：机构 20 个" in out.getvalue()
    assert "刻意设置的问题（供核查发现）：无三定规定的单位 1，" in out.getvalue()
    assert "人员与入编" in err.getvalue()  # the progress bar


def test_rows_created_afterwards_get_fresh_keys(synthesized):
    # PostgreSQL's sequences must have been moved past the explicit keys synth wrote.
    line = QuotaLine.objects.filter(enforcement=Enforcement.BLOCK).order_by("pk").first()
    approval = Approval.objects.create(line=line, count=1, document_no="测试", issued_on=timezone.localdate(),
                                       valid_until=timezone.localdate())
    charter = Charter.objects.create(unit=line.unit, version=9, is_current=False, title="测试", document_no="测试",
                                     issued_on=timezone.localdate(), effective_on=timezone.localdate())
    assert approval.pk > synthesized.approvals and charter.pk > synthesized.charters


@pytest.mark.django_db
def test_unplaced_people_have_fresh_valid_id_numbers_and_no_slot(synthesized):
    ids = people_insert_unplaced(count=40, seed=2)
    people = Person.objects.filter(pk__in=ids)
    assert people.count() == 40
    assert not people.exclude(unit=None).exists()
    assert not Placement.objects.filter(person__in=people).exists()
    assert Person.objects.values("id_number").distinct().count() == PEOPLE + 40
    for person in people:
        assert parse_id_number(person.id_number).birth_date == person.birth_date


@pytest.mark.parametrize("total", [10, 31, 500, 2_500, 20_000])
def test_the_planned_tree_has_exactly_the_requested_size_with_parents_first(total):
    units = plan_tree(random.Random(1), total, 1, set())
    assert len(units) == total
    seen: set[int] = set()
    names: set[tuple[int, str]] = set()
    for unit in units:
        assert unit.parent is None or unit.parent.pk in seen
        key = (unit.parent.pk if unit.parent else 0, unit.name)
        assert key not in names  # unique within the parent, as the database requires
        names.add(key)
        seen.add(unit.pk)


def test_the_province_scale_shape_is_twelve_cities_of_eight_districts():
    cities, per_city, departments, streets = tree_shape(20_000)
    assert (cities, per_city) == (12, 8)
    assert departments > 25 and streets >= 2


@pytest.mark.parametrize("people", [0, 1, 999, 12_345])
def test_planned_lines_hold_exactly_the_people_and_never_more_than_approved(people):
    rng = random.Random(5)
    lines = plan_lines(rng, plan_tree(rng, 200, 1, set()), people, 1)
    assert sum(line.occupied for line in lines) == people
    assert all(0 <= line.occupied <= line.approved for line in lines)
