from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from bianban.core.exceptions import Conflict, ValidationFailed
from bianban.core.models import AuditEvent
from bianban.registration.choices import CopyState, RegistrationStatus
from bianban.registration.filings import services
from bianban.registration.models import Certificate, Filing, FilingEvent, Registration
from bianban.registration.tests.filings_fixtures import (
    S,
    days_ago,
    establish_proposed,
    step,
    tick_all,
    walk_to_approved,
)
from bianban.units.choices import UnitEventKind
from bianban.units.models import UnitEvent

HOSPITAL_USCC = "12110105400123457P"


def _change(staff: Any, registration: Any, **kwargs: Any) -> Filing:
    values = {"changes": {"legal_representative": "王校长"}, "occurred_on": days_ago(40), "applied_on": days_ago(30)}
    values.update(kwargs)
    return services.filing_create_change(actor=staff, registration=registration, **values)


def test_an_establishment_goes_from_application_to_publication_and_creates_the_registration(
        staff: Any, district: Any) -> None:
    filing = services.filing_create_establish(actor=staff, unit=district.hospital,
                                              proposed=establish_proposed(district), occurred_on=days_ago(40),
                                              applied_on=days_ago(30), document_no="区编〔2024〕1号")
    assert filing.status == S.APPLIED and filing.proposed["capital"] == "500.00"
    walk_to_approved(staff, filing, uscc=HOSPITAL_USCC)
    filing.refresh_from_db()
    reg = Registration.objects.get(unit=district.hospital)
    assert filing.registration == reg and reg.registered_on == days_ago(18) and reg.name == "示例区人民医院"
    step(staff, filing, S.CERTIFIED, days_ago(10), certificate_number="事证第9号")
    cert = Certificate.objects.get(registration=reg)
    assert cert.is_current and cert.filing_id == filing.pk and cert.issued_on == days_ago(10)
    step(staff, filing, S.PUBLISHED, days_ago(5))
    filing.refresh_from_db()
    assert filing.status == S.PUBLISHED and filing.published_on == days_ago(5)
    assert [e.to_status for e in FilingEvent.objects.filter(filing=filing)] == [
        S.APPLIED, S.ACCEPTED, S.REVIEWING, S.APPROVED, S.CERTIFIED, S.PUBLISHED]
    assert AuditEvent.objects.filter(action__startswith="filing.").count() == 7  # create, materials, 5 steps
    assert services.next_steps(filing) == []


def test_approving_an_establishment_needs_the_uscc_and_writes_nothing_without_it(staff: Any, district: Any) -> None:
    filing = services.filing_create_establish(actor=staff, unit=district.hospital,
                                              proposed=establish_proposed(district), occurred_on=days_ago(40),
                                              applied_on=days_ago(30))
    with pytest.raises(ValidationFailed) as exc:
        walk_to_approved(staff, filing)
    assert "统一社会信用代码" in exc.value.details["uscc"][0]
    filing.refresh_from_db()
    assert filing.status == S.REVIEWING and not Registration.objects.exists()


def test_a_change_is_applied_to_the_registration_and_the_units_history_and_replaces_the_certificate(
        staff: Any, registration: Any, district: Any) -> None:
    filing = _change(staff, registration, changes={"name": "示例区第一高级中学", "legal_representative": "王校长",
                                                   "capital": "2000"}, document_no="区编〔2024〕9号")
    assert filing.changes == {"name": ["示例区第一中学", "示例区第一高级中学"],
                              "legal_representative": ["张校长", "王校长"], "capital": ["1200.50", "2000.00"]}
    walk_to_approved(staff, filing)
    registration.refresh_from_db()
    assert registration.name == "示例区第一高级中学" and registration.legal_representative == "王校长"
    assert registration.capital == Decimal("2000.00")
    district.school.refresh_from_db()
    assert district.school.name == "示例区第一高级中学"
    events = UnitEvent.objects.filter(unit=district.school, occurred_on=days_ago(18))
    assert {e.kind for e in events} == {UnitEventKind.RENAME, UnitEventKind.CHANGE}
    change = events.get(kind=UnitEventKind.CHANGE)
    assert "法定代表人由“张校长”变更为“王校长”" in change.summary and change.document_no == "区编〔2024〕9号"
    old = registration.certificates.get(is_current=True)
    step(staff, filing, S.CERTIFIED, days_ago(10), certificate_number="事证第200号")
    old.refresh_from_db()
    assert not old.is_current and old.original_state == CopyState.COLLECTED and old.collected_on == days_ago(10)
    assert registration.certificates.get(is_current=True).number == "事证第200号"


