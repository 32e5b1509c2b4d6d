"""/api/v1 staffing routes: the staffing panel (now and as of a date), the roster with masking, quota movements,
leadership posts, approvals, 入编 / 出编 / 调动, and what each answers to bad input and to a unit liaison."""

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianban.core.models import AuditEvent
from bianban.people.tests.factories import PersonFactory
from bianban.staffing import services
from bianban.staffing.models import Approval, Placement, PostQuota, QuotaLine, QuotaMovement
from bianban.units.models import UnitEvent
from bianban.units.services import division_create

DOC = "示编〔2024〕1号"
FULL_ID = "110105197503150110"  # born 1975, unlike the factory's people


def post(client: Any, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data, content_type="application/json")


def set_quota(unit: Any, amount: int, *, kind: str = "institution", funding: str = "full",
              on: date = date(2024, 1, 1)) -> QuotaLine:
    movement = services.quota_movement_create(actor=None, unit=unit, kind=kind, funding=funding, type="SET",
                                              amount=amount, document_no=DOC, effective_on=on)
    return QuotaLine.objects.get(pk=movement.line_id)


def enrol(person: Any, unit: Any, *, on: date = date(2024, 2, 1), **kwargs: Any) -> Placement:
    kwargs.setdefault("kind", "institution")
    kwargs.setdefault("funding", "full")
    return services.placement_enrol(actor=None, person=person, unit=unit, on=on, document_no="示人〔2024〕3号",
                                    **kwargs)


def counts() -> tuple[int, ...]:
    """Everything a refused transaction must leave as it was."""
    return (Placement.objects.count(), AuditEvent.objects.count(), UnitEvent.objects.count(),
            QuotaMovement.objects.count(), Approval.objects.count(),
            *QuotaLine.objects.order_by("pk").values_list("occupied", flat=True))


@pytest.fixture
def line(district: Any) -> QuotaLine:
    """The school's 事业编制（全额拨款）: 2 approved, block mode."""
    return set_quota(district.school, 2)


@pytest.fixture
def zhang(district: Any) -> Any:
    return PersonFactory(name="张三", id_number=FULL_ID, unit=district.school)


class TestStaffing:
    def test_it_gives_each_lines_numbers_and_the_posts(self, district, line, zhang, staff, api_for):
        enrol(zhang, district.school)
        services.approval_create(actor=None, unit=district.school, kind="institution", funding="full", count=1,
                                 document_no="核〔2024〕1号", issued_on=date(2024, 1, 2),
                                 valid_until=date(2030, 12, 31))
        post_quota = services.post_quota_set(actor=None, unit=district.school, grade="PRINCIPAL", approved=1,
                                             document_no=DOC, effective_on=date(2024, 1, 1))

        response = api_for(staff).get(f"/api/v1/units/{district.school.pk}/staffing")

        assert response.status_code == 200, response.json()
        assert response.json() == {
            "unit_id": district.school.pk,
            "as_of": None,
            "lines": [{
                "id": line.pk, "kind": "institution", "kind_label": "事业编制", "funding": "full",
                "funding_label": "全额拨款", "approved": 2, "occupied": 1, "reserved": 1, "vacant": 0, "over": 0,
                "enforcement": "block", "requires_approval": False,
            }],
            "posts": [{
                "id": post_quota.pk, "unit_id": district.school.pk, "division_id": None, "division_name": None,
                "grade": "PRINCIPAL", "grade_label": "正职", "approved": 1, "filled": 0, "over": 0,
                "enforcement": "block", "document_no": DOC,
            }],
        }

    def test_as_of_gives_the_numbers_of_a_past_day_after_a_later_movement(self, district, line, zhang, staff,
                                                                          api_for):
        enrol(zhang, district.school, on=date(2024, 2, 1))
        client = api_for(staff)
        url = f"/api/v1/units/{district.school.pk}/staffing"
        later = post(client, f"/api/v1/units/{district.school.pk}/quota-movements", {
            "kind": "institution", "funding": "full", "type": "INCREASE", "amount": 3, "document_no": "示编〔2024〕9号",
            "effective_on": "2024-06-01",
        })
        assert later.status_code == 201, later.json()

        def numbers(**params: str) -> tuple[int, int, int]:
            body = client.get(url, params).json()
            [entry] = body["lines"]
            return entry["approved"], entry["occupied"], entry["vacant"]

        assert numbers() == (5, 1, 4)
        assert numbers(as_of="2024-03-01") == (2, 1, 1)
        assert numbers(as_of="2024-01-15") == (2, 0, 2)
        assert numbers(as_of="2023-12-31") == (0, 0, 0)
        assert client.get(url, {"as_of": "2024-03-01"}).json()["as_of"] == "2024-03-01"

    def test_a_bad_as_of_date_answers_422(self, district, staff, api_for):
        response = api_for(staff).get(f"/api/v1/units/{district.school.pk}/staffing", {"as_of": "2024-13-01"})
        assert response.status_code == 422
        assert response.json()["details"] == {"as_of": ["日期格式应为YYYY-MM-DD"]}

    def test_a_liaison_sees_their_own_units_and_not_anothers(self, district, line, liaison, api_for):
        client = api_for(liaison)
        assert client.get(f"/api/v1/units/{district.school.pk}/staffing").status_code == 200
        response = client.get(f"/api/v1/units/{district.hospital.pk}/staffing")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"

    def test_an_unknown_unit_answers_404(self, district, staff, api_for):
        assert api_for(staff).get("/api/v1/units/999999/staffing").status_code == 404


