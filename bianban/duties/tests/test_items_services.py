# ruff: noqa: F811  (pytest fixtures imported from items_fixtures are redefined as arguments)
"""责任清单 writes: tasks and subtasks, bad input refused in Chinese with nothing written, completion with evidence."""

from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bianban.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from bianban.core.models import AuditEvent
from bianban.duties.choices import DutyMeasure
from bianban.duties.items import services
from bianban.duties.models import DutyEvidence, DutyItem
from bianban.duties.tests.items_fixtures import (  # noqa: F401
    LAST_YEAR,
    divisions,
    health,
    make_item,
    media,
    pdf,
    seminars,
)
from bianban.party.choices import ActivityKind

pytestmark = pytest.mark.django_db


def _refused(call: Any, field: str, text: str) -> None:
    items, events, files = DutyItem.objects.count(), AuditEvent.objects.count(), DutyEvidence.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        call()
    assert field in caught.value.details, caught.value.details
    assert text in " ".join(caught.value.details[field])
    assert (DutyItem.objects.count(), AuditEvent.objects.count(), DutyEvidence.objects.count()) == (
        items, events, files)


def test_it_creates_a_task_with_months_as_bits_and_due_at_the_end_of_the_last_month(make_item: Any) -> None:
    item = make_item(months=[3, 6, 9])
    assert item.months == (1 << 3) | (1 << 6) | (1 << 9)
    assert item.month_list == [3, 6, 9]
    assert item.due_on == date(LAST_YEAR, 9, 30)
    assert AuditEvent.objects.filter(action="duty_item.create", target_id=str(item.pk)).count() == 1


def test_a_counted_task_needs_a_positive_whole_target(make_item: Any) -> None:
    for bad in (None, 0, -3, "abc", "1.5", ""):
        _refused(lambda bad=bad: make_item(measure=DutyMeasure.VISITS, target_count=bad), "target_count",
                 "量化目标应为正整数")
    assert make_item(measure=DutyMeasure.VISITS, target_count="10").target_count == 10


def test_a_hand_ticked_task_has_no_target(make_item: Any) -> None:
    _refused(lambda: make_item(measure=DutyMeasure.MANUAL, target_count=3), "target_count", "不设量化目标")


@pytest.mark.parametrize(("months", "text"), [([13], "应为1至12月"), ([0], "应为1至12月"), ([], "至少选择一个"),
                                              (["x"], "应为1至12月")])
def test_it_refuses_months_outside_1_to_12_or_none(make_item: Any, months: list, text: str) -> None:
    _refused(lambda: make_item(months=months), "months", text)


def test_an_activity_task_names_its_activity_kind(make_item: Any) -> None:
    _refused(lambda: make_item(measure=DutyMeasure.ACTIVITIES, target_count=4), "activity_kind", "须选择活动类型")


def test_a_task_has_exactly_one_owner(make_item: Any, branch: SimpleNamespace, divisions: SimpleNamespace) -> None:
    _refused(lambda: make_item(owner_member=None), "owner_member", "请选择责任人或责任科室")
    _refused(lambda: make_item(owner_division=divisions.office, owner_member=branch.full[1]), "owner_member",
             "只能选择其一")


def test_the_owner_belongs_to_the_branch(make_item: Any, health: SimpleNamespace, district: SimpleNamespace) -> None:
    from bianban.units.services import division_create
    _refused(lambda: make_item(owner_member=health.members[0]), "owner_member", "不是本党支部的在册党员")
    ward = division_create(actor=None, unit=district.health, name="医政科")
    _refused(lambda: make_item(owner_division=ward), "owner_division", "不是示例区教育局现有的内设机构")


def test_the_due_date_lies_within_the_year(make_item: Any) -> None:
    _refused(lambda: make_item(due_on=date(LAST_YEAR + 1, 1, 10)), "due_on", f"应在{LAST_YEAR}年内")


def test_a_subtask_falls_within_its_parents_months(make_item: Any, branch: SimpleNamespace) -> None:
    parent = make_item(months=[3, 4])
    _refused(lambda: make_item("分解任务", parent=parent, months=[4, 5], owner_member=branch.full[2]), "months",
             "应在上级任务的部署月份（3月、4月）之内")
    child = make_item("分解任务", parent=parent, months=[4], owner_member=branch.full[2])
    assert child.parent == parent


