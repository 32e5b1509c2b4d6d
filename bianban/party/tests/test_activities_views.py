"""Activity pages: the one-screen record form (every member due preloaded, one click each), the page of an
activity with its quorum explained, files served only in scope, the calendar, the study summary and its export."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from bianban.core.models import AuditEvent
from bianban.party.activities import services
from bianban.party.choices import ActivityKind, ActivityStatus
from bianban.party.models import Activity, ActivityFile, Attendance, Resolution
from bianban.party.tests.activities_fixtures import *  # noqa: F403 (the fixtures `health` and `record`)
from bianban.party.tests.activities_fixtures import PDF, PNG, days_ago

K = ActivityKind


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _checked(body, status="PRESENT"):
    return len(re.findall(rf'name="att-\d+"[^>]*value="{status}" checked', body))


def _post(branch, on, **extra):
    data = {"branch": branch.branch.pk, "kind": K.GENERAL_MEETING, "status": "held", "held_on": on.isoformat(),
            "topic": "第三季度支部党员大会", "place": "三楼会议室", "host": branch.full[0].pk,
            "recorder": branch.full[1].pk, "content": "传达学习上级会议精神",
            "res-TOTAL_FORMS": "2", "res-INITIAL_FORMS": "0"}
    data.update({f"att-{m.pk}": "PRESENT" for m in branch.members})
    data.update(extra)
    return data


def test_the_form_lists_every_member_due_with_present_selected(branch, secretary, client_for):
    body = client_for(secretary).get(reverse("party:activity_create"), {"branch": branch.branch.pk}).content.decode()
    assert _checked(body) == 9
    assert all(m.person.name in body for m in branch.members)
    assert body.count("无（预备）") == 2


def test_the_sheet_is_redrawn_for_a_committee_meeting_keeping_the_choices_made(branch, secretary, client_for):
    response = client_for(secretary).get(reverse("party:activity_sheet"), {
        "branch": branch.branch.pk, "kind": K.COMMITTEE_MEETING, "held_on": days_ago(3).isoformat(),
        f"att-{branch.full[1].pk}": "ABSENT"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body
    assert _checked(body) == 2 and _checked(body, "ABSENT") == 1
    assert branch.full[3].person.name not in body


def test_a_meeting_is_recorded_on_one_screen_with_its_sheet_and_resolution(branch, secretary, client_for):
    on = days_ago(7)
    data = _post(branch, on, **{f"att-{branch.full[6].pk}": "LEAVE", f"reason-{branch.full[6].pk}": "外出培训",
                                f"att-{branch.probationary[0].pk}": "ABSENT",
                                "res-0-text": "同意王某转为正式党员", "res-0-votes_for": "6"})
    response = client_for(secretary).post(reverse("party:activity_create"), data)
    meeting = Activity.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("party:activity_detail", args=[meeting.pk])
    assert (meeting.due_count, meeting.present_count, meeting.leave_count) == (9, 7, 1)
    assert (meeting.voting_due, meeting.voting_present, meeting.quorum_met) == (7, 6, True)
    assert meeting.host == branch.full[0] and meeting.created_by == secretary
    assert Attendance.objects.get(member=branch.full[6]).reason == "外出培训"
    assert Resolution.objects.get().passed is True
    page = client_for(secretary).get(response["Location"]).content.decode()
    assert "应到 9" in page and "实到 7" in page and "缺席 1" in page
    assert "应到有表决权党员7人，实到6人" in page and "符合召开条件" in page
    assert "赞成6票，应到有表决权党员7人，须超过半数（至少4票）赞成，通过。" in page


def test_leave_without_a_reason_is_shown_on_its_row_and_nothing_is_written(branch, secretary, client_for):
    before = AuditEvent.objects.count()
    data = _post(branch, days_ago(7), **{f"att-{branch.full[5].pk}": "LEAVE"})
    response = client_for(secretary).post(reverse("party:activity_create"), data)
    body = response.content.decode()
    assert response.status_code == 422
    assert f"{branch.full[5].person.name}请假须注明事由" in body
    assert _checked(body, "LEAVE") == 1  # the choice made is kept
    assert not Activity.objects.exists() and AuditEvent.objects.count() == before


def test_a_meeting_dated_in_the_future_cannot_be_recorded_as_held(branch, secretary, client_for):
    response = client_for(secretary).post(reverse("party:activity_create"), _post(branch, days_ago(-2)))
    assert response.status_code == 422
    assert "晚于今天" in response.content.decode()
    assert not Activity.objects.exists()


def test_a_meeting_without_quorum_is_recorded_and_explained(branch, secretary, client_for, record):
    meeting = record(absent=branch.full[3:7])
    body = client_for(secretary).get(reverse("party:activity_detail", args=[meeting.pk])).content.decode()
    assert "未达到法定人数" in body
    assert "应到有表决权党员7人，实到3人（预备党员没有表决权，不计入），未超过半数（至少须4人到会）" in body
    listing = client_for(secretary).get(reverse("party:activity_list")).content.decode()
    assert "未达法定人数" in listing


def test_a_planned_activity_is_marked_held_through_the_edit_form(branch, secretary, client_for):
    planned = services.activity_create(actor=None, branch=branch.branch, kind=K.THEME_DAY, held_on=days_ago(-5),
                                       topic="主题党日", status=ActivityStatus.PLANNED)
    client = client_for(secretary)
    page = client.get(reverse("party:activity_edit", args=[planned.pk])).content.decode()
    assert 'value="cancelled"' in page and _checked(page) == 9
    data = _post(branch, days_ago(1), kind=K.THEME_DAY, topic="主题党日", seen_status="planned")
    response = client.post(reverse("party:activity_edit", args=[planned.pk]), data)
    assert response.status_code == 302
    planned.refresh_from_db()
    assert (planned.status, planned.held_on, planned.present_count) == ("held", days_ago(1), 9)


def test_the_list_filters_by_kind_and_counts(branch, secretary, client_for, record):
    record(topic="支部党员大会甲")
    record(K.PARTY_LECTURE, topic="党课乙")
    body = client_for(secretary).get(reverse("party:activity_list"), {"kind": K.PARTY_LECTURE}).content.decode()
    assert "党课乙" in body and "支部党员大会甲" not in body
    assert "合计 1" in body


def test_the_calendar_shows_held_and_planned_activities_on_their_day(branch, secretary, client_for, record):
    held = record(on=days_ago(0), topic="本日党课", kind=K.PARTY_LECTURE)
    services.activity_create(actor=None, branch=branch.branch, kind=K.THEME_DAY, held_on=days_ago(0),
                             topic="计划中的主题党日", status=ActivityStatus.PLANNED)
    today = days_ago(0)
    body = client_for(secretary).get(reverse("party:activity_calendar"),
                                     {"year": today.year, "month": today.month}).content.decode()
    cell = body.split(f'data-day="{today:%Y-%m-%d}"', 1)[1].split("</td>", 1)[0]
    assert "本日党课" in cell and "计划中的主题党日" in cell
    assert reverse("party:activity_detail", args=[held.pk]) in cell


def test_the_study_summary_and_its_export(branch, secretary, client_for, record):
    on = days_ago(5)
    record(K.STUDY, on, absent=[branch.full[6]], study_hours="2.5", topic="集中学习")
    client = client_for(secretary)
    body = client.get(reverse("party:activity_study"), {"branch": branch.branch.pk, "year": on.year}).content.decode()
    assert "20.0" in body  # 8 present × 2.5
    response = client.get(reverse("party:activity_study_export"), {"branch": branch.branch.pk, "year": on.year})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert rows[0][1] == branch.full[0].person.name and rows[0][8] == 2.5
    assert rows[-1][0] == "合计" and rows[-1][8] == 20.0
    assert AuditEvent.objects.filter(action="study_summary.export").count() == 1


def test_photos_upload_and_are_served_only_to_those_in_scope(branch, secretary, client_for, record, health):
    meeting = record()
    client = client_for(secretary)
    response = client.post(reverse("party:activity_file_upload", args=[meeting.pk]),
                           {"file": SimpleUploadedFile("合影.png", PNG)})
    assert response.status_code == 302
    photo = ActivityFile.objects.get()
    page = client.get(reverse("party:activity_detail", args=[meeting.pk])).content.decode()
    assert f'{reverse("party:activity_file", args=[photo.pk])}?inline=1' in page
    served = client.get(reverse("party:activity_file", args=[photo.pk]), {"inline": "1"})
    assert served["Content-Type"] == "image/png" and "attachment" not in served["Content-Disposition"]
    assert client_for(health.secretary_user).get(reverse("party:activity_file", args=[photo.pk])).status_code == 404
    fake = client.post(reverse("party:activity_file_upload", args=[meeting.pk]),
                       {"file": SimpleUploadedFile("记录.pdf", b"<html>not a pdf</html>")})
    assert fake.status_code == 422 and "文件内容与扩展名" in fake.content.decode()
    client.post(reverse("party:activity_file_upload", args=[meeting.pk]), {"file": SimpleUploadedFile("记录.pdf", PDF)})
    assert ActivityFile.objects.count() == 2


def test_another_branchs_secretary_and_outsiders_get_404(branch, client_for, record, health, outsider, member):
    meeting = record(topic="教育局支部党员大会")
    other = client_for(health.secretary_user)
    assert other.get(reverse("party:activity_detail", args=[meeting.pk])).status_code == 404
    assert other.get(reverse("party:activity_edit", args=[meeting.pk])).status_code == 404
    assert "教育局支部党员大会" not in other.get(reverse("party:activity_list")).content.decode()
    assert other.get(reverse("party:activity_study"), {"branch": branch.branch.pk}).status_code == 404
    assert client_for(outsider).get(reverse("party:activity_list")).status_code == 404
    # A member reads the activity but may not edit it.
    reader = client_for(member)
    assert reader.get(reverse("party:activity_detail", args=[meeting.pk])).status_code == 200
    assert reader.get(reverse("party:activity_edit", args=[meeting.pk])).status_code == 404
