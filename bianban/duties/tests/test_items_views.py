# ruff: noqa: F811  (pytest fixtures imported from items_fixtures are redefined as arguments)
"""责任清单 pages: the list as a tree with progress, the month view, forms (200/302/422), completion with evidence,
deletion with confirmation, the export, and scoping (readers read, cannot write; other branches are 404)."""

import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from bianban.core.models import AuditEvent
from bianban.duties.choices import DutyMeasure
from bianban.duties.models import DutyItem
from bianban.duties.tests.items_fixtures import (  # noqa: F401
    LAST_YEAR,
    divisions,
    health,
    hold,
    last_year,
    make_item,
    media,
    pdf,
    seminars,
    talk,
    visit,
)
from bianban.party.choices import ActivityKind, LeaveReason, TalkKind
from bianban.party.members.services import member_leave
from bianban.party.talks import services as talk_services

pytestmark = pytest.mark.django_db
INDEX = reverse("duties:item_index")


def test_the_list_shows_tasks_and_subtasks_with_progress(client_for: Any, branch: SimpleNamespace, seminars: Any,
                                                         make_item: Any, hold: Any) -> None:
    for month in (1, 2, 3):
        hold(ActivityKind.SEMINAR, last_year(month))
    make_item("第一党小组研讨", parent=seminars, months=[1, 2], owner_member=branch.full[1],
              measure=DutyMeasure.ACTIVITIES, activity_kind=ActivityKind.SEMINAR, target_count=2)
    page = client_for(branch.users.member).get(INDEX, {"branch": branch.branch.pk, "year": LAST_YEAR})
    html = page.content.decode()
    assert page.status_code == 200
    assert "结合职能职责开展专题研讨" in html and "3/12" in html and "滞后" in html
    assert "第一党小组研讨" in html and "3/2" in html and "子任务 1/1 完成" in html  # the branch's seminars
    assert "新增任务" not in html  # a reader


def test_the_list_filters_by_owner_month_and_state(client_for: Any, branch: SimpleNamespace,
                                                   make_item: Any) -> None:
    make_item("三月计划", months=[3])
    make_item("五月总结", months=[5], owner_member=branch.full[2])
    client = client_for(branch.users.secretary)
    base = {"branch": branch.branch.pk, "year": LAST_YEAR}
    by_owner = client.get(INDEX, {**base, "owner": f"m{branch.full[2].pk}"}).content.decode()
    assert "五月总结" in by_owner and "三月计划" not in by_owner
    by_month = client.get(INDEX, {**base, "month": 3}).content.decode()
    assert "三月计划" in by_month and "五月总结" not in by_month
    assert "三月计划" in client.get(INDEX, {**base, "state": "behind"}).content.decode()
    assert "三月计划" not in client.get(INDEX, {**base, "state": "complete"}).content.decode()


def test_the_month_view_shows_what_is_deployed_and_who_is_behind(client_for: Any, branch: SimpleNamespace,
                                                                 seminars: Any, make_item: Any, hold: Any) -> None:
    make_item("制定计划", months=[2], owner_member=branch.full[2])
    hold(ActivityKind.SEMINAR, last_year(1))
    page = client_for(branch.users.member).get(reverse("duties:item_month"),
                                               {"branch": branch.branch.pk, "year": LAST_YEAR, "month": 2})
    html = page.content.decode()
    assert page.status_code == 200
    assert "本月部署的任务（2项）" in html
    behind = html[html.index('data-testid="month-behind"'):]
    assert str(branch.full[0]) in behind and "截至2月应完成2，已完成1" in behind
    assert "制定计划" not in behind  # due on the last day of February: not passed at its end
    march = client_for(branch.users.member).get(reverse("duties:item_month"),
                                                {"branch": branch.branch.pk, "year": LAST_YEAR, "month": 3})
    behind = march.content.decode()[march.content.decode().index('data-testid="month-behind"'):]
    assert str(branch.full[2]) in behind and "制定计划" in behind


def test_a_secretary_creates_a_task_and_bad_input_is_422_with_nothing_written(client_for: Any,
                                                                              branch: SimpleNamespace) -> None:
    client = client_for(branch.users.secretary)
    url = f"{reverse('duties:item_create')}?branch={branch.branch.pk}&year={LAST_YEAR}"
    assert client.get(url).status_code == 200
    data = {"title": "开展专题研讨", "owner_member": branch.full[0].pk, "months": ["3", "6"],
            "measure": DutyMeasure.ACTIVITIES, "activity_kind": ActivityKind.SEMINAR, "target_count": "0"}
    bad = client.post(url, data)
    assert bad.status_code == 422 and "量化目标应为正整数" in bad.content.decode()
    no_months = client.post(url, {**data, "target_count": "4", "months": []})
    assert no_months.status_code == 422 and "请至少选择一个部署月份" in no_months.content.decode()
    assert not DutyItem.objects.exists()
    created = client.post(url, {**data, "target_count": "4"})
    item = DutyItem.objects.get()
    assert created.status_code == 302 and created.url == reverse("duties:item_detail", args=[item.pk])
    assert (item.year, item.month_list, item.target_count) == (LAST_YEAR, [3, 6], 4)