def test_a_subtask_is_of_the_same_year_and_one_level_deep(make_item: Any, branch: SimpleNamespace) -> None:
    parent = make_item(months=[3])
    _refused(lambda: make_item("跨年度", parent=parent, year=LAST_YEAR - 1), "parent", "同一年度")
    child = make_item("分解", parent=parent, owner_member=branch.full[3])
    _refused(lambda: make_item("再分解", parent=child, owner_member=branch.full[4]), "parent", "不能再分解")


def test_a_divisions_task_is_split_among_persons(make_item: Any, branch: SimpleNamespace,
                                                divisions: SimpleNamespace) -> None:
    parent = make_item(owner_division=divisions.office, months=[5])
    _refused(lambda: make_item("交给人事科", parent=parent, owner_division=divisions.personnel, months=[5]),
             "owner_division", "应分解到人")
    assert make_item("落实到人", parent=parent, owner_member=branch.full[5], months=[5]).owner_member_id


def test_narrowing_a_parents_months_may_not_leave_a_subtask_outside(make_item: Any, branch: SimpleNamespace) -> None:
    parent = make_item(months=[3, 4])
    make_item("分解任务", parent=parent, months=[4], owner_member=branch.full[2])
    _refused(lambda: services.item_update(actor=None, item=parent, months=[3]), "months", "子任务“分解任务”部署在4月")


def test_update_records_what_changed(make_item: Any, branch: SimpleNamespace) -> None:
    item = make_item()
    services.item_update(actor=None, item=item, title="修订年度计划", owner_member=branch.full[1])
    item.refresh_from_db()
    assert (item.title, item.owner_member_id) == ("修订年度计划", branch.full[1].pk)
    event = AuditEvent.objects.get(action="duty_item.update")
    assert event.changes["title"] == ["制定年度党建工作计划", "修订年度计划"]


def test_switching_to_a_counted_measure_asks_for_a_target(make_item: Any) -> None:
    item = make_item()
    _refused(lambda: services.item_update(actor=None, item=item, measure=DutyMeasure.ACTIVITIES,
                                          activity_kind=ActivityKind.SEMINAR), "target_count", "量化目标应为正整数")
    services.item_update(actor=None, item=item, measure=DutyMeasure.ACTIVITIES, activity_kind=ActivityKind.SEMINAR,
                         target_count=4)
    item.refresh_from_db()
    assert (item.measure, item.target_count) == (DutyMeasure.ACTIVITIES, 4)


def test_completion_needs_evidence_a_note_and_a_past_date(make_item: Any) -> None:
    item = make_item()
    today = timezone.localdate()
    _refused(lambda: services.item_complete(actor=None, item=item, completed_on=today, note="已完成"), "file",
             "请至少上传一份佐证材料")
    _refused(lambda: services.item_complete(actor=None, item=item, completed_on=today + timedelta(days=1),
                                            note="已完成", uploaded_file=pdf()), "completed_on", "不能晚于今天")
    _refused(lambda: services.item_complete(actor=None, item=item, completed_on=today, note=" ",
                                            uploaded_file=pdf()), "note", "请填写完成情况说明")
    fake = SimpleUploadedFile("总结.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    _refused(lambda: services.item_complete(actor=None, item=item, completed_on=today, note="已完成",
                                            uploaded_file=fake), "file", "文件内容与扩展名")
    done = services.item_complete(actor=None, item=item, completed_on=today, note="计划已印发", uploaded_file=pdf())
    assert done.completed_on == today and done.evidence.count() == 1
    with pytest.raises(Conflict):
        services.item_complete(actor=None, item=item, completed_on=today, note="再次确认")


def test_only_hand_ticked_tasks_are_completed_by_hand(seminars: Any) -> None:
    _refused(lambda: services.item_complete(actor=None, item=seminars, completed_on=timezone.localdate(),
                                            note="已完成", uploaded_file=pdf()), "completed_on", "系统根据")