class TestRoster:
    def test_staff_see_who_is_in_the_unit_with_full_id_numbers(self, district, line, zhang, staff, api_for):
        placement = enrol(zhang, district.school, title="教师")
        outside = PersonFactory(name="李编外", unit=district.school)
        enrol(outside, district.school, kind=None, funding=None, on_quota=False)

        body = api_for(staff).get(f"/api/v1/units/{district.school.pk}/roster").json()

        assert body["count"] == 2
        entry = next(i for i in body["items"] if i["id"] == placement.pk)
        assert entry == entry | {
            "person_id": zhang.pk, "person_name": "张三", "id_number": FULL_ID, "id_number_masked": False,
            "line_id": line.pk, "kind": "institution", "funding": "full", "on_quota": True, "post_id": None,
            "division_id": None, "title": "教师", "started_on": "2024-02-01", "start_document_no": "示人〔2024〕3号",
        }
        off_quota = next(i for i in body["items"] if i["id"] != placement.pk)
        assert (off_quota["on_quota"], off_quota["line_id"], off_quota["kind"]) == (False, None, None)

    def test_a_reviewer_gets_the_id_numbers_masked(self, district, line, zhang, reviewer, api_for):
        enrol(zhang, district.school)
        [entry] = api_for(reviewer).get(f"/api/v1/units/{district.school.pk}/roster").json()["items"]
        assert entry["id_number"] == "110105********0110"
        assert entry["id_number_masked"] is True

    def test_a_liaison_gets_their_own_units_numbers_in_full(self, district, line, zhang, liaison, api_for):
        enrol(zhang, district.school)
        [entry] = api_for(liaison).get(f"/api/v1/units/{district.school.pk}/roster").json()["items"]
        assert entry["id_number"] == FULL_ID
        assert api_for(liaison).get(f"/api/v1/units/{district.hospital.pk}/roster").status_code == 404

    def test_as_of_shows_who_was_there_on_that_day(self, district, line, zhang, staff, api_for):
        placement = enrol(zhang, district.school, on=date(2024, 2, 1))
        services.placement_release(actor=None, placement=placement, reason="RESIGNATION", on=date(2024, 5, 1),
                                   document_no="示人〔2024〕8号")
        client = api_for(staff)
        url = f"/api/v1/units/{district.school.pk}/roster"
        assert client.get(url).json()["count"] == 0
        assert [i["person_name"] for i in client.get(url, {"as_of": "2024-03-01"}).json()["items"]] == ["张三"]
        assert client.get(url, {"as_of": "2024-01-31"}).json()["count"] == 0

    def test_it_paginates(self, district, staff, api_for):
        set_quota(district.school, 5)
        for _ in range(3):
            enrol(PersonFactory(unit=district.school), district.school)
        body = api_for(staff).get(f"/api/v1/units/{district.school.pk}/roster", {"limit": 2}).json()
        assert body["count"] == 3
        assert len(body["items"]) == 2

    def test_its_queries_do_not_grow_with_the_roster(self, district, liaison, api_for):
        set_quota(district.school, 6)
        client = api_for(liaison)  # a subtree grant: masking looks at each person's unit
        url = f"/api/v1/units/{district.school.pk}/roster"

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            return len(captured)

        enrol(PersonFactory(unit=district.school), district.school)
        queries()  # the first request also records the token's use
        one = queries()
        for _ in range(4):
            enrol(PersonFactory(unit=district.school), district.school)
        assert queries() == one


