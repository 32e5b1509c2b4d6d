"""The register's rules, one transaction at a time: quotas move only by document, nobody enters a full line in
block mode, approvals reserve, and every change leaves a UnitEvent and an AuditEvent."""

from datetime import date, timedelta

import pytest

from bianban.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from bianban.core.models import AuditEvent
from bianban.staffing import services
from bianban.staffing.choices import ApprovalStatus, Enforcement, PostGrade, ReleaseReason
from bianban.staffing.history import recomputed_now
from bianban.staffing.models import Placement, QuotaLine, QuotaMovement
from bianban.staffing.rules import PostsExceeded, QuotaExceeded
from bianban.staffing.tests.helpers import ON, SET_ON, admin_line, institution_line, people
from bianban.units.choices import Funding, QuotaKind, UnitEventKind
from bianban.units.models import UnitEvent

pytestmark = pytest.mark.django_db


def enrol(person, unit, line, **kwargs):
    return services.placement_enrol(actor=kwargs.pop("actor", None), person=person, unit=unit, kind=line.kind,
                                    funding=line.funding, on=kwargs.pop("on", ON),
                                    document_no=kwargs.pop("document_no", "示编入〔2025〕1号"), **kwargs)


def assert_consistent(line):
    line.refresh_from_db()
    state = recomputed_now(line)
    assert (line.approved, line.occupied, line.reserved) == (state.approved, state.occupied, state.reserved)