def test_reopen_needs_a_reason_and_keeps_the_evidence(make_item: Any) -> None:
    item = make_item()
    services.evidence_add(actor=None, item=item, uploaded_file=pdf())
    services.item_complete(actor=None, item=item, completed_on=timezone.localdate(), note="已完成")
    _refused(lambda: services.item_reopen(actor=None, item=item, reason=""), "reason", "请填写重新打开的原因")
    reopened = services.item_reopen(actor=None, item=item, reason="计划需重新报批")
    assert reopened.completed_on is None and reopened.evidence.count() == 1
    with pytest.raises(Conflict):
        services.item_reopen(actor=None, item=item, reason="再次打开")


def test_delete_refuses_a_task_with_subtasks_or_evidence(make_item: Any, branch: SimpleNamespace) -> None:
    parent = make_item()
    child = make_item("分解", parent=parent, owner_member=branch.full[3])
    _refused(lambda: services.item_delete(actor=None, item=parent), "item", "请先逐项删除子任务")
    evidence = services.evidence_add(actor=None, item=child, uploaded_file=pdf())
    _refused(lambda: services.item_delete(actor=None, item=child), "item", "请先删除佐证材料")
    services.evidence_delete(actor=None, evidence=evidence)
    services.item_delete(actor=None, item=child)
    services.item_delete(actor=None, item=parent)
    assert not DutyItem.objects.exists()
    assert AuditEvent.objects.filter(action="duty_item.delete").count() == 2


def test_a_completed_tasks_evidence_stays_until_reopened(make_item: Any) -> None:
    item = make_item()
    services.item_complete(actor=None, item=item, completed_on=timezone.localdate(), note="已完成",
                           uploaded_file=pdf())
    _refused(lambda: services.evidence_delete(actor=None, evidence=item.evidence.get()), "file", "请先重新打开")


def test_a_reader_may_not_write_and_an_outsider_does_not_see_the_branch(
        make_item: Any, branch: SimpleNamespace, member: Any, outsider: Any, health: SimpleNamespace) -> None:
    item = make_item()
    with pytest.raises(PermissionDenied):
        services.item_update(actor=member, item=item, title="改")
    with pytest.raises(NotFound):
        services.item_update(actor=outsider, item=item, title="改")
    with pytest.raises(NotFound):
        services.item_delete(actor=health.secretary_user, item=item)
    assert DutyItem.objects.get().title == "制定年度党建工作计划"


def test_the_default_deadline_follows_the_months_and_a_deadline_cannot_precede_them(make_item: Any) -> None:
    item = make_item(months=[3])
    services.item_update(actor=None, item=item, months=[6, 7])
    item.refresh_from_db()
    assert item.due_on == date(LAST_YEAR, 7, 31)
    _refused(lambda: services.item_update(actor=None, item=item, due_on=date(LAST_YEAR, 5, 1)), "due_on",
             "不能早于首个部署月份（6月）")


def test_a_task_keeps_an_owner_who_has_left_while_other_fields_change(make_item: Any,
                                                                     branch: SimpleNamespace) -> None:
    item = make_item(owner_member=branch.full[5])
    branch.full[5].left_on = date(LAST_YEAR, 9, 1)
    branch.full[5].save()
    services.item_update(actor=None, item=item, title="改由他人接续")
    _refused(lambda: make_item("新任务", owner_member=branch.full[5]), "owner_member", "不是本党支部的在册党员")


def test_evidence_is_checked_for_size_and_only_for_hand_ticked_tasks(make_item: Any, seminars: Any,
                                                                      settings: Any) -> None:
    item = make_item()
    settings.BIANBAN = {**settings.BIANBAN, "EVIDENCE_MAX_MB": 0}
    _refused(lambda: services.evidence_add(actor=None, item=item, uploaded_file=pdf()), "file", "文件过大")
    settings.BIANBAN = {**settings.BIANBAN, "EVIDENCE_MAX_MB": 20}
    _refused(lambda: services.evidence_add(actor=None, item=seminars, uploaded_file=pdf()), "file", "系统根据")
    assert services.evidence_add(actor=None, item=item, uploaded_file=pdf()).size == len(pdf().read())