class TestQuotaMovements:
    def url(self, unit: Any) -> str:
        return f"/api/v1/units/{unit.pk}/quota-movements"

    def body(self, **overrides: Any) -> dict[str, Any]:
        return {"kind": "institution", "funding": "full", "type": "SET", "amount": 4, "document_no": DOC,
                "effective_on": "2024-01-01", **overrides}

    def test_it_sets_a_quota_and_answers_201(self, district, staff, api_for):
        response = post(api_for(staff), self.url(district.school), self.body(reason="新设"))

        assert response.status_code == 201, response.json()
        body = response.json()
        line = QuotaLine.objects.get(unit=district.school, kind="institution", funding="full")
        assert body == {"id": body["id"], "line_id": line.pk, "type": "SET", "type_label": "核定", "delta": 4,
                        "approved_after": 4, "document_no": DOC, "effective_on": "2024-01-01", "reason": "新设",
                        "counterpart_id": None}
        assert line.approved == 4
        assert AuditEvent.objects.filter(action="quota.set", actor=staff).exists()

    def test_a_transfer_moves_quota_to_another_unit(self, district, line, staff, api_for):
        response = post(api_for(staff), self.url(district.school),
                        self.body(type="TRANSFER", amount=1, to_unit=district.hospital.pk, effective_on="2024-03-01"))

        assert response.status_code == 201, response.json()
        body = response.json()
        target = QuotaLine.objects.get(unit=district.hospital, kind="institution", funding="full")
        assert (body["delta"], body["approved_after"]) == (-1, 1)
        assert QuotaMovement.objects.get(pk=body["counterpart_id"]).line == target
        assert target.approved == 1

    @pytest.mark.parametrize(("amount", "message"), [(-1, "数量不能小于1"), (1.5, "应为整数"), ("两", "应为整数")])
    def test_it_rejects_a_negative_or_non_integer_amount(self, district, line, staff, api_for, amount, message):
        client = api_for(staff)  # issuing the token is audited too
        before = counts()
        response = post(client, self.url(district.school), self.body(type="INCREASE", amount=amount))
        assert response.status_code == 422
        assert response.json()["code"] == "validation_error"
        assert response.json()["details"] == {"amount": [message]}
        assert counts() == before

    def test_it_rejects_a_missing_or_blank_document_no(self, district, staff, api_for):
        client = api_for(staff)
        data = self.body()
        del data["document_no"]
        missing = post(client, self.url(district.school), data)
        assert missing.status_code == 422
        assert missing.json()["details"] == {"document_no": ["必填"]}
        blank = post(client, self.url(district.school), self.body(document_no="  "))
        assert blank.status_code == 422
        assert blank.json()["details"] == {"document_no": ["请填写批准文件的文号"]}
        assert not QuotaLine.objects.exists()

    def test_it_rejects_a_transfer_to_the_same_line(self, district, line, staff, api_for):
        client = api_for(staff)  # issuing the token is audited too
        before = counts()
        response = post(client, self.url(district.school),
                        self.body(type="TRANSFER", amount=1, to_unit=district.school.pk))
        assert response.status_code == 422
        assert "to_unit" in response.json()["details"]
        assert counts() == before

    def test_it_refuses_to_take_approved_below_occupied_and_explains(self, district, line, zhang, staff, api_for):
        enrol(zhang, district.school)
        enrol(PersonFactory(unit=district.school), district.school)
        client = api_for(staff)  # issuing the token is audited too
        before = counts()

        response = post(client, self.url(district.school),
                        self.body(type="DECREASE", amount=1, effective_on="2024-03-01"))

        assert response.status_code == 409
        body = response.json()
        assert body["code"] == "over_quota"
        assert "变动后核定数 1 名将少于实有 2 名" in body["message"]
        assert body["details"] == {"line": line.pk, "approved_after": 1, "occupied": 2, "reserved": 0}
        assert counts() == before
        line.refresh_from_db()
        assert line.approved == 2

    def test_a_kind_the_unit_may_not_hold_is_refused(self, district, staff, api_for):
        response = post(api_for(staff), self.url(district.edu), self.body())
        assert response.status_code == 422
        assert "混编混岗" in response.json()["details"]["kind"][0]

    def test_an_unknown_target_unit_is_a_field_error(self, district, line, staff, api_for):
        response = post(api_for(staff), self.url(district.school),
                        self.body(type="TRANSFER", amount=1, to_unit=999999))
        assert response.status_code == 422
        assert response.json()["details"] == {"to_unit": ["单位不存在或无权访问"]}

    def test_a_liaison_is_forbidden_in_their_own_unit_and_gets_404_elsewhere(self, district, liaison, api_for):
        client = api_for(liaison)
        own = post(client, self.url(district.school), self.body())
        assert own.status_code == 403
        assert own.json()["code"] == "permission_denied"
        assert post(client, self.url(district.hospital), self.body()).status_code == 404
        assert not QuotaLine.objects.exists()