def test_a_cancellation_goes_through_liquidation_and_cancels_the_registration(
        staff: Any, registration: Any) -> None:
    filing = services.filing_create_cancel(actor=staff, registration=registration, cancel_reason="dissolved",
                                           liquidation_started_on=days_ago(60))
    assert filing.status == S.LIQUIDATING and services.next_steps(filing) == [S.LIQUIDATING, S.APPLIED]
    step(staff, filing, S.LIQUIDATING, days_ago(35))
    filing.refresh_from_db()
    assert filing.occurred_on == days_ago(35) and services.next_steps(filing) == [S.APPLIED]
    step(staff, filing, S.APPLIED, days_ago(30))
    walk_to_approved(staff, filing)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED and registration.cancelled_on == days_ago(18)
    step(staff, filing, S.CERTIFIED, days_ago(10))
    assert not registration.certificates.filter(original_state=CopyState.HELD).exists()
    step(staff, filing, S.PUBLISHED, days_ago(9))


def test_applying_from_liquidation_needs_the_end_of_liquidation(staff: Any, registration: Any) -> None:
    filing = services.filing_create_cancel(actor=staff, registration=registration, cancel_reason="merged",
                                           liquidation_started_on=days_ago(60))
    with pytest.raises(ValidationFailed) as exc:
        step(staff, filing, S.APPLIED, days_ago(30))
    assert exc.value.details["liquidation_ended_on"] == ["请填写清算结束日期"]
    step(staff, filing, S.APPLIED, days_ago(30), liquidation_ended_on=days_ago(31))
    filing.refresh_from_db()
    assert filing.occurred_on == days_ago(31) and filing.applied_on == days_ago(30)


