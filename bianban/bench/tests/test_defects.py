"""The deliberate problems `bianban synth` plants for verification: each kind present in the number the summary
reports (counted here with plain queries, independently of defects.py), scaled down for small registers, the
counters still consistent with the journal, and exactly what the verification rules find."""

from collections import Counter, defaultdict

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

from bianban.bench.defects import FULL_PEOPLE, FULL_UNITS, PERSON_TARGETS, UNIT_TARGETS, wanted
from bianban.bench.synth import register_synthesize
from bianban.core.validators import parse_id_number
from bianban.people.models import Person
from bianban.staffing.choices import ApprovalStatus, Enforcement, MovementType, PostGrade
from bianban.staffing.models import Approval, Placement, PostQuota, QuotaLine
from bianban.staffing.rules import ALLOWED_KINDS
from bianban.units.choices import UnitStatus
from bianban.units.models import Charter, Unit

UNITS, PEOPLE = 1_000, 10_000
WANTED = wanted(UNITS, PEOPLE)  # 5 units without charter, 2 disagreeing, 15 valid approvals …


@pytest.fixture
def register(db):
    return register_synthesize(actor=None, units=UNITS, people=PEOPLE, seed=3)


def test_full_scale_plants_the_target_counts():
    assert wanted(FULL_UNITS, FULL_PEOPLE) == UNIT_TARGETS | PERSON_TARGETS


@pytest.mark.parametrize(("units", "people"), [(10, 50), (30, 500), (500, 25_000), (2_000, 20_000)])
def test_smaller_registers_get_fewer_problems_but_at_least_one_of_each(units, people):
    counts = wanted(units, people)
    assert all(n >= 1 for n in counts.values())
    assert all(counts[k] <= n for k, n in (UNIT_TARGETS | PERSON_TARGETS).items())
    assert counts["past_retirement"] + counts["invalid_id"] + 2 * counts["duplicate_pairs"] <= people // 10


def test_a_register_without_people_plants_no_problems_of_persons():
    counts = wanted(50, 0)
    assert counts["past_retirement"] == counts["invalid_id"] == counts["duplicate_pairs"] == 0


def test_some_units_have_no_charter_and_some_charters_disagree_with_the_lines(register):
    active = Unit.objects.filter(status=UnitStatus.ACTIVE)
    without = active.exclude(charters__is_current=True).count()
    assert without == register.problems["no_charter_units"] == WANTED["no_charter"] == 5
    assert Charter.objects.count() == UNITS - without
    lines: dict[int, Counter] = defaultdict(Counter)
    for unit_id, kind, funding, approved in QuotaLine.objects.values_list("unit_id", "kind", "funding", "approved"):
        lines[unit_id][(kind, funding)] += approved
    posts: dict[int, dict] = defaultdict(dict)
    for unit_id, grade, approved in PostQuota.objects.values_list("unit_id", "grade", "approved"):
        posts[unit_id][grade] = approved
    disagreeing = 0
    for charter in Charter.objects.all():
        assert charter.is_current and charter.version == 1
        assert charter.issued_on <= charter.effective_on <= timezone.localdate()
        stated = Counter({(row["kind"], row["funding"]): row["count"] for row in charter.quota})
        assert charter.posts == [{"level": "unit", "principal": posts[charter.unit_id][PostGrade.PRINCIPAL],
                                  "deputy": posts[charter.unit_id][PostGrade.DEPUTY]}]
        disagreeing += stated != lines[charter.unit_id]
    assert disagreeing == register.problems["charter_mismatch_units"] == WANTED["charter_mismatch"] == 2


def test_over_quota_lines_are_in_warn_mode_after_a_decrease_below_their_people(register):
    over = QuotaLine.objects.filter(occupied__gt=F("approved"))
    assert over.count() == register.problems["over_quota_lines"] == WANTED["over_quota"]
    for line in over:
        assert line.enforcement == Enforcement.WARN
        assert 1 <= line.occupied - line.approved <= 3
        assert line.occupied == line.placements.filter(on_quota=True, ended_on__isnull=True).count()
        assert list(line.movements.order_by("effective_on").values_list("type", flat=True)) == [
            MovementType.SET, MovementType.DECREASE]
        cut = line.movements.get(type=MovementType.DECREASE)
        charter = Charter.objects.filter(unit=line.unit_id).first()  # issued after the cut, stating its result
        assert charter is None or charter.issued_on > cut.effective_on
    assert not QuotaLine.objects.filter(enforcement=Enforcement.BLOCK,
                                        approved__lt=F("occupied") + F("reserved")).exists()