class TestPosts:
    def test_it_sets_leadership_posts_of_the_unit_and_of_a_division(self, district, staff, api_for):
        division = division_create(actor=None, unit=district.school, name="教务处")
        client = api_for(staff)
        url = f"/api/v1/units/{district.school.pk}/posts"

        unit_level = post(client, url, {"grade": "PRINCIPAL", "approved": 1, "document_no": DOC,
                                        "effective_on": "2024-01-01"})
        of_division = post(client, url, {"division": division.pk, "grade": "DEPUTY", "approved": 2,
                                         "document_no": DOC, "effective_on": "2024-01-01"})

        assert unit_level.status_code == 200, unit_level.json()
        assert unit_level.json() | {"id": 0} == {
            "id": 0, "unit_id": district.school.pk, "division_id": None, "division_name": None,
            "grade": "PRINCIPAL", "grade_label": "正职", "approved": 1, "filled": 0, "over": 0,
            "enforcement": "block", "document_no": DOC,
        }
        assert of_division.status_code == 200, of_division.json()
        assert (of_division.json()["division_name"], of_division.json()["approved"]) == ("教务处", 2)
        assert PostQuota.objects.count() == 2

    def test_it_refuses_fewer_posts_than_filled(self, district, line, zhang, staff, api_for):
        post_quota = services.post_quota_set(actor=None, unit=district.school, grade="PRINCIPAL", approved=1,
                                             document_no=DOC, effective_on=date(2024, 1, 1))
        enrol(zhang, district.school, post=post_quota)
        response = post(api_for(staff), f"/api/v1/units/{district.school.pk}/posts",
                        {"grade": "PRINCIPAL", "approved": 0, "document_no": DOC, "effective_on": "2024-03-01"})
        assert response.status_code == 409
        assert response.json()["code"] == "over_posts"

    def test_a_division_of_another_unit_is_refused(self, district, staff, api_for):
        division = division_create(actor=None, unit=district.hospital, name="医务科")
        response = post(api_for(staff), f"/api/v1/units/{district.school.pk}/posts",
                        {"division": division.pk, "grade": "DEPUTY", "approved": 1, "document_no": DOC,
                         "effective_on": "2024-01-01"})
        assert response.status_code == 422
        assert "division" in response.json()["details"]