class TestMovements:
    def test_set_increase_decrease_and_withdraw_move_the_approved_number(self, district):
        line = institution_line(district.school, 10)
        for type_, amount, expected in (("INCREASE", 3, 13), ("DECREASE", 2, 11), ("WITHDRAW", 1, 10),
                                        ("SET", 7, 7)):
            services.quota_movement_create(actor=None, unit=district.school, kind=line.kind, funding=line.funding,
                                           type=type_, amount=amount, document_no="示编〔2025〕3号", effective_on=ON)
            line.refresh_from_db()
            assert line.approved == expected
        assert list(line.movements.values_list("delta", flat=True)) == [10, 3, -2, -1, -3]
        assert UnitEvent.objects.filter(unit=district.school, kind=UnitEventKind.QUOTA).count() == 5
        assert_consistent(line)

    def test_a_transfer_moves_slots_between_two_units_and_links_both_rows(self, district):
        source = institution_line(district.school, 10)
        out = services.quota_movement_create(
            actor=None, unit=district.school, kind=QuotaKind.INSTITUTION, funding=Funding.FULL, type="TRANSFER",
            amount=4, document_no="示编〔2025〕5号", effective_on=ON, to_unit=district.hospital)
        target = QuotaLine.objects.get(unit=district.hospital, kind=QuotaKind.INSTITUTION, funding=Funding.FULL)
        source.refresh_from_db()
        assert (source.approved, target.approved) == (6, 4)
        assert out.counterpart.line_id == target.pk
        assert QuotaMovement.objects.get(pk=out.counterpart_id).counterpart_id == out.pk

    def test_a_transfer_to_the_same_line_is_refused(self, district):
        institution_line(district.school, 10)
        with pytest.raises(ValidationFailed) as exc:
            services.quota_movement_create(actor=None, unit=district.school, kind=QuotaKind.INSTITUTION,
                                           funding=Funding.FULL, type="TRANSFER", amount=1, document_no="x",
                                           effective_on=ON, to_unit=district.school)
        assert "相同" in exc.value.message

    @pytest.mark.parametrize("amount", [-1, 0, 1.5, "3", True])
    def test_non_positive_or_non_integer_amounts_are_refused(self, district, amount):
        institution_line(district.school, 10)
        before = QuotaMovement.objects.count()
        with pytest.raises(ValidationFailed) as exc:
            services.quota_movement_create(actor=None, unit=district.school, kind=QuotaKind.INSTITUTION,
                                           funding=Funding.FULL, type="INCREASE", amount=amount,
                                           document_no="x", effective_on=ON)
        assert "amount" in exc.value.details
        assert QuotaMovement.objects.count() == before

    def test_a_document_number_is_required(self, district):
        with pytest.raises(ValidationFailed) as exc:
            services.quota_movement_create(actor=None, unit=district.school, kind=QuotaKind.INSTITUTION,
                                           funding=Funding.FULL, type="SET", amount=3, document_no="  ",
                                           effective_on=ON)
        assert "document_no" in exc.value.details

    def test_an_organ_holds_no_institution_quota_unless_a_document_allows_it(self, district):
        with pytest.raises(ValidationFailed) as exc:
            services.quota_movement_create(actor=None, unit=district.edu, kind=QuotaKind.INSTITUTION,
                                           funding=Funding.FULL, type="SET", amount=3, document_no="x",
                                           effective_on=ON)
        assert "混编混岗" in exc.value.message
        services.quota_movement_create(actor=None, unit=district.edu, kind=QuotaKind.INSTITUTION,
                                       funding=Funding.FULL, type="SET", amount=3, document_no="x",
                                       effective_on=ON, exception_document_no="示编〔2020〕9号")
        assert QuotaLine.objects.get(unit=district.edu, kind=QuotaKind.INSTITUTION).exception_document_no

    def test_administrative_quota_carries_no_funding_form(self, district):
        with pytest.raises(ValidationFailed) as exc:
            services.quota_movement_create(actor=None, unit=district.edu, kind=QuotaKind.ADMINISTRATIVE,
                                           funding=Funding.FULL, type="SET", amount=3, document_no="x",
                                           effective_on=ON)
        assert "funding" in exc.value.details

    def test_a_decrease_below_the_people_in_post_is_refused_in_block_mode_and_explained(self, district):
        line = institution_line(district.school, 3)
        for person in people(3):
            enrol(person, district.school, line)
        with pytest.raises(QuotaExceeded) as exc:
            services.quota_movement_create(actor=None, unit=district.school, kind=line.kind, funding=line.funding,
                                           type="DECREASE", amount=1, document_no="x", effective_on=ON)
        assert "实有 3 名" in exc.value.message
        line.refresh_from_db()
        assert line.approved == 3

    def test_movements_cannot_be_dated_in_the_future_or_before_the_last_one(self, district):
        institution_line(district.school, 3)
        for day in (date.today() + timedelta(days=1), SET_ON - timedelta(days=1)):
            with pytest.raises(ValidationFailed) as exc:
                services.quota_movement_create(actor=None, unit=district.school, kind=QuotaKind.INSTITUTION,
                                               funding=Funding.FULL, type="INCREASE", amount=1, document_no="x",
                                               effective_on=day)
            assert "effective_on" in exc.value.details


