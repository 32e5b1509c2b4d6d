"""Volunteer pages: the year's activities with field, place, participants and hours, the statistics by field and by
member, the entry button to the activity form preset to 志愿服务, recording one on that form, the xlsx export, and
scoping (another branch's secretary and outsiders get 404)."""

import io
from decimal import Decimal

from django.urls import reverse
from openpyxl import load_workbook

from bianban.core.models import AuditEvent
from bianban.duties.tests.volunteer_fixtures import *  # noqa: F403 (the fixtures `serve` and `health`)
from bianban.duties.tests.volunteer_fixtures import CITY_DAY, FOREST_DAY, YEAR
from bianban.party.choices import ActivityKind, VolunteerField
from bianban.party.models import Activity, Attendance

INDEX = reverse("duties:volunteer_index")
EXPORT = reverse("duties:volunteer_export")


def _two_activities(branch, serve):
    serve(hours={branch.full[0]: "5"}, absent=(branch.full[6],))
    serve(CITY_DAY, VolunteerField.CIVILISED_CITY, topic="文明城市创建志愿服务", place="城东街道和平社区",
          default=Decimal("2"), hours={branch.full[1]: "4"}, absent=branch.full[3:7])


def test_the_page_lists_the_years_activities_and_the_statistics(branch, serve, secretary, client_for):
    _two_activities(branch, serve)
    response = client_for(secretary).get(INDEX, {"branch": branch.branch.pk, "year": YEAR})
    assert response.status_code == 200
    body = response.content.decode()
    assert "护林防火志愿服务" in body and "文明城市创建志愿服务" in body and "城东街道和平社区" in body
    assert "参加 9 人次" in body and "6 名党员参加" in body and "服务时长 28.0 小时" in body
    assert '<tr data-field="forest_fire"><td>护林防火</td><td>1</td><td>6</td><td>20.0</td></tr>' in body
    first = body.index(f'data-member="{branch.full[0].pk}"')
    assert first < body.index(f'data-member="{branch.full[2].pk}"')  # 7 hours before 5
    create = reverse("party:activity_create")
    assert f'href="{create}?kind=VOLUNTEER&amp;branch={branch.branch.pk}"' in body


def test_the_page_defaults_to_this_year_and_the_users_branch(branch, serve, secretary, client_for):
    serve()
    body = client_for(secretary).get(INDEX).content.decode()
    assert branch.branch.name in body and "本年度没有志愿服务活动" in body


def test_a_member_reads_the_page_without_the_entry_button(branch, serve, member, client_for):
    serve()
    body = client_for(member).get(INDEX, {"year": YEAR}).content.decode()
    assert "护林防火志愿服务" in body and 'data-testid="volunteer-create"' not in body


def test_the_entry_button_opens_the_activity_form_preset_to_volunteer_service(branch, secretary, client_for):
    response = client_for(secretary).get(reverse("party:activity_create"),
                                         {"kind": ActivityKind.VOLUNTEER, "branch": branch.branch.pk})
    body = response.content.decode()
    assert '<option value="VOLUNTEER" selected>' in body
    assert 'name="service_field"' in body and 'name="service_hours"' in body
    assert body.count('name="service-') == 9  # a service-hours box per member due today