class TestApprovals:
    def body(self, unit: Any, **overrides: Any) -> dict[str, Any]:
        return {"unit": unit.pk, "kind": "institution", "funding": "full", "count": 1, "document_no": "核〔2024〕1号",
                "issued_on": "2024-01-02", "valid_until": "2030-12-31", **overrides}

    def test_it_reserves_slots_and_answers_201(self, district, line, staff, api_for):
        response = post(api_for(staff), "/api/v1/approvals", self.body(district.school, count=2))

        assert response.status_code == 201, response.json()
        body = response.json()
        assert body | {"id": 0} == {
            "id": 0, "line_id": line.pk, "unit_id": district.school.pk, "kind": "institution", "funding": "full",
            "count": 2, "used": 0, "remaining": 2, "status": "open", "status_label": "有效",
            "document_no": "核〔2024〕1号", "issued_on": "2024-01-02", "valid_until": "2030-12-31",
            "closed_on": None, "reason": "",
        }
        line.refresh_from_db()
        assert line.reserved == 2

    def test_it_refuses_more_than_the_vacancies(self, district, line, staff, api_for):
        client = api_for(staff)  # issuing the token is audited too
        before = counts()
        response = post(client, "/api/v1/approvals", self.body(district.school, count=3))
        assert response.status_code == 409
        assert response.json()["code"] == "over_quota"
        assert response.json()["details"]["wanted"] == 3
        assert counts() == before

    def test_it_rejects_a_non_integer_count_and_an_unknown_unit(self, district, line, staff, api_for):
        client = api_for(staff)
        assert post(client, "/api/v1/approvals", self.body(district.school, count=0)).json()["details"] == {
            "count": ["数量不能小于1"]}
        assert post(client, "/api/v1/approvals", self.body(district.school, count=1.5)).json()["details"] == {
            "count": ["应为整数"]}
        unknown = post(client, "/api/v1/approvals", {**self.body(district.school), "unit": 999999})
        assert unknown.status_code == 422
        assert unknown.json()["details"] == {"unit": ["单位不存在或无权访问"]}
        assert not Approval.objects.exists()

    def test_the_list_is_scoped_and_filters_by_unit_and_status(self, district, line, staff, liaison, api_for):
        set_quota(district.hospital, 3)
        school = services.approval_create(actor=None, unit=district.school, kind="institution", funding="full",
                                          count=1, document_no="核1", issued_on=date(2024, 1, 2),
                                          valid_until=date(2030, 12, 31))
        hospital = services.approval_create(actor=None, unit=district.hospital, kind="institution",
                                            funding="full", count=1, document_no="核2", issued_on=date(2024, 1, 3),
                                            valid_until=date(2030, 12, 31))
        services.approval_withdraw(actor=None, approval=hospital, reason="计划取消", on=date(2024, 2, 1))

        def ids(user: Any, **params: Any) -> list[int]:
            return [i["id"] for i in api_for(user).get("/api/v1/approvals", params).json()["items"]]

        assert ids(staff) == [hospital.pk, school.pk]
        assert ids(staff, unit=district.school.pk) == [school.pk]
        assert ids(staff, status="withdrawn") == [hospital.pk]
        assert ids(liaison) == [school.pk]
        assert ids(liaison, unit=district.hospital.pk) == []

    def test_the_detail_is_404_outside_the_scope(self, district, line, liaison, api_for):
        set_quota(district.hospital, 3)
        hospital = services.approval_create(actor=None, unit=district.hospital, kind="institution",
                                            funding="full", count=1, document_no="核2", issued_on=date(2024, 1, 3),
                                            valid_until=date(2030, 12, 31))
        assert api_for(liaison).get(f"/api/v1/approvals/{hospital.pk}").status_code == 404

    def test_withdrawing_releases_the_reservation_once(self, district, line, staff, api_for):
        approval = services.approval_create(actor=None, unit=district.school, kind="institution", funding="full",
                                            count=2, document_no="核1", issued_on=date(2024, 1, 2),
                                            valid_until=date(2030, 12, 31))
        client = api_for(staff)
        url = f"/api/v1/approvals/{approval.pk}/withdraw"

        assert post(client, url, {}).json()["details"] == {"reason": ["必填"]}
        response = post(client, url, {"reason": "招聘计划取消"})

        assert response.status_code == 200, response.json()
        assert (response.json()["status"], response.json()["remaining"]) == ("withdrawn", 0)
        assert client.get(f"/api/v1/approvals/{approval.pk}").json()["status_label"] == "已撤回"
        line.refresh_from_db()
        assert line.reserved == 0
        again = post(client, url, {"reason": "再撤一次"})
        assert again.status_code == 422
        assert "approval" in again.json()["details"]