class TestEnrolment:
    def test_it_enrols_into_a_vacancy_and_counts_it(self, district):
        line = institution_line(district.school, 2)
        (person,) = people(1)
        placement = enrol(person, district.school, line)
        line.refresh_from_db()
        person.refresh_from_db()
        assert line.occupied == 1
        assert person.unit == district.school
        assert AuditEvent.objects.filter(action="placement.enrol", target_id=str(placement.pk)).exists()
        assert UnitEvent.objects.filter(unit=district.school, kind=UnitEventKind.ENROL).exists()

    def test_it_refuses_enrolment_over_quota_in_block_mode_naming_the_numbers(self, district):
        line = institution_line(district.school, 1)
        first, second = people(2)
        enrol(first, district.school, line)
        audits = AuditEvent.objects.count()
        with pytest.raises(QuotaExceeded) as exc:
            enrol(second, district.school, line)
        assert exc.value.status == 409 and exc.value.code == "over_quota"
        assert "核定 1 名" in exc.value.message and "实有 1 名" in exc.value.message
        assert not Placement.objects.filter(person=second).exists()
        assert AuditEvent.objects.count() == audits

    def test_warn_mode_allows_over_quota_only_with_a_reason(self, district):
        line = institution_line(district.school, 1)
        services.quota_line_configure(actor=None, line=line, enforcement=Enforcement.WARN, reason="临时过渡")
        first, second = people(2)
        enrol(first, district.school, line)
        with pytest.raises(ValidationFailed) as exc:
            enrol(second, district.school, line)
        assert "over_quota_reason" in exc.value.details
        enrol(second, district.school, line, over_quota_reason="经编委会研究同意，两年内消化")
        line.refresh_from_db()
        assert line.over == 1
        with pytest.raises(ValidationFailed):
            services.quota_line_configure(actor=None, line=line, enforcement=Enforcement.BLOCK)

    def test_a_person_holds_one_on_quota_placement_at_a_time(self, district):
        line = institution_line(district.school, 5)
        other = institution_line(district.hospital, 5)
        (person,) = people(1)
        enrol(person, district.school, line)
        with pytest.raises(ValidationFailed) as exc:
            enrol(person, district.hospital, other)
        assert "两个编制" in exc.value.message or "已占用编制" in exc.value.message

    def test_off_quota_staff_never_count(self, district):
        line = institution_line(district.school, 1)
        first, contractor = people(2)
        enrol(first, district.school, line)
        services.placement_enrol(actor=None, person=contractor, unit=district.school, kind=None, funding=None,
                                 on=ON, document_no="聘用合同2025-1", on_quota=False)
        line.refresh_from_db()
        assert line.occupied == 1
        assert Placement.objects.filter(unit=district.school, on_quota=False, ended_on__isnull=True).count() == 1

    def test_a_line_that_requires_approval_refuses_enrolment_without_one(self, district):
        line = institution_line(district.school, 3)
        services.quota_line_configure(actor=None, line=line, requires_approval=True)
        (person,) = people(1)
        with pytest.raises(ValidationFailed) as exc:
            enrol(person, district.school, line)
        assert "approval" in exc.value.details

    def test_liaisons_and_reviewers_cannot_enrol(self, district, liaison, reviewer):
        line = institution_line(district.school, 3)
        (person,) = people(1)
        with pytest.raises(PermissionDenied):
            enrol(person, district.school, line, actor=liaison)
        hospital_line = institution_line(district.hospital, 3)
        with pytest.raises(NotFound):
            enrol(person, district.hospital, hospital_line, actor=liaison)
        with pytest.raises(PermissionDenied):
            enrol(person, district.school, line, actor=reviewer)


class TestApprovals:
    def test_an_approval_reserves_slots_and_enrolment_against_it_consumes_them(self, district):
        line = institution_line(district.school, 3)
        approval = services.approval_create(actor=None, unit=district.school, kind=line.kind, funding=line.funding,
                                            count=2, document_no="示编核〔2025〕1号", valid_until=date(2027, 6, 30),
                                            issued_on=date(2025, 1, 5))
        line.refresh_from_db()
        assert (line.reserved, line.vacant) == (2, 1)
        a, b, c, d = people(4)
        enrol(a, district.school, line)  # the one free slot
        with pytest.raises(QuotaExceeded):
            enrol(b, district.school, line)  # the other two are reserved
        enrol(b, district.school, line, approval=approval)
        enrol(c, district.school, line, approval=approval)
        approval.refresh_from_db()
        line.refresh_from_db()
        assert approval.status == ApprovalStatus.USED
        assert (line.occupied, line.reserved) == (3, 0)
        with pytest.raises(ValidationFailed):
            enrol(d, district.school, line, approval=approval)
        assert_consistent(line)

    def test_an_approval_beyond_the_vacancies_is_refused(self, district):
        line = institution_line(district.school, 1)
        with pytest.raises(QuotaExceeded):
            services.approval_create(actor=None, unit=district.school, kind=line.kind, funding=line.funding,
                                     count=2, document_no="x", valid_until=date(2027, 1, 1))

    def test_withdrawal_and_expiry_release_the_reservation(self, district):
        line = institution_line(district.school, 5)
        kept = services.approval_create(actor=None, unit=district.school, kind=line.kind, funding=line.funding,
                                        count=2, document_no="a", valid_until=date(2025, 6, 30),
                                        issued_on=date(2025, 1, 5))
        withdrawn = services.approval_create(actor=None, unit=district.school, kind=line.kind,
                                             funding=line.funding, count=1, document_no="b",
                                             valid_until=date(2027, 6, 30), issued_on=date(2025, 1, 5))
        services.approval_withdraw(actor=None, approval=withdrawn, reason="单位撤回招聘计划", on=date(2025, 2, 1))
        assert services.approvals_expire_due(on=date(2025, 7, 1)) == 1
        kept.refresh_from_db()
        line.refresh_from_db()
        assert kept.status == ApprovalStatus.EXPIRED
        assert line.reserved == 0
        assert_consistent(line)