def test_a_change_for_a_cancelled_registration_is_refused(staff: Any, registration: Any) -> None:
    Registration.objects.filter(pk=registration.pk).update(status=RegistrationStatus.CANCELLED,
                                                            cancelled_on=days_ago(3))
    registration.refresh_from_db()
    with pytest.raises(ValidationFailed) as exc:
        _change(staff, registration)
    assert "已于" in exc.value.message and "注销，不能办理变更登记" in exc.value.message
    assert not Filing.objects.exists()


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({}, "changes", "请至少填写一项变更事项"),
    ({"legal_representative": "张校长"}, "legal_representative", "变更后的法定代表人与现登记相同，无需变更"),
    ({"capital": "1400"}, "capital", "开办资金变动未超过20%，无需办理变更登记"),
    ({"capital": "-5"}, "capital", "开办资金不能为负数"),
    ({"colour": "red"}, "changes", "“colour”不是可办理变更登记的登记事项"),
    ({"sponsor": 999999}, "sponsor", "请选择举办单位"),
])
def test_bad_changes_are_refused_in_chinese_with_nothing_written(staff: Any, registration: Any, changes: Any,
                                                                 field: str, message: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        _change(staff, registration, changes=changes)
    assert exc.value.details[field] == [message]
    assert not Filing.objects.exists() and not AuditEvent.objects.filter(action="filing.create").exists()


def test_a_capital_change_over_twenty_percent_is_accepted(staff: Any, registration: Any) -> None:
    assert _change(staff, registration, changes={"capital": "1500"}).changes["capital"] == ["1200.50", "1500.00"]


def test_a_move_is_filed_before_it_happens(staff: Any, registration: Any) -> None:
    moving = days_ago(-20)
    with pytest.raises(ValidationFailed) as exc:
        _change(staff, registration, changes={"address": "新址路2号"}, occurred_on=days_ago(10),
                applied_on=days_ago(5))
    assert exc.value.details["applied_on"] == ["住所变更应在迁移前申请：申请日期不能晚于迁移日期"]
    filing = _change(staff, registration, changes={"address": "新址路2号"}, occurred_on=moving, applied_on=None)
    assert services.status_label(filing) == "待申请"
    step(staff, filing, S.APPLIED, days_ago(0))
    filing.refresh_from_db()
    assert filing.applied_on == days_ago(0)


def test_a_second_filing_while_one_is_in_progress_is_refused(staff: Any, registration: Any) -> None:
    _change(staff, registration)
    with pytest.raises(ValidationFailed) as exc:
        services.filing_create_cancel(actor=staff, registration=registration, cancel_reason="dissolved",
                                      liquidation_started_on=days_ago(3))
    assert "已有办理中的变更登记" in exc.value.message


def test_acceptance_needs_every_material(staff: Any, registration: Any) -> None:
    filing = _change(staff, registration, changes={"legal_representative": "王校长", "address": "新址"},
                     occurred_on=days_ago(-5))
    services.filing_materials_set(actor=staff, filing=filing, materials=["change_application"])
    with pytest.raises(ValidationFailed) as exc:
        step(staff, filing, S.ACCEPTED, days_ago(1))
    assert exc.value.details["materials"] == ["材料不齐，不能受理，尚缺：法定代表人任免文件及身份证、新住所证明"]
    assert Filing.objects.get(pk=filing.pk).status == S.APPLIED
    tick_all(staff, filing)
    step(staff, filing, S.ACCEPTED, days_ago(1))
    with pytest.raises(ValidationFailed, match="材料清单不能再修改"):
        services.filing_materials_set(actor=staff, filing=filing, materials=[])


def test_unknown_materials_are_refused(staff: Any, registration: Any) -> None:
    filing = _change(staff, registration)
    with pytest.raises(ValidationFailed) as exc:
        services.filing_materials_set(actor=staff, filing=filing, materials=["seal"])
    assert exc.value.details["materials"] == ["不是本申请的材料：seal"]


def test_bad_transitions_are_refused_in_chinese_with_nothing_written(staff: Any, registration: Any) -> None:
    filing = _change(staff, registration)
    tick_all(staff, filing)
    before = (FilingEvent.objects.count(), AuditEvent.objects.count())
    cases = [
        (S.APPROVED, days_ago(1), {}, "to_status", "“已申请”的申请不能办理“已核准”"),
        (S.ACCEPTED, days_ago(-1), {}, "on", "日期不能晚于今天"),
        (S.ACCEPTED, days_ago(31), {}, "on", f"日期不能早于上一步骤的日期（{days_ago(30):%Y-%m-%d}）"),
        (S.NOT_ACCEPTED, days_ago(1), {}, "note", "请填写不予受理的理由"),
        (S.ACCEPTED, None, {}, "on", "请填写日期"),
    ]
    for to_status, on, kwargs, field, message in cases:
        with pytest.raises(ValidationFailed) as exc:
            step(staff, filing, to_status, on, **kwargs)
        assert exc.value.details[field] == [message], to_status
    assert (FilingEvent.objects.count(), AuditEvent.objects.count()) == before
    assert Filing.objects.get(pk=filing.pk).status == S.APPLIED


def test_a_refusal_closes_the_filing_with_its_reason(staff: Any, registration: Any) -> None:
    filing = _change(staff, registration)
    step(staff, filing, S.NOT_ACCEPTED, days_ago(2), note="不属于本机关登记管辖")
    filing.refresh_from_db()
    assert filing.status == S.NOT_ACCEPTED and filing.decided_on == days_ago(2)
    assert filing.events.last().note == "不属于本机关登记管辖" and services.next_steps(filing) == []
    registration.refresh_from_db()
    assert registration.legal_representative == "张校长"


def test_a_step_on_a_stale_filing_is_a_conflict(staff: Any, registration: Any) -> None:
    filing = _change(staff, registration)
    tick_all(staff, filing)
    stale = Filing.objects.get(pk=filing.pk)
    step(staff, filing, S.ACCEPTED, days_ago(1))
    with pytest.raises(Conflict, match="已被他人修改，请刷新后重试"):
        services.filing_transition(actor=staff, filing=stale, to_status=S.NOT_ACCEPTED, on=days_ago(1), note="x")
    with pytest.raises(Conflict):
        services.filing_transition(actor=staff, filing=Filing.objects.get(pk=filing.pk), to_status=S.REVIEWING,
                                   on=days_ago(0), expected_status=S.APPLIED)


def test_the_liaison_cannot_record_filings(liaison: Any, registration: Any) -> None:
    from bianban.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        _change(liaison, registration)


def test_an_establishment_of_a_registered_unit_or_an_organ_is_refused(staff: Any, registration: Any,
                                                                      district: Any) -> None:
    for unit, message in ((district.school, "已有登记"), (district.edu, "只有事业单位办理设立登记")):
        with pytest.raises(ValidationFailed) as exc:
            services.filing_create_establish(actor=staff, unit=unit, proposed=establish_proposed(district),
                                             occurred_on=days_ago(3))
        assert message in exc.value.details["unit"][0]
    with pytest.raises(ValidationFailed) as exc:
        services.filing_create_establish(actor=staff, unit=district.hospital,
                                         proposed=establish_proposed(district, capital="-1", uscc="11330100000123457T"),
                                         occurred_on=days_ago(3))
    assert exc.value.details["capital"] == ["开办资金不能为负数"] and "12" in exc.value.details["uscc"][0]
    assert not Filing.objects.exists()


def test_a_filing_created_for_today_is_not_in_the_future(staff: Any, registration: Any) -> None:
    filing = _change(staff, registration, occurred_on=days_ago(0), applied_on=days_ago(0))
    assert filing.applied_on == days_ago(0) and timedelta(0) == filing.applied_on - filing.occurred_on