class TestEnrolments:
    def body(self, person: Any, unit: Any, **overrides: Any) -> dict[str, Any]:
        return {"person": person.pk, "unit": unit.pk, "kind": "institution", "funding": "full", "on": "2024-02-01",
                "document_no": "示人〔2024〕3号", **overrides}

    def test_it_enrols_and_answers_201_with_the_placement(self, district, line, zhang, staff, api_for):
        response = post(api_for(staff), "/api/v1/enrolments", self.body(zhang, district.school, title="教师"))

        assert response.status_code == 201, response.json()
        body = response.json()
        assert body | {"id": 0} == {
            "id": 0, "person_id": zhang.pk, "person_name": "张三", "unit_id": district.school.pk,
            "line_id": line.pk, "kind": "institution", "funding": "full", "on_quota": True, "post_id": None,
            "division_id": None, "title": "教师", "approval_id": None, "started_on": "2024-02-01",
            "start_document_no": "示人〔2024〕3号", "over_quota_reason": "", "ended_on": None, "end_reason": "",
            "end_document_no": "", "transferred_from_id": None,
        }
        line.refresh_from_db()
        assert line.occupied == 1
        assert AuditEvent.objects.filter(action="placement.enrol", actor=staff).exists()

    def test_it_enrols_against_an_approval_and_into_a_post(self, district, line, zhang, staff, api_for):
        approval = services.approval_create(actor=None, unit=district.school, kind="institution", funding="full",
                                            count=1, document_no="核1", issued_on=date(2024, 1, 2),
                                            valid_until=date(2030, 12, 31))
        post_quota = services.post_quota_set(actor=None, unit=district.school, grade="PRINCIPAL", approved=1,
                                             document_no=DOC, effective_on=date(2024, 1, 1))
        response = post(api_for(staff), "/api/v1/enrolments",
                        self.body(zhang, district.school, approval=approval.pk, post=post_quota.pk))

        assert response.status_code == 201, response.json()
        assert (response.json()["approval_id"], response.json()["post_id"]) == (approval.pk, post_quota.pk)
        approval.refresh_from_db()
        line.refresh_from_db()
        assert (approval.status, line.occupied, line.reserved) == ("used", 1, 0)

    def test_it_records_off_quota_staff_without_counting_them(self, district, line, zhang, staff, api_for):
        response = post(api_for(staff), "/api/v1/enrolments",
                        {"person": zhang.pk, "unit": district.school.pk, "on": "2024-02-01", "document_no": "聘1",
                         "on_quota": False})
        assert response.status_code == 201, response.json()
        assert (response.json()["on_quota"], response.json()["line_id"]) == (False, None)
        line.refresh_from_db()
        assert line.occupied == 0

    def test_a_full_block_mode_line_answers_409_over_quota_and_writes_nothing(self, district, line, staff,
                                                                              api_for):
        enrol(PersonFactory(unit=district.school), district.school)
        enrol(PersonFactory(unit=district.school), district.school)
        newcomer = PersonFactory(name="王五", unit=district.hospital)
        client = api_for(staff)  # issuing the token is audited too
        placements, audits = Placement.objects.count(), AuditEvent.objects.count()
        before = counts()

        response = post(client, "/api/v1/enrolments", self.body(newcomer, district.school))

        assert response.status_code == 409
        body = response.json()
        assert body["code"] == "over_quota"
        assert "核定 2 名，实有 2 名" in body["message"]
        assert body["details"] == {"line": line.pk, "approved": 2, "occupied": 2, "reserved": 0, "vacant": 0,
                                   "wanted": 1}
        assert Placement.objects.count() == placements
        assert AuditEvent.objects.count() == audits
        assert counts() == before
        newcomer.refresh_from_db()
        assert newcomer.unit == district.hospital

    def test_it_refuses_a_second_slot_for_the_same_person(self, district, line, zhang, staff, api_for):
        enrol(zhang, district.school)
        response = post(api_for(staff), "/api/v1/enrolments", self.body(zhang, district.school))
        assert response.status_code == 422
        assert "person" in response.json()["details"]

    def test_unknown_references_are_field_errors(self, district, line, zhang, staff, api_for):
        client = api_for(staff)
        unknown_person = post(client, "/api/v1/enrolments", {**self.body(zhang, district.school), "person": 999999})
        assert unknown_person.status_code == 422
        assert unknown_person.json()["details"] == {"person": ["人员不存在或无权访问"]}
        unknown_unit = post(client, "/api/v1/enrolments", {**self.body(zhang, district.school), "unit": 999999})
        assert unknown_unit.json()["details"] == {"unit": ["单位不存在或无权访问"]}
        unknown_approval = post(client, "/api/v1/enrolments", self.body(zhang, district.school, approval=999999))
        assert unknown_approval.json()["details"] == {"approval": ["用编核准不存在或无权访问"]}
        assert not Placement.objects.exists()

    def test_a_liaison_may_not_enrol_even_in_their_own_unit(self, district, line, zhang, liaison, api_for):
        response = post(api_for(liaison), "/api/v1/enrolments", self.body(zhang, district.school))
        assert response.status_code == 403
        assert not Placement.objects.exists()


