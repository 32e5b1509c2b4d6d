"""Each verification rule finds what it should, and only that, now and as of a past date, within a subtree."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from bianban.checks.rules import RULES, Hit, Scope, rule_by_code
from bianban.core.validators import parse_id_number
from bianban.people.models import Person
from bianban.people.tests.factories import PersonFactory, make_id_number
from bianban.staffing.choices import ApprovalStatus, Enforcement, PostGrade
from bianban.staffing.models import Approval, Placement, PostQuota, QuotaLine
from bianban.staffing.services import (
    approval_create,
    placement_enrol,
    placement_release,
    post_quota_set,
    quota_line_configure,
    quota_movement_create,
)
from bianban.staffing.tests.helpers import ON, SET_ON, admin_line, institution_line, people
from bianban.units.choices import Funding, QuotaKind, UnitStatus
from bianban.units.models import Charter, Unit
from bianban.units.services import charter_create

pytestmark = pytest.mark.django_db


def hits(code: str, *, as_of: date | None = None, root: Unit | None = None) -> list[Hit]:
    rule = rule_by_code(code)
    assert rule is not None
    return list(rule.find(Scope(as_of=as_of or timezone.localdate(), root_path=root.path if root else None)))


def enrol(person: Any, unit: Unit, line: QuotaLine, on: date = ON, **kwargs: Any) -> Placement:
    return placement_enrol(actor=None, person=person, unit=unit, kind=line.kind, funding=line.funding, on=on,
                           document_no="示人〔2025〕1号", **kwargs)


def test_registry_codes_are_stable_and_described() -> None:
    codes = [r.code for r in RULES]
    assert codes == ["over_quota", "over_posts", "mixed_kind", "abolished_unit_placement", "expired_approval",
                     "no_charter", "charter_mismatch", "past_retirement", "multiple_placements", "invalid_id",
                     "duplicate_id", "registration_missing", "certificate_expired", "annual_report_late",
                     "registration_mismatch", "filing_overdue"]
    for rule in RULES:
        assert rule.title and len(rule.explanation) > 20 and rule.severity_label and rule.subject_label


def test_over_quota_finds_warn_mode_excess_now_and_not_before_it_happened(district: Any) -> None:
    line = institution_line(district.school, 1)
    quota_line_configure(actor=None, line=line, enforcement=Enforcement.WARN, reason="教师临时超编")
    first, second = people(2, district.school)
    enrol(first, district.school, line, on=ON)
    assert hits("over_quota") == []
    enrol(second, district.school, line, on=ON + timedelta(days=10), over_quota_reason="学期中补充教师")
    [hit] = hits("over_quota")
    assert hit.subject_id == line.pk and hit.unit_id == district.school.pk
    assert "核定 1 名，实有 2 名，超编 1 名（预警模式）" in hit.message
    # As of a day between the two enrolments the line was full, not over; after the second, over.
    assert hits("over_quota", as_of=ON + timedelta(days=5)) == []
    assert [h.subject_id for h in hits("over_quota", as_of=ON + timedelta(days=10))] == [line.pk]
    # Outside the subtree it is not this run's business.
    assert hits("over_quota", root=district.health) == []
    assert len(hits("over_quota", root=district.edu)) == 1


def test_over_quota_after_a_decrease_below_occupancy(district: Any) -> None:
    line = admin_line(district.edu, 2)
    for person in people(2, district.edu):
        enrol(person, district.edu, line)
    quota_line_configure(actor=None, line=line, enforcement=Enforcement.WARN, reason="机构改革过渡期")
    quota_movement_create(actor=None, unit=district.edu, kind=QuotaKind.ADMINISTRATIVE, funding=Funding.NONE,
                          type="DECREASE", amount=1, document_no="示编〔2025〕9号", effective_on=ON + timedelta(30))
    [hit] = hits("over_quota")
    assert "核定 1 名，实有 2 名" in hit.message
    assert hits("over_quota", as_of=ON + timedelta(days=29)) == []


def test_over_posts_unit_and_division_level(district: Any) -> None:
    line = institution_line(district.school, 5)
    post = post_quota_set(actor=None, unit=district.school, grade=PostGrade.DEPUTY, approved=1,
                          document_no="示编〔2024〕3号", effective_on=SET_ON, enforcement=Enforcement.WARN,
                          reason="试点")
    a, b = people(2, district.school)
    enrol(a, district.school, line, post=post)
    assert hits("over_posts") == []
    enrol(b, district.school, line, post=post, on=ON + timedelta(days=3), over_quota_reason="交流任职")
    [hit] = hits("over_posts")
    assert hit.subject_id == post.pk and "单位领导·副职：核定 1 名，实配 2 名，超职数 1 名" in hit.message
    assert hits("over_posts", as_of=ON + timedelta(days=1)) == []
    # A division's posts are counted on their own.
    from bianban.units.services import division_create

    division = division_create(actor=None, unit=district.school, name="教务处")
    div_post = PostQuota.objects.create(unit=district.school, division=division, grade=PostGrade.PRINCIPAL,
                                        approved=0, filled=1, enforcement=Enforcement.WARN)
    codes = {h.subject_id: h.message for h in hits("over_posts")}
    assert div_post.pk in codes and "教务处领导·正职" in codes[div_post.pk]


def test_mixed_kind_needs_no_exception_document(district: Any) -> None:
    # An organ holding 事业编制 is 混编 unless a document explicitly allows it.
    line = QuotaLine.objects.create(unit=district.health, kind=QuotaKind.INSTITUTION, funding=Funding.FULL,
                                    approved=3, approved_since=SET_ON)
    admin_line(district.edu, 2)  # an allowed kind: never found
    [hit] = hits("mixed_kind")
    assert hit.subject_id == line.pk and "机关使用事业编制" in hit.message
    QuotaLine.objects.filter(pk=line.pk).update(exception_document_no="示编〔2020〕7号")
    assert hits("mixed_kind") == []


def test_abolished_unit_placements_found_from_the_abolition_date(district: Any) -> None:
    line = institution_line(district.hospital, 3)
    [person] = people(1, district.hospital)
    placement = enrol(person, district.hospital, line)
    abolished_on = ON + timedelta(days=60)
    Unit.objects.filter(pk=district.hospital.pk).update(status=UnitStatus.ABOLISHED, abolished_on=abolished_on)
    [hit] = hits("abolished_unit_placement")
    assert hit.subject_id == placement.pk and hit.person_id == person.pk
    assert f"已于 {abolished_on:%Y-%m-%d} 撤销" in hit.message
    assert hits("abolished_unit_placement", as_of=abolished_on - timedelta(days=1)) == []
    assert len(hits("abolished_unit_placement", as_of=abolished_on)) == 1


def test_expired_approval_still_reserving(district: Any) -> None:
    today = timezone.localdate()
    institution_line(district.school, 5)
    expired = approval_create(actor=None, unit=district.school, kind=QuotaKind.INSTITUTION, funding=Funding.FULL,
                              count=2, document_no="示编核〔2025〕1号", issued_on=ON, valid_until=ON + timedelta(90))
    approval_create(actor=None, unit=district.school, kind=QuotaKind.INSTITUTION, funding=Funding.FULL,
                    count=1, document_no="示编核〔2025〕2号", issued_on=ON, valid_until=today + timedelta(30))
    [hit] = hits("expired_approval")
    assert hit.subject_id == expired.pk and "仍占用 2 名" in hit.message
    # Before its validity ended it was fine; once the daily task expires it, the finding is gone.
    assert hits("expired_approval", as_of=ON + timedelta(days=90)) == []
    Approval.objects.filter(pk=expired.pk).update(status=ApprovalStatus.EXPIRED, closed_on=today)
    assert hits("expired_approval") == []
    assert [h.subject_id for h in hits("expired_approval", as_of=today - timedelta(days=1))] == [expired.pk]


def _charter(unit: Unit, effective_on: date, quota: list[dict], posts: list[dict] | None = None) -> Charter:
    return charter_create(actor=None, unit=unit, title=f"{unit.name}三定规定", document_no="示编〔2023〕5号",
                          issued_on=effective_on, effective_on=effective_on, quota=quota, posts=posts or [])


def test_no_charter_and_charter_in_force_by_date(district: Any) -> None:
    effective = date(2024, 6, 1)
    for unit in (district.edu, district.health, district.hospital):
        _charter(unit, effective, [])
    [hit] = hits("no_charter")
    assert hit.subject_id == district.school.pk and "没有施行中的三定规定" in hit.message
    assert {h.subject_id for h in hits("no_charter", as_of=effective - timedelta(days=1))} == {
        district.edu.pk, district.school.pk, district.health.pk, district.hospital.pk}
    Unit.objects.filter(pk=district.school.pk).update(status=UnitStatus.ABOLISHED, abolished_on=ON)
    assert hits("no_charter") == []


def test_charter_mismatch_quota_and_posts(district: Any) -> None:
    line = admin_line(district.edu, 10)
    post_quota_set(actor=None, unit=district.edu, grade=PostGrade.PRINCIPAL, approved=1,
                   document_no="示编〔2024〕3号", effective_on=SET_ON)
    post_quota_set(actor=None, unit=district.edu, grade=PostGrade.DEPUTY, approved=3,
                   document_no="示编〔2024〕3号", effective_on=SET_ON)
    quota = [{"kind": QuotaKind.ADMINISTRATIVE, "funding": Funding.NONE, "count": 10}]
    posts = [{"level": "unit", "principal": 1, "deputy": 3}]
    _charter(district.edu, SET_ON, quota, posts)
    assert hits("charter_mismatch") == []
    # The register moves without a revised charter: one finding for the unit naming the difference.
    quota_movement_create(actor=None, unit=district.edu, kind=QuotaKind.ADMINISTRATIVE, funding=Funding.NONE,
                          type="INCREASE", amount=2, document_no="示编〔2025〕3号", effective_on=ON)
    # An empty line agrees with a charter that does not mention it.
    QuotaLine.objects.create(unit=district.edu, kind=QuotaKind.SERVICE_WORKER, funding=Funding.NONE, approved=0)
    [hit] = hits("charter_mismatch")
    assert hit.subject_id == district.edu.pk and "行政编制：三定 10 名，台账 12 名" in hit.message
    assert hits("charter_mismatch", as_of=ON - timedelta(days=1)) == []
    post_quota_set(actor=None, unit=district.edu, grade=PostGrade.DEPUTY, approved=2,
                   document_no="示编〔2025〕4号", effective_on=ON)
    [hit] = hits("charter_mismatch")
    assert "单位领导副职：三定 3 名，台账 2 名" in hit.message
    # A revised charter that states the new figures settles it; the old version still governs the past.
    _charter(district.edu, ON, [{**quota[0], "count": 12}], [{"level": "unit", "principal": 1, "deputy": 2}])
    assert hits("charter_mismatch") == []
    assert line.pk  # the line itself is unchanged by charters


def test_past_retirement_counts_months(district: Any) -> None:
    today = timezone.localdate()
    line = institution_line(district.school, 5)
    # Born so that the statutory month (60 for men, with the 2025 delay) is well past.
    old = PersonFactory(birth=date(1960, 1, 15), unit=district.school)
    young = PersonFactory(birth=date(1990, 1, 15), unit=district.school)
    old_placement = enrol(old, district.school, line, on=date(2024, 3, 4))
    enrol(young, district.school, line)
    Person.objects.filter(pk=old.pk).update(retirement_month=today.replace(day=1) - timedelta(days=40))
    [hit] = hits("past_retirement")
    assert hit.subject_id == old_placement.pk and hit.person_id == old.pk and "仍在编" in hit.message
    # In the retirement month itself the person is not yet past it.
    Person.objects.filter(pk=old.pk).update(retirement_month=today.replace(day=1))
    assert hits("past_retirement") == []
    # Released: no longer found now, still found as of a day they were placed past the month.
    Person.objects.filter(pk=old.pk).update(retirement_month=date(2024, 1, 1))
    placement_release(actor=None, placement=old_placement, reason="RETIREMENT", on=date(2025, 2, 3),
                      document_no="示人〔2025〕2号")
    assert hits("past_retirement") == []
    assert [h.subject_id for h in hits("past_retirement", as_of=date(2025, 1, 15))] == [old_placement.pk]


def test_multiple_placements_in_history(district: Any) -> None:
    """The database forbids two open on-quota placements; overlapping dates entered later are still found."""
    school_line, hospital_line = institution_line(district.school, 3), institution_line(district.hospital, 3)
    [person] = people(1)
    first = enrol(person, district.school, school_line, on=date(2024, 3, 1))
    placement_release(actor=None, placement=first, reason="TRANSFER_OUT", on=date(2024, 9, 1),
                      document_no="示人〔2024〕9号")
    enrol(person, district.hospital, hospital_line, on=date(2024, 9, 1))
    assert hits("multiple_placements", as_of=date(2024, 8, 1)) == []
    # A correction back-dates the hospital start: the two overlap in August.
    Placement.objects.filter(person=person, unit=district.hospital).update(started_on=date(2024, 7, 15))
    [hit] = hits("multiple_placements", as_of=date(2024, 8, 1))
    assert hit.subject_id == person.pk and "同时占用 2 个编制" in hit.message
    assert "示例区第一中学" in hit.message and "示例区人民医院" in hit.message
    assert hits("multiple_placements") == []
    assert len(hits("multiple_placements", as_of=date(2024, 8, 1), root=district.health)) == 1
    assert len(hits("multiple_placements", as_of=date(2024, 8, 1), root=district.edu)) == 1


@pytest.mark.parametrize("number", [
    "wrong-check",  # a valid number with its check character changed (built below)
    "1101051980010100",  # too short
    "11010519800101001A",  # letter other than X at the end
    "1101A5198001010012",  # letter in the body
    "990105198001010017",  # no such province
    "110105198013010019",  # month 13
    "110105198001320010",  # day 32
])
def test_invalid_id_numbers_are_flagged_by_the_database(district: Any, number: str) -> None:
    [person] = people(1, district.edu)
    valid = Person.objects.get(pk=person.pk)
    assert valid.id_number_valid is True
    if number == "wrong-check":
        good = make_id_number(date(1980, 1, 1), seq=5)
        number = good[:17] + ("0" if good[17] != "0" else "1")
    Person.objects.filter(pk=person.pk).update(id_number=number)
    with pytest.raises(Exception):  # noqa: B017 - whichever ValidationError the parser raises
        parse_id_number(number)
    assert Person.objects.get(pk=person.pk).id_number_valid is False
    [hit] = hits("invalid_id")
    assert hit.subject_id == person.pk and "未通过校验" in hit.message and number not in hit.message


def test_valid_id_numbers_including_x_pass(district: Any) -> None:
    numbers = [make_id_number(date(1975, 5, 5), seq=n) for n in range(1, 60)]
    assert any(n.endswith("X") for n in numbers)
    for number in numbers:
        parse_id_number(number)
    persons = people(len(numbers), district.edu)
    for person, number in zip(persons, numbers, strict=True):
        Person.objects.filter(pk=person.pk).update(id_number=number)
    assert Person.objects.filter(id_number_valid=False).count() == 0
    assert hits("invalid_id") == []


def test_duplicate_id_bodies(district: Any) -> None:
    first, second, third = people(3, district.edu)
    body = Person.objects.get(pk=first.pk).id_number[:17]
    Person.objects.filter(pk=second.pk).update(id_number=body + ("X" if not first.id_number.endswith("X") else "1"))
    Person.objects.filter(pk=third.pk).update(unit=district.health)
    found = hits("duplicate_id")
    assert {h.subject_id for h in found} == {first.pk, second.pk}
    assert all("本体码相同" in h.message for h in found)
    assert hits("duplicate_id", root=district.health) == []
    Person.objects.filter(pk=second.pk).update(unit=district.health)
    assert {h.subject_id for h in hits("duplicate_id", root=district.health)} == {second.pk}


def test_clean_register_finds_nothing_but_missing_charters(district: Any) -> None:
    line = institution_line(district.school, 3)
    for person in people(3, district.school):
        enrol(person, district.school, line)
    for rule in RULES:
        found = list(rule.find(Scope(as_of=timezone.localdate())))
        if rule.code == "no_charter":
            assert len(found) == 4
        else:
            assert found == [], rule.code