def test_a_subtask_is_made_from_its_parent_and_edited(client_for: Any, branch: SimpleNamespace,
                                                      make_item: Any) -> None:
    parent = make_item(months=[3, 4])
    client = client_for(branch.users.secretary)
    url = f"{reverse('duties:item_create')}?parent={parent.pk}"
    page = client.get(url).content.decode()
    assert 'value="3"' in page and "上级任务部署在3月、4月" in page
    outside = client.post(url, {"title": "分解", "owner_member": branch.full[3].pk, "months": ["5"],
                                "measure": DutyMeasure.MANUAL})
    assert outside.status_code == 422 and "应在上级任务的部署月份" in outside.content.decode()
    assert client.post(url, {"title": "分解", "owner_member": branch.full[3].pk, "months": ["4"],
                             "measure": DutyMeasure.MANUAL}).status_code == 302
    child = DutyItem.objects.get(parent=parent)
    edit = client.post(reverse("duties:item_edit", args=[child.pk]),
                       {"title": "分解（修订）", "owner_member": branch.full[3].pk, "months": ["3"],
                        "measure": DutyMeasure.MANUAL})
    assert edit.status_code == 302
    child.refresh_from_db()
    assert (child.title, child.month_list) == ("分解（修订）", [3])


def test_completing_needs_evidence_and_the_file_is_served_to_readers_only(
        client_for: Any, branch: SimpleNamespace, make_item: Any, health: SimpleNamespace) -> None:
    item = make_item()
    client = client_for(branch.users.secretary)
    url = reverse("duties:item_complete", args=[item.pk])
    today = f"{timezone.localdate():%Y-%m-%d}"
    bare = client.post(url, {"completed_on": today, "note": "计划已印发"})
    assert bare.status_code == 422 and "请至少上传一份佐证材料" in bare.content.decode()
    done = client.post(url, {"completed_on": today, "note": "计划已印发", "file": pdf()})
    assert done.status_code == 302
    item.refresh_from_db()
    evidence = item.evidence.get()
    assert item.completed_on is not None
    download = client_for(branch.users.member).get(reverse("duties:item_evidence", args=[evidence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert client_for(health.secretary_user).get(reverse("duties:item_evidence",
                                                         args=[evidence.pk])).status_code == 404
    reopen = client.post(reverse("duties:item_reopen", args=[item.pk]), {"reason": "需补充材料"})
    assert reopen.status_code == 302
    item.refresh_from_db()
    assert item.completed_on is None


def test_delete_asks_for_confirmation_and_refuses_a_task_with_subtasks(client_for: Any, branch: SimpleNamespace,
                                                                       make_item: Any) -> None:
    parent = make_item()
    child = make_item("分解", parent=parent, owner_member=branch.full[3])
    client = client_for(branch.users.secretary)
    confirm = client.get(reverse("duties:item_delete", args=[parent.pk]))
    assert confirm.status_code == 200 and "该任务有1项子任务" in confirm.content.decode()
    refused = client.post(reverse("duties:item_delete", args=[parent.pk]))
    assert refused.status_code == 422 and DutyItem.objects.count() == 2
    assert client.post(reverse("duties:item_delete", args=[child.pk])).status_code == 302
    assert not DutyItem.objects.filter(pk=child.pk).exists()


def test_the_detail_links_the_records_counted(client_for: Any, branch: SimpleNamespace, seminars: Any,
                                              hold: Any) -> None:
    activity = hold(ActivityKind.SEMINAR, last_year(2), topic="学习新思想专题研讨")
    html = client_for(branch.users.member).get(reverse("duties:item_detail", args=[seminars.pk])).content.decode()
    assert "学习新思想专题研讨" in html and reverse("party:activity_detail", args=[activity.pk]) in html
    assert "1/12" in html


def test_readers_cannot_write_and_other_branches_are_not_found(client_for: Any, branch: SimpleNamespace,
                                                               make_item: Any, health: SimpleNamespace,
                                                               outsider: Any) -> None:
    item = make_item()
    member = client_for(branch.users.member)
    assert member.get(reverse("duties:item_detail", args=[item.pk])).status_code == 200
    create = f"{reverse('duties:item_create')}?branch={branch.branch.pk}"
    assert member.get(create).status_code == 403
    assert member.post(create, {"title": "x", "months": ["3"], "measure": "manual",
                                "owner_member": branch.full[0].pk}).status_code == 403
    assert member.post(reverse("duties:item_delete", args=[item.pk])).status_code == 403
    assert member.post(reverse("duties:item_complete", args=[item.pk]),
                       {"completed_on": "2020-01-01", "note": "x", "file": pdf()}).status_code == 403
    other = client_for(health.secretary_user)
    assert other.get(reverse("duties:item_detail", args=[item.pk])).status_code == 404
    assert other.get(INDEX, {"branch": branch.branch.pk}).status_code == 404
    assert client_for(outsider).get(reverse("duties:item_detail", args=[item.pk])).status_code == 404
    assert DutyItem.objects.count() == 1


def test_the_export_is_the_years_list_and_is_audited(client_for: Any, branch: SimpleNamespace, seminars: Any,
                                                     make_item: Any, secretary: Any) -> None:
    make_item("第一党小组研讨", parent=seminars, months=[1], owner_member=branch.full[1])
    response = client_for(secretary).get(reverse("duties:item_export"),
                                         {"branch": branch.branch.pk, "year": LAST_YEAR})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=3, values_only=True))
    assert rows[0][:2] == ("1", "结合职能职责开展专题研讨") and rows[0][6] == 12
    assert rows[1][:2] == ("1.1", "第一党小组研讨")
    event = AuditEvent.objects.get(action="duty_item.export")
    assert event.actor == secretary and event.changes["count"] == [None, 2]


def test_the_detail_of_talk_and_visit_tasks_lists_person_times_and_households(
        client_for: Any, branch: SimpleNamespace, make_item: Any, talk: Any, visit: Any) -> None:
    full = branch.full
    talks = make_item("书记谈心谈话", measure=DutyMeasure.TALKS, target_count=5, months=[6], owner_member=full[0])
    visits = make_item("集中走访", measure=DutyMeasure.VISITS, target_count=10, months=[6])
    talk(full[0], full[1], full[2], on=last_year(6))
    visit(last_year(6), 4, full[0])
    client = client_for(branch.users.secretary)
    talks_page = client.get(reverse("duties:item_detail", args=[talks.pk])).content.decode()
    assert "（2人次）" in talks_page and "2/5" in talks_page
    visits_page = client.get(reverse("duties:item_detail", args=[visits.pk])).content.decode()
    assert "（4户）" in visits_page and "4/10" in visits_page


def test_a_member_sees_only_the_counted_talks_they_took_part_in(client_for: Any, branch: SimpleNamespace,
                                                                make_item: Any) -> None:
    full = branch.full
    task = make_item("书记谈心谈话", measure=DutyMeasure.TALKS, target_count=5, months=[6], owner_member=full[0])
    for talked, topic in ((full[6], "与周党员谈思想状况"), (full[3], "与赵党员谈家庭困难")):
        talk_services.talk_create(actor=None, branch=branch.branch, kind=TalkKind.HEART_TO_HEART,
                                  held_on=last_year(6), topic=topic, talker=full[0], talked_to=[talked])
    url = reverse("duties:item_detail", args=[task.pk])
    member = client_for(branch.users.member).get(url).content.decode()  # the member persona is full[6]
    assert "与周党员谈思想状况" in member and "与赵党员谈家庭困难" not in member
    assert "另有1次谈话计入" in member and "2/5" in member  # both still count
    secretary = client_for(branch.users.secretary).get(url).content.decode()
    assert "与周党员谈思想状况" in secretary and "与赵党员谈家庭困难" in secretary
    assert 'data-testid="hidden-records"' not in secretary


def test_a_task_of_a_member_who_has_left_can_still_be_edited(client_for: Any, branch: SimpleNamespace,
                                                             make_item: Any) -> None:
    leaver = branch.full[3]
    task = make_item("撰写心得", owner_member=leaver)
    member_leave(actor=None, member=leaver, on=timezone.localdate(), reason=LeaveReason.TRANSFER_OUT,
                 destination="市委")
    client = client_for(branch.users.secretary)
    url = reverse("duties:item_edit", args=[task.pk])
    assert f'<option value="{leaver.pk}" selected>' in client.get(url).content.decode()
    saved = client.post(url, {"title": "撰写学习心得", "owner_member": leaver.pk, "months": ["3"],
                              "measure": DutyMeasure.MANUAL})
    assert saved.status_code == 302
    task.refresh_from_db()
    assert (task.title, task.owner_member_id) == ("撰写学习心得", leaver.pk)
    new = client.get(reverse("duties:item_create"), {"branch": branch.branch.pk}).content.decode()
    assert f'<option value="{leaver.pk}"' not in new  # a new task goes to current members only