class TestReleases:
    def body(self, placement: Placement, **overrides: Any) -> dict[str, Any]:
        return {"placement": placement.pk, "reason": "RETIREMENT", "on": "2024-06-30",
                "document_no": "示人〔2024〕9号", **overrides}

    def test_it_releases_and_frees_the_slot(self, district, line, zhang, staff, api_for):
        placement = enrol(zhang, district.school)
        response = post(api_for(staff), "/api/v1/releases", self.body(placement))

        assert response.status_code == 200, response.json()
        body = response.json()
        assert (body["id"], body["ended_on"], body["end_reason"], body["end_document_no"]) == (
            placement.pk, "2024-06-30", "RETIREMENT", "示人〔2024〕9号")
        line.refresh_from_db()
        assert line.occupied == 0

    def test_it_rejects_releasing_an_already_released_placement(self, district, line, zhang, staff, api_for):
        placement = enrol(zhang, district.school)
        client = api_for(staff)
        assert post(client, "/api/v1/releases", self.body(placement)).status_code == 200
        before = counts()

        again = post(client, "/api/v1/releases", self.body(placement, on="2024-07-01"))

        assert again.status_code == 422
        assert "已于此前出编" in again.json()["details"]["placement"][0]
        assert counts() == before

    def test_an_unknown_reason_or_placement_is_a_field_error(self, district, line, zhang, staff, api_for):
        placement = enrol(zhang, district.school)
        client = api_for(staff)
        assert post(client, "/api/v1/releases", self.body(placement, reason="HOLIDAY")).json()["details"] == {
            "reason": ["取值不在允许范围内"]}
        assert post(client, "/api/v1/releases", {**self.body(placement), "placement": 999999}).json()["details"] == {
            "placement": ["编制记录不存在或无权访问"]}


class TestTransfers:
    def body(self, placement: Placement, to_unit: Any, **overrides: Any) -> dict[str, Any]:
        return {"placement": placement.pk, "to_unit": to_unit.pk, "kind": "institution", "funding": "full",
                "on": "2024-09-01", "document_no": "示人〔2024〕12号", **overrides}

    def test_it_moves_the_person_to_another_units_line(self, district, line, zhang, staff, api_for):
        target = set_quota(district.hospital, 1)
        placement = enrol(zhang, district.school)

        response = post(api_for(staff), "/api/v1/transfers", self.body(placement, district.hospital, title="医师"))

        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["unit_id"], body["line_id"], body["transferred_from_id"], body["title"]) == (
            district.hospital.pk, target.pk, placement.pk, "医师")
        placement.refresh_from_db()
        assert (placement.ended_on, placement.end_reason) == (date(2024, 9, 1), "TRANSFER_OUT")
        line.refresh_from_db()
        target.refresh_from_db()
        assert (line.occupied, target.occupied) == (0, 1)

    def test_it_rejects_a_transfer_to_the_same_line(self, district, line, zhang, staff, api_for):
        placement = enrol(zhang, district.school)
        client = api_for(staff)  # issuing the token is audited too
        before = counts()
        response = post(client, "/api/v1/transfers", self.body(placement, district.school))
        assert response.status_code == 422
        assert response.json()["details"] == {"to_unit": ["调动的目标编制与原编制相同"]}
        assert counts() == before

    def test_a_full_target_answers_409_and_leaves_the_person_in_place(self, district, line, zhang, staff,
                                                                      api_for):
        set_quota(district.hospital, 0)
        placement = enrol(zhang, district.school)
        client = api_for(staff)  # issuing the token is audited too
        before = counts()
        response = post(client, "/api/v1/transfers", self.body(placement, district.hospital))
        assert response.status_code == 409
        assert response.json()["code"] == "over_quota"
        assert counts() == before
        placement.refresh_from_db()
        assert placement.ended_on is None


class TestPlacementDetail:
    def test_it_shows_a_placement_in_scope_and_404_outside(self, district, zhang, staff, liaison, api_for):
        set_quota(district.hospital, 1)
        placement = enrol(zhang, district.hospital)
        body = api_for(staff).get(f"/api/v1/placements/{placement.pk}").json()
        assert (body["id"], body["person_name"], body["unit_id"]) == (placement.pk, "张三", district.hospital.pk)
        assert api_for(liaison).get(f"/api/v1/placements/{placement.pk}").status_code == 404