class TestReleaseAndTransfer:
    def test_release_frees_the_slot_and_cannot_be_repeated(self, district):
        line = institution_line(district.school, 1)
        (person,) = people(1)
        placement = enrol(person, district.school, line)
        services.placement_release(actor=None, placement=placement, reason=ReleaseReason.RETIREMENT,
                                   on=date(2025, 12, 31), document_no="示人社〔2025〕9号")
        line.refresh_from_db()
        assert line.occupied == 0
        with pytest.raises(ValidationFailed) as exc:
            services.placement_release(actor=None, placement=placement, reason=ReleaseReason.RETIREMENT,
                                       on=date(2025, 12, 31), document_no="x")
        assert "重复" in exc.value.message

    def test_a_release_before_the_enrolment_is_refused(self, district):
        line = institution_line(district.school, 1)
        placement = enrol(people(1)[0], district.school, line)
        with pytest.raises(ValidationFailed) as exc:
            services.placement_release(actor=None, placement=placement, reason=ReleaseReason.RESIGNATION,
                                       on=ON - timedelta(days=1), document_no="x")
        assert "on" in exc.value.details

    def test_a_transfer_moves_the_person_in_one_transaction(self, district):
        school = institution_line(district.school, 2)
        hospital = institution_line(district.hospital, 2)
        (person,) = people(1)
        old = enrol(person, district.school, school)
        new = services.placement_transfer(actor=None, placement=old, to_unit=district.hospital, kind=hospital.kind,
                                          funding=hospital.funding, on=date(2025, 9, 1),
                                          document_no="示编调〔2025〕2号")
        old.refresh_from_db()
        school.refresh_from_db()
        hospital.refresh_from_db()
        assert (school.occupied, hospital.occupied) == (0, 1)
        assert old.end_reason == ReleaseReason.TRANSFER_OUT and new.transferred_from == old
        assert UnitEvent.objects.filter(unit=district.hospital, kind=UnitEventKind.TRANSFER_IN).exists()

    def test_a_transfer_into_a_full_line_changes_nothing(self, district):
        school = institution_line(district.school, 2)
        hospital = institution_line(district.hospital, 1)
        a, b = people(2)
        enrol(a, district.hospital, hospital)
        placement = enrol(b, district.school, school)
        with pytest.raises(QuotaExceeded):
            services.placement_transfer(actor=None, placement=placement, to_unit=district.hospital,
                                        kind=hospital.kind, funding=hospital.funding, on=ON, document_no="x")
        placement.refresh_from_db()
        school.refresh_from_db()
        assert placement.ended_on is None and school.occupied == 1


