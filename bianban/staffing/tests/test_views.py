"""The staffing pages: the panel (numbers, red over-quota rows, as of a past date), the roster with masked IDs,
and the transaction forms (入编, 出编, 调动, 职务变动, 编制变动, 领导职数, 用编核准), with who may use them."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bianban.accounts.choices import Role
from bianban.accounts.services import user_create_with_grants
from bianban.conftest import PASSWORD
from bianban.core.models import AuditEvent
from bianban.core.validators import mask_id_number
from bianban.people.tests.factories import PersonFactory
from bianban.staffing import services
from bianban.staffing.choices import ApprovalStatus, Enforcement, MovementType, PostGrade, ReleaseReason
from bianban.staffing.models import Approval, Placement, PostQuota, QuotaLine
from bianban.units.choices import Funding, QuotaKind

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
ADMIN, NONE = QuotaKind.ADMINISTRATIVE, Funding.NONE
LONG_AGO = date(2020, 1, 1)


def url(name: str, *args: int) -> str:
    return reverse(f"staffing:{name}", args=args or None)


def today() -> date:
    return timezone.localdate()


def make_line(unit, approved: int, *, kind: str = ADMIN, funding: str = NONE, on: date = LONG_AGO,
              warn: bool = False) -> QuotaLine:
    services.quota_movement_create(actor=None, unit=unit, kind=kind, funding=funding, type=MovementType.SET,
                                   amount=approved, document_no="示编〔2020〕1号", effective_on=on)
    line = QuotaLine.objects.get(unit=unit, kind=kind, funding=funding)
    if warn:
        line = services.quota_line_configure(actor=None, line=line, enforcement=Enforcement.WARN, reason="历史遗留")
    return line


def enrol(person, line: QuotaLine, *, on: date = date(2021, 3, 1), **extra) -> Placement:
    return services.placement_enrol(actor=None, person=person, unit=line.unit, kind=line.kind,
                                    funding=line.funding, on=on, document_no="示人〔2021〕5号", **extra)


@pytest.fixture
def edu_line(district) -> QuotaLine:
    return make_line(district.edu, 3)


@pytest.fixture
def zhang(district):
    return PersonFactory(name="张三", unit=district.edu)


class TestPanel:
    def test_it_shows_each_lines_approved_occupied_and_vacant_numbers(self, edu_line, zhang, staff, client_for):
        enrol(zhang, edu_line)
        response = client_for(staff).get(url("unit", edu_line.unit.pk))
        assert response.status_code == 200
        [(_, state)] = response.context["lines"]
        assert (state.approved, state.occupied, state.reserved, state.vacant, state.over) == (3, 1, 0, 2, 0)
        html = response.content.decode()
        assert "行政编制" in html and "张三" in html
        assert "table-danger" not in html

    def test_an_over_quota_line_is_red_and_says_by_how_much(self, district, staff, client_for):
        line = make_line(district.edu, 1, warn=True)
        enrol(PersonFactory(unit=district.edu), line)
        enrol(PersonFactory(unit=district.edu), line, over_quota_reason="安置军转干部")
        html = client_for(staff).get(url("unit_panel", district.edu.pk)).content.decode()
        row = html.split('data-testid="line-row"')[0].rsplit("<tr", 1)[1]
        assert "table-danger" in row
        assert "超编 1" in html
        assert "预警" in html

    def test_leadership_posts_filled_beyond_approved_are_red(self, edu_line, district, staff, client_for):
        post = services.post_quota_set(actor=None, unit=district.edu, grade=PostGrade.DEPUTY, approved=1,
                                       document_no="示编〔2020〕2号", effective_on=LONG_AGO,
                                       enforcement=Enforcement.WARN, reason="班子调整过渡期")
        enrol(PersonFactory(unit=district.edu), edu_line, post=post)
        enrol(PersonFactory(unit=district.edu), edu_line, post=post, over_quota_reason="班子调整过渡期")
        response = client_for(staff).get(url("unit", district.edu.pk))
        [row] = response.context["posts"]
        deputy = row["deputy"]
        assert (row["label"], deputy["approved"], deputy["filled"], row["over"]) == ("单位领导", 1, 2, True)
        posts = response.content.decode().split('data-testid="staffing-posts"')[1].split("</table>")[0]
        assert 'class="table-danger"' in posts and "超职数配备" in posts

    def test_as_of_a_past_date_it_shows_the_numbers_and_roster_of_that_day(self, edu_line, zhang, staff,
                                                                            client_for):
        placement = enrol(zhang, edu_line, on=date(2021, 1, 1))
        services.placement_release(actor=None, placement=placement, reason=ReleaseReason.RESIGNATION,
                                   on=date(2023, 1, 1), document_no="示人〔2023〕9号")
        client = client_for(staff)
        fragment = client.get(url("unit_panel", edu_line.unit.pk), {"as_of": "2022-06-01"}, **HTMX)
        assert "以下为 2022-06-01 的状况" in fragment.content.decode() and "张三" in fragment.content.decode()
        past = client.get(url("unit", edu_line.unit.pk), {"as_of": "2022-06-01"})
        [(_, state)] = past.context["lines"]
        assert (state.approved, state.occupied) == (3, 1)
        assert [r["placement"].person.name for r in past.context["on_quota_rows"]] == ["张三"]
        assert not past.context["can_change"]

        now = client.get(url("unit", edu_line.unit.pk))
        assert "以下为" not in now.content.decode()
        [(_, state)] = now.context["lines"]
        assert state.occupied == 0
        assert now.context["on_quota_rows"] == []

    def test_a_date_before_the_first_movement_shows_no_lines(self, edu_line, staff, client_for):
        response = client_for(staff).get(url("unit", edu_line.unit.pk), {"as_of": "2019-12-31"})
        assert response.context["lines"] == []
        assert "该日尚未核定编制" in response.content.decode()

    def test_a_future_or_malformed_date_falls_back_to_today_with_a_warning(self, edu_line, staff, client_for):
        client = client_for(staff)
        future = (today() + timedelta(days=3)).isoformat()
        assert "不能查看未来日期" in client.get(url("unit", edu_line.unit.pk), {"as_of": future}).content.decode()
        assert "日期格式有误" in client.get(url("unit", edu_line.unit.pk), {"as_of": "2022-13-01"}).content.decode()

    def test_the_panel_is_an_htmx_fragment_and_the_unit_page_loads_it_in_a_tab(self, district, staff, client_for):
        client = client_for(staff)
        fragment = client.get(url("unit_panel", district.edu.pk), **HTMX).content.decode()
        assert 'id="staffing-panel"' in fragment and "<html" not in fragment
        unit_page = client.get(reverse("units:detail", args=[district.edu.pk])).content.decode()
        assert url("unit_panel", district.edu.pk) in unit_page and "编制" in unit_page

    def test_the_number_of_queries_does_not_grow_with_the_roster(self, district, staff, client_for,
                                                                 django_assert_max_num_queries):
        line = make_line(district.edu, 30)
        client = client_for(staff)
        enrol(PersonFactory(unit=district.edu), line)
        client.get(url("unit_panel", district.edu.pk))
        with CaptureQueriesContext(connection) as one:
            client.get(url("unit_panel", district.edu.pk))
        for _ in range(10):
            enrol(PersonFactory(unit=district.edu), line)
        with django_assert_max_num_queries(len(one.captured_queries)):
            client.get(url("unit_panel", district.edu.pk))

    def test_the_roster_lists_on_and_off_quota_staff_separately_with_history(self, edu_line, zhang, district,
                                                                               staff, client_for):
        enrol(zhang, edu_line)
        contractor = PersonFactory(name="李临聘", unit=district.edu)
        services.placement_enrol(actor=None, person=contractor, unit=district.edu, kind=None, funding=None,
                                 on=date(2022, 1, 1), document_no="聘〔2022〕1号", on_quota=False)
        gone = enrol(PersonFactory(name="王退休", unit=district.edu), edu_line)
        services.placement_release(actor=None, placement=gone, reason=ReleaseReason.RETIREMENT,
                                   on=date(2024, 5, 1), document_no="示人〔2024〕3号")
        client = client_for(staff)
        page = client.get(url("unit", district.edu.pk))
        assert [r["placement"].person.name for r in page.context["on_quota_rows"]] == ["张三"]
        assert [r["placement"].person.name for r in page.context["off_quota_rows"]] == ["李临聘"]
        history = client.get(url("unit_history", district.edu.pk)).content.decode()
        assert "王退休" in history and "退休" in history and "2024-05-01" in history and "示人〔2024〕3号" in history
        assert "张三" not in history


class TestEnrolForm:
    def test_it_enrols_the_person_and_goes_back_to_the_staffing_page(self, edu_line, zhang, staff, client_for):
        client = client_for(staff)
        assert client.get(url("enrol", edu_line.unit.pk)).status_code == 200
        response = client.post(url("enrol", edu_line.unit.pk), {
            "person": zhang.id_number, "on_quota": "1", "line": edu_line.pk, "on": today().isoformat(),
            "document_no": "示人〔2025〕1号", "title": "科员",
        })
        assert response.status_code == 302 and response["Location"] == url("unit", edu_line.unit.pk)
        placement = Placement.objects.get(person=zhang)
        assert (placement.line, placement.title, placement.ended_on) == (edu_line, "科员", None)
        page = client.get(response["Location"]).content.decode()
        assert "张三已入编" in page

    def test_over_quota_in_block_mode_shows_the_409_message_and_writes_nothing(self, district, zhang, staff,
                                                                               client_for):
        line = make_line(district.edu, 1)
        enrol(PersonFactory(unit=district.edu), line)
        placements, events = Placement.objects.count(), AuditEvent.objects.count()
        response = client_for(staff).post(url("enrol", district.edu.pk), {
            "person": zhang.id_number, "on_quota": "1", "line": line.pk, "on": today().isoformat(),
            "document_no": "示人〔2025〕2号",
        })
        assert response.status_code == 409
        html = response.content.decode()
        assert 'data-testid="conflict"' in html
        assert "核定 1 名，实有 1 名" in html
        assert (Placement.objects.count(), AuditEvent.objects.count()) == (placements, events)
        line.refresh_from_db()
        assert line.occupied == 1

    def test_a_missing_document_number_is_shown_next_to_its_field(self, edu_line, zhang, staff, client_for):
        response = client_for(staff).post(url("enrol", edu_line.unit.pk), {
            "person": zhang.id_number, "on_quota": "1", "line": edu_line.pk, "on": today().isoformat(),
        })
        assert response.status_code == 200
        assert response.context["form"].errors["document_no"]
        assert not Placement.objects.exists()

    def test_an_unknown_person_is_a_clear_error(self, edu_line, staff, client_for):
        response = client_for(staff).post(url("enrol", edu_line.unit.pk), {
            "person": "110105199001010012", "on_quota": "1", "line": edu_line.pk, "on": today().isoformat(),
            "document_no": "示人〔2025〕3号",
        })
        assert "未找到该人员" in response.context["form"].errors["person"][0]

    def test_a_service_rule_comes_back_beside_the_field(self, edu_line, zhang, staff, client_for):
        enrol(zhang, edu_line)
        response = client_for(staff).post(url("enrol", edu_line.unit.pk), {
            "person": "张三", "on_quota": "1", "line": edu_line.pk, "on": today().isoformat(),
            "document_no": "示人〔2025〕4号",
        })
        assert "已占用编制" in response.context["form"].errors["person"][0]

    def test_warn_mode_asks_for_a_reason_before_going_over(self, district, zhang, staff, client_for):
        line = make_line(district.edu, 0, warn=True)
        data = {"person": zhang.id_number, "on_quota": "1", "line": line.pk, "on": today().isoformat(),
                "document_no": "示人〔2025〕5号"}
        client = client_for(staff)
        response = client.post(url("enrol", district.edu.pk), data)
        assert "超编说明" in response.context["form"].errors["over_quota_reason"][0]
        response = client.post(url("enrol", district.edu.pk), {**data, "over_quota_reason": "政策性安置"})
        assert response.status_code == 302
        assert Placement.objects.get(person=zhang).over_quota_reason == "政策性安置"

    def test_an_approval_consumes_its_reservation(self, edu_line, zhang, staff, client_for):
        approval = services.approval_create(actor=None, unit=edu_line.unit, kind=ADMIN, funding=NONE, count=1,
                                            document_no="控编〔2025〕1号", valid_until=today() + timedelta(days=90))
        response = client_for(staff).post(url("enrol", edu_line.unit.pk), {
            "person": zhang.id_number, "on_quota": "1", "approval": approval.pk, "on": today().isoformat(),
            "document_no": "示人〔2025〕6号",
        })
        assert response.status_code == 302
        approval.refresh_from_db()
        assert (approval.used, approval.status) == (1, ApprovalStatus.USED)


class TestPlacementForms:
    def test_release_ends_the_placement(self, edu_line, zhang, staff, client_for):
        placement = enrol(zhang, edu_line)
        client = client_for(staff)
        page = client.get(url("release", placement.pk)).content.decode()
        assert "data-confirm" in page
        response = client.post(url("release", placement.pk), {
            "reason": ReleaseReason.RETIREMENT, "on": today().isoformat(), "document_no": "示人〔2025〕7号"})
        assert response.status_code == 302
        placement.refresh_from_db()
        assert (placement.ended_on, placement.end_reason) == (today(), ReleaseReason.RETIREMENT)

    def test_transfer_moves_the_person_to_the_chosen_units_line(self, edu_line, zhang, district, staff,
                                                                client_for):
        placement = enrol(zhang, edu_line)
        target = make_line(district.health, 2)
        client = client_for(staff)
        assert client.get(url("transfer", placement.pk)).status_code == 200
        chosen = client.get(url("transfer", placement.pk), {"to_unit": district.health.pk})
        assert list(chosen.context["form"].fields["line"].queryset) == [target]
        response = client.post(url("transfer", placement.pk), {
            "to_unit": district.health.pk, "line": target.pk, "on": today().isoformat(),
            "document_no": "示组〔2025〕8号"})
        assert response.status_code == 302
        new = Placement.objects.get(person=zhang, ended_on__isnull=True)
        assert (new.unit, new.line, new.transferred_from_id) == (district.health, target, placement.pk)

    def test_change_post_gives_the_person_a_leadership_post(self, edu_line, zhang, district, staff, client_for):
        placement = enrol(zhang, edu_line)
        post = services.post_quota_set(actor=None, unit=district.edu, grade=PostGrade.PRINCIPAL, approved=1,
                                       document_no="示编〔2020〕3号", effective_on=LONG_AGO)
        response = client_for(staff).post(url("change_post", placement.pk), {
            "post": post.pk, "title": "局长", "on": today().isoformat(), "document_no": "示任〔2025〕1号"})
        assert response.status_code == 302
        placement.refresh_from_db()
        assert (placement.post, placement.title) == (post, "局长")


class TestQuotaForms:
    def test_a_movement_increases_the_approved_number(self, edu_line, staff, client_for):
        response = client_for(staff).post(url("movement_create", edu_line.unit.pk), {
            "type": MovementType.INCREASE, "kind": ADMIN, "funding": NONE, "amount": 2,
            "document_no": "示编〔2025〕1号", "effective_on": today().isoformat()})
        assert response.status_code == 302
        edu_line.refresh_from_db()
        assert edu_line.approved == 5

    def test_a_transfer_moves_quota_to_another_unit(self, edu_line, district, staff, client_for):
        response = client_for(staff).post(url("movement_create", district.edu.pk), {
            "type": MovementType.TRANSFER, "kind": ADMIN, "funding": NONE, "amount": 1,
            "document_no": "示编〔2025〕2号", "effective_on": today().isoformat(), "to_unit": district.health.pk})
        assert response.status_code == 302
        assert QuotaLine.objects.get(unit=district.health, kind=ADMIN).approved == 1
        edu_line.refresh_from_db()
        assert edu_line.approved == 2

    def test_a_decrease_below_occupied_in_block_mode_is_refused_with_an_alert(self, district, staff, client_for):
        line = make_line(district.edu, 1)
        enrol(PersonFactory(unit=district.edu), line)
        response = client_for(staff).post(url("movement_create", district.edu.pk), {
            "type": MovementType.DECREASE, "kind": ADMIN, "funding": NONE, "amount": 1,
            "document_no": "示编〔2025〕3号", "effective_on": today().isoformat()})
        assert response.status_code == 409
        assert "拦截模式下不能办理" in response.content.decode()
        line.refresh_from_db()
        assert line.approved == 1

    def test_a_kind_the_unit_may_not_hold_is_explained_beside_the_field(self, district, staff, client_for):
        response = client_for(staff).post(url("movement_create", district.edu.pk), {
            "type": MovementType.SET, "kind": QuotaKind.INSTITUTION, "funding": Funding.FULL, "amount": 2,
            "document_no": "示编〔2025〕4号", "effective_on": today().isoformat()})
        assert "混编混岗" in response.context["form"].errors["kind"][0]

    def test_switching_to_warn_mode_needs_a_reason(self, edu_line, staff, client_for):
        client = client_for(staff)
        response = client.post(url("line_configure", edu_line.pk), {"enforcement": Enforcement.WARN})
        assert response.context["form"].errors["reason"]
        response = client.post(url("line_configure", edu_line.pk),
                               {"enforcement": Enforcement.WARN, "requires_approval": "on", "reason": "改革过渡期"})
        assert response.status_code == 302
        edu_line.refresh_from_db()
        assert (edu_line.enforcement, edu_line.requires_approval) == (Enforcement.WARN, True)

    def test_post_quota_form_sets_a_divisions_posts(self, district, staff, client_for):
        from bianban.units.services import division_create

        office = division_create(actor=None, unit=district.edu, name="办公室")
        response = client_for(staff).post(url("post_quota", district.edu.pk), {
            "division": office.pk, "grade": PostGrade.DEPUTY, "approved": 2, "document_no": "示编〔2025〕5号",
            "effective_on": today().isoformat()})
        assert response.status_code == 302
        assert PostQuota.objects.get(division=office, grade=PostGrade.DEPUTY).approved == 2

    def test_switching_posts_to_warn_mode_needs_a_reason(self, district, staff, client_for):
        data = {"grade": PostGrade.PRINCIPAL, "approved": 1, "document_no": "示编〔2025〕6号",
                "effective_on": today().isoformat(), "enforcement": Enforcement.WARN}
        client = client_for(staff)
        assert client.post(url("post_quota", district.edu.pk), data).context["form"].errors["reason"]
        response = client.post(url("post_quota", district.edu.pk), {**data, "reason": "机构改革过渡期"})
        assert response.status_code == 302
        assert PostQuota.objects.get(unit=district.edu, division=None).enforcement == Enforcement.WARN

    def test_an_approval_is_created_listed_and_withdrawn(self, edu_line, staff, client_for):
        client = client_for(staff)
        response = client.post(url("approval_create", edu_line.unit.pk), {
            "line": edu_line.pk, "count": 2, "document_no": "控编〔2025〕2号", "issued_on": today().isoformat(),
            "valid_until": (today() + timedelta(days=30)).isoformat()})
        assert response.status_code == 302
        approval = Approval.objects.get(document_no="控编〔2025〕2号")
        listing = client.get(url("approvals", edu_line.unit.pk)).content.decode()
        assert "控编〔2025〕2号" in listing and url("approval_withdraw", approval.pk) in listing
        response = client.post(url("approval_withdraw", approval.pk), {"reason": "招聘计划取消"})
        assert response.status_code == 302
        approval.refresh_from_db()
        edu_line.refresh_from_db()
        assert (approval.status, edu_line.reserved) == (ApprovalStatus.WITHDRAWN, 0)

    def test_an_approval_beyond_the_vacancies_is_refused(self, edu_line, staff, client_for):
        response = client_for(staff).post(url("approval_create", edu_line.unit.pk), {
            "line": edu_line.pk, "count": 4, "document_no": "控编〔2025〕3号", "issued_on": today().isoformat(),
            "valid_until": (today() + timedelta(days=30)).isoformat()})
        assert response.status_code == 409
        assert not Approval.objects.exists()


class TestFormPages:
    def test_every_form_page_renders_for_office_staff(self, edu_line, zhang, district, staff, client_for):
        placement = enrol(zhang, edu_line)
        approval = services.approval_create(actor=None, unit=district.edu, kind=ADMIN, funding=NONE, count=1,
                                            document_no="控编〔2025〕9号", valid_until=today() + timedelta(days=9))
        post = services.post_quota_set(actor=None, unit=district.edu, grade=PostGrade.PRINCIPAL, approved=1,
                                       document_no="示编〔2020〕3号", effective_on=LONG_AGO)
        client = client_for(staff)
        pages = [url(name, district.edu.pk) for name in
                 ("movement_create", "post_quota", "approval_create", "enrol", "approvals", "unit_history")]
        pages += [url("line_configure", edu_line.pk), url("approval_withdraw", approval.pk),
                  url("release", placement.pk), url("transfer", placement.pk), url("change_post", placement.pk),
                  url("post_quota", district.edu.pk) + f"?post={post.pk}",
                  url("enrol", district.edu.pk) + f"?person={zhang.pk}"]
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, page
            assert "文号" in response.content.decode() or "用编核准" in response.content.decode(), page

    def test_a_released_placement_cannot_be_released_again(self, edu_line, zhang, staff, client_for):
        placement = enrol(zhang, edu_line)
        services.placement_release(actor=None, placement=placement, reason=ReleaseReason.RESIGNATION,
                                   on=today(), document_no="示人〔2025〕10号")
        response = client_for(staff).get(url("release", placement.pk), follow=True)
        assert "不能再办理" in response.content.decode()


class TestAccess:
    def test_a_liaison_sees_their_units_panel_without_any_action(self, edu_line, zhang, liaison, client_for):
        enrol(zhang, edu_line)
        response = client_for(liaison).get(url("unit", edu_line.unit.pk))
        assert response.status_code == 200
        html = response.content.decode()
        assert "张三" in html
        assert 'data-testid="staffing-actions"' not in html
        for name in ("enrol", "movement_create", "approval_create", "post_quota"):
            assert url(name, edu_line.unit.pk) not in html
        assert "/release/" not in html and "/transfer/" not in html and "控制方式</a>" not in html

    def test_a_liaison_gets_404_for_another_unit(self, district, liaison, client_for):
        client = client_for(liaison)
        for name in ("unit", "unit_panel", "unit_history", "approvals"):
            assert client.get(url(name, district.health.pk)).status_code == 404

    def test_a_liaison_cannot_use_the_forms(self, edu_line, zhang, district, liaison, client_for):
        placement = enrol(PersonFactory(unit=district.edu), edu_line)
        client = client_for(liaison)
        response = client.post(url("enrol", district.edu.pk), {
            "person": zhang.id_number, "on_quota": "1", "line": edu_line.pk, "on": today().isoformat(),
            "document_no": "示人〔2025〕9号"})
        assert response.status_code == 404
        assert client.post(url("release", placement.pk), {
            "reason": ReleaseReason.RESIGNATION, "on": today().isoformat(), "document_no": "x"}).status_code == 404
        assert client.get(url("movement_create", district.edu.pk)).status_code == 404
        assert not Placement.objects.filter(person=zhang).exists()
        placement.refresh_from_db()
        assert placement.ended_on is None

    def test_staff_of_one_subtree_get_403_on_a_unit_they_only_see(self, edu_line, district, client_for):
        user = user_create_with_grants(actor=None, username="grace", password=PASSWORD, full_name="卫健科员",
                                       grants=[(Role.OFFICE_STAFF, district.health), (Role.REVIEWER, None)])
        client = client_for(user)
        assert client.get(url("enrol", district.edu.pk)).status_code == 403
        assert client.get(url("enrol", district.health.pk)).status_code == 200

    def test_a_reviewer_sees_masked_id_numbers_in_the_roster(self, edu_line, zhang, reviewer, staff, client_for):
        enrol(zhang, edu_line)
        html = client_for(reviewer).get(url("unit", edu_line.unit.pk)).content.decode()
        assert mask_id_number(zhang.id_number) in html
        assert zhang.id_number not in html
        assert zhang.id_number in client_for(staff).get(url("unit", edu_line.unit.pk)).content.decode()


class TestOverview:
    def test_it_lists_lines_in_scope_and_filters_the_over_ones(self, district, edu_line, liaison, staff,
                                                              client_for):
        over = make_line(district.health, 0, warn=True)
        enrol(PersonFactory(unit=district.health), over, over_quota_reason="历史遗留")
        client = client_for(staff)
        everything = client.get(url("overview"))
        assert {line.pk for line in everything.context["page_obj"]} == {edu_line.pk, over.pk}
        assert url("unit", district.edu.pk) in everything.content.decode()
        only_over = client.get(url("overview"), {"over": "on"})
        assert [line.pk for line in only_over.context["page_obj"]] == [over.pk]
        by_name = client.get(url("overview"), {"q": "教育"}, **HTMX)
        assert [line.pk for line in by_name.context["page_obj"]] == [edu_line.pk]
        assert "<html" not in by_name.content.decode()
        mine = client_for(liaison).get(url("overview"))
        assert [line.pk for line in mine.context["page_obj"]] == [edu_line.pk]