def test_over_filled_posts_are_deputies_in_warn_mode(register):
    over = PostQuota.objects.filter(filled__gt=F("approved"))
    assert over.count() == register.problems["over_posts"] == WANTED["over_posts"]
    for post in over:
        assert post.enforcement == Enforcement.WARN and post.grade == PostGrade.DEPUTY
        assert post.filled == post.placements.filter(ended_on__isnull=True).count()


def test_mixed_kind_lines_have_no_exception_document(register):
    mixed = [line for line in QuotaLine.objects.select_related("unit")
             if line.kind not in ALLOWED_KINDS[line.unit.kind]]
    assert len(mixed) == register.problems["mixed_kind_lines"] == WANTED["mixed_kind"]
    assert all(line.exception_document_no == "" and line.approved > 0 for line in mixed)


def test_some_people_are_past_retirement_and_still_on_quota(register):
    month = timezone.localdate().replace(day=1)
    past = Placement.objects.filter(on_quota=True, ended_on__isnull=True, person__retirement_month__lt=month)
    assert past.count() == register.problems["past_retirement_persons"] == WANTED["past_retirement"] == 2


def test_some_id_numbers_fail_the_check_and_some_share_their_first_17_digits(register):
    bad = []
    for pk, number in Person.objects.values_list("pk", "id_number"):
        try:
            parse_id_number(number)
        except ValidationError:
            bad.append(pk)
    pairs = register.problems["duplicate_id_pairs"]
    assert (register.problems["invalid_id_persons"], pairs) == (WANTED["invalid_id"], WANTED["duplicate_pairs"])
    assert len(bad) == register.problems["invalid_id_persons"] + pairs  # one of each pair cannot be valid
    assert sorted(bad) == sorted(Person.objects.filter(id_number_valid=False).values_list("pk", flat=True))
    bodies = Counter(number[:17] for number in Person.objects.values_list("id_number", flat=True))
    shared = [body for body, n in bodies.items() if n > 1]
    assert len(shared) == pairs and all(bodies[body] == 2 for body in shared)
    for body in shared:
        a, b = Person.objects.filter(id_number__startswith=body)
        assert (a.birth_date, a.sex, a.retirement_month) == (b.birth_date, b.sex, b.retirement_month)


def test_abolished_units_still_hold_their_people(register):
    abolished = Unit.objects.filter(status=UnitStatus.ABOLISHED)
    assert abolished.count() == register.problems["abolished_units"] == WANTED["abolished"]
    for unit in abolished:
        assert unit.established_on <= unit.abolished_on < timezone.localdate()
        assert not unit.children.exists()
    placed = Placement.objects.filter(unit__in=abolished, ended_on__isnull=True).count()
    assert placed == register.problems["abolished_unit_placements"] > 0


def test_open_approvals_reserve_slots_and_some_have_expired(register):
    today = timezone.localdate()
    open_ = Approval.objects.filter(status=ApprovalStatus.OPEN, used__lt=F("count"))
    assert open_.count() == Approval.objects.count() == register.approvals
    expired, valid = open_.filter(valid_until__lt=today).count(), open_.filter(valid_until__gte=today).count()
    assert expired == register.problems["expired_approvals"] == WANTED["expired_approvals"] == 2
    assert valid == register.problems["open_approvals"] == WANTED["open_approvals"] == 15
    for line in QuotaLine.objects.filter(approvals__isnull=False):
        assert line.reserved == sum(a.count - a.used for a in line.approvals.all()) > 0


def test_verification_finds_exactly_the_planted_problems(register):
    rules = pytest.importorskip("bianban.checks.rules")
    scope = rules.Scope(as_of=timezone.localdate())
    from bianban.registration.rules import CODES as REGISTRATION_CODES

    found = {rule.code: len(list(rule.find(scope))) for rule in rules.RULES}
    # synth registers every institution tidily: the 事业单位登记 rules find nothing there.
    assert {code: found.pop(code) for code in REGISTRATION_CODES} == dict.fromkeys(REGISTRATION_CODES, 0)
    assert found == register.findings
    assert found["invalid_id"] == found["duplicate_id"] == 2