class TestPosts:
    def test_filled_posts_never_exceed_approved_in_block_mode(self, district):
        line = admin_line(district.edu, 5)
        deputy = services.post_quota_set(actor=None, unit=district.edu, grade=PostGrade.DEPUTY, approved=1,
                                         document_no="示编〔2024〕3号", effective_on=SET_ON)
        a, b = people(2)
        enrol(a, district.edu, line, post=deputy)
        with pytest.raises(PostsExceeded):
            enrol(b, district.edu, line, post=deputy)
        deputy.refresh_from_db()
        assert deputy.filled == 1
        with pytest.raises(PostsExceeded):
            services.post_quota_set(actor=None, unit=district.edu, grade=PostGrade.DEPUTY, approved=0,
                                    document_no="x", effective_on=ON)

    def test_a_change_of_post_moves_the_filled_count(self, district):
        line = admin_line(district.edu, 5)
        principal = services.post_quota_set(actor=None, unit=district.edu, grade=PostGrade.PRINCIPAL, approved=1,
                                            document_no="x", effective_on=SET_ON)
        deputy = services.post_quota_set(actor=None, unit=district.edu, grade=PostGrade.DEPUTY, approved=2,
                                         document_no="x", effective_on=SET_ON)
        placement = enrol(people(1)[0], district.edu, line, post=deputy)
        services.placement_change_post(actor=None, placement=placement, post=principal, on=date(2025, 10, 1),
                                       document_no="示组任〔2025〕3号", title="局长")
        principal.refresh_from_db()
        deputy.refresh_from_db()
        assert (principal.filled, deputy.filled) == (1, 0)


class TestHistory:
    def test_nothing_is_dated_before_the_line_was_first_approved(self, district):
        line = institution_line(district.school, 2)
        with pytest.raises(ValidationFailed) as exc:
            enrol(people(1)[0], district.school, line, on=SET_ON - timedelta(days=1))
        assert "核定日期" in exc.value.message
        with pytest.raises(ValidationFailed):
            services.approval_create(actor=None, unit=district.school, kind=line.kind, funding=line.funding, count=1,
                                     document_no="x", issued_on=SET_ON - timedelta(days=1),
                                     valid_until=date(2027, 1, 1))

    def test_an_approval_cannot_be_withdrawn_before_it_was_issued_or_last_used(self, district):
        line = institution_line(district.school, 3)
        approval = services.approval_create(actor=None, unit=district.school, kind=line.kind, funding=line.funding,
                                            count=2, document_no="x", issued_on=date(2025, 1, 5),
                                            valid_until=date(2027, 1, 1))
        enrol(people(1)[0], district.school, line, approval=approval, on=date(2025, 4, 1))
        with pytest.raises(ValidationFailed) as exc:
            services.approval_withdraw(actor=None, approval=approval, reason="撤回", on=date(2025, 3, 1))
        assert "2025-04-01" in exc.value.message

    def test_the_state_at_a_past_date_is_rebuilt_from_the_journal(self, district):
        from bianban.staffing.history import lines_as_of, roster_as_of

        line = institution_line(district.school, 2)  # 2024-01-02
        a, b = people(2)
        first = enrol(a, district.school, line, on=date(2024, 3, 1))
        services.quota_movement_create(actor=None, unit=district.school, kind=line.kind, funding=line.funding,
                                       type="INCREASE", amount=3, document_no="x", effective_on=date(2024, 6, 1))
        enrol(b, district.school, line, on=date(2024, 7, 1))
        services.placement_release(actor=None, placement=first, reason=ReleaseReason.RETIREMENT,
                                   on=date(2025, 1, 1), document_no="x")
        expected = {
            date(2024, 2, 1): (2, 0), date(2024, 3, 1): (2, 1), date(2024, 6, 30): (5, 1),
            date(2024, 7, 1): (5, 2), date(2024, 12, 31): (5, 2), date(2025, 1, 1): (5, 1),
        }
        for day, (approved, occupied) in expected.items():
            state = lines_as_of([line], day)[line.pk]
            assert (state.approved, state.occupied) == (approved, occupied), day
        assert [p.person for p in roster_as_of(district.school.pk, date(2024, 12, 31))] == sorted(
            [a, b], key=lambda p: p.name)
        assert [p.person for p in roster_as_of(district.school.pk, date(2025, 1, 1))] == [b]