def test_a_volunteer_activity_is_recorded_on_the_activity_form(branch, secretary, client_for):
    client = client_for(secretary)
    data = {"branch": branch.branch.pk, "kind": ActivityKind.VOLUNTEER, "status": "held",
            "held_on": FOREST_DAY.isoformat(), "topic": "清明节前护林防火志愿服务", "place": "北山林区入口",
            "service_field": VolunteerField.FOREST_FIRE, "service_hours": "3",
            "res-TOTAL_FORMS": "0", "res-INITIAL_FORMS": "0"}
    data.update({f"att-{m.pk}": "PRESENT" for m in branch.full})
    data.update({f"att-{branch.full[6].pk}": "ABSENT", f"service-{branch.full[0].pk}": "4.5"})
    response = client.post(reverse("party:activity_create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    activity = Activity.objects.get()
    assert activity.service_field == VolunteerField.FOREST_FIRE
    assert activity.attendance.get(member=branch.full[0]).service_hours == Decimal("4.5")
    assert activity.attendance.get(member=branch.full[1]).service_hours == Decimal("3")
    detail = client.get(response["Location"]).content.decode()
    assert "护林防火" in detail and "合计 19.5 小时" in detail
    assert "服务时长 19.5 小时" in client.get(INDEX, {"year": YEAR}).content.decode()


def test_bad_hours_on_the_form_are_shown_next_to_the_member_and_nothing_is_written(branch, secretary, client_for):
    data = {"branch": branch.branch.pk, "kind": ActivityKind.VOLUNTEER, "status": "held",
            "held_on": FOREST_DAY.isoformat(), "topic": "护林防火", "service_field": VolunteerField.FOREST_FIRE,
            "res-TOTAL_FORMS": "0", "res-INITIAL_FORMS": "0"}
    data.update({f"att-{m.pk}": "PRESENT" for m in branch.full})
    data[f"service-{branch.full[2].pk}"] = "abc"
    response = client_for(secretary).post(reverse("party:activity_create"), data)
    assert response.status_code == 422
    assert f"{branch.full[2]}的服务时长应为0到24之间的数字" in response.content.decode()
    assert not Activity.objects.exists() and not Attendance.objects.exists()


def test_a_form_without_a_field_says_so(branch, secretary, client_for):
    data = {"branch": branch.branch.pk, "kind": ActivityKind.VOLUNTEER, "status": "planned",
            "held_on": FOREST_DAY.isoformat(), "topic": "护林防火", "res-TOTAL_FORMS": "0", "res-INITIAL_FORMS": "0"}
    response = client_for(secretary).post(reverse("party:activity_create"), data)
    assert response.status_code == 422 and "请选择服务领域" in response.content.decode()
    assert not Activity.objects.exists()


def test_the_export_is_the_years_record_and_is_audited(branch, serve, secretary, client_for):
    _two_activities(branch, serve)
    response = client_for(secretary).get(EXPORT, {"branch": branch.branch.pk, "year": YEAR})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    rows = list(wb["志愿服务活动"].iter_rows(min_row=3, values_only=True))
    assert [r[2] for r in rows[:2]] == ["护林防火", "文明城市创建"]
    assert [(r[5], r[6]) for r in rows[:2]] == [(6, 20.0), (3, 8.0)]
    assert f"{branch.full[0].person.name}（5.0）" in rows[0][7]
    assert rows[-1][:7] == ("合计", None, None, "已开展2次", None, 9, 28.0)
    top = next(wb["按党员"].iter_rows(min_row=3, max_row=3, values_only=True))
    assert top[:2] == (1, branch.full[0].person.name)
    event = AuditEvent.objects.get(action="volunteer_record.export")
    assert event.changes == {"year": [None, YEAR], "count": [None, 2]} and event.actor == secretary


def test_another_branchs_secretary_and_outsiders_get_404(branch, serve, health, outsider, client_for):
    serve()
    other = client_for(health.secretary_user)
    assert other.get(INDEX, {"branch": branch.branch.pk, "year": YEAR}).status_code == 404
    assert other.get(EXPORT, {"branch": branch.branch.pk, "year": YEAR}).status_code == 404
    own = other.get(INDEX, {"year": YEAR}).content.decode()
    assert health.branch.name in own and "护林防火志愿服务" not in own
    assert client_for(outsider).get(INDEX).status_code == 404
    assert client_for(outsider).get(EXPORT, {"branch": branch.branch.pk}).status_code == 404
    assert not AuditEvent.objects.filter(action="volunteer_record.export").exists()


def test_the_edit_form_shows_the_recorded_field_and_hours(branch, serve, secretary, client_for):
    activity = serve(hours={branch.full[0]: "4.5"})
    body = client_for(secretary).get(reverse("party:activity_edit", args=[activity.pk])).content.decode()
    assert '<option value="forest_fire" selected>' in body
    assert f'name="service-{branch.full[0].pk}" value="4.5"' in body
    assert f'name="service-{branch.full[1].pk}" value="3.0"' in body
