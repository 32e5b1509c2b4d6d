from typing import Any

from bianban.registration.filings import services
from bianban.registration.models import Filing
from bianban.registration.tests.filings_fixtures import S, days_ago, tick_all


def _change(staff: Any, registration: Any, **kwargs: Any) -> Filing:
    values = {"changes": {"legal_representative": "王校长"}, "occurred_on": days_ago(60)}
    values.update(kwargs)
    return services.filing_create_change(actor=staff, registration=registration, **values)


def test_the_list_shows_the_next_deadline_with_an_overdue_badge(client_for: Any, staff: Any,
                                                                registration: Any) -> None:
    _change(staff, registration)
    page = client_for(staff).get("/registration/filings/")
    body = page.content.decode()
    assert page.status_code == 200 and "申请变更登记" in body and 'data-overdue="1"' in body and "待申请" in body
    filtered = client_for(staff).get("/registration/filings/", {"overdue": "on", "kind": "cancel"})
    assert "没有符合条件的登记申请" in filtered.content.decode()


def test_the_detail_shows_the_timeline_materials_and_the_steps_allowed(client_for: Any, staff: Any,
                                                                      registration: Any) -> None:
    filing = _change(staff, registration, applied_on=days_ago(50))
    body = client_for(staff).get(f"/registration/filings/{filing.pk}/").content.decode()
    assert "变更登记申请书" in body and "法定代表人任免文件及身份证" in body and 'data-step="accepted"' in body
    assert "张校长" in body and "王校长" in body


def test_staff_tick_materials_and_record_a_step_through_the_confirmation_page(client_for: Any, staff: Any,
                                                                             registration: Any) -> None:
    filing = _change(staff, registration, applied_on=days_ago(50))
    client = client_for(staff)
    url = f"/registration/filings/{filing.pk}/transition/"
    refused = client.post(url, {"to_status": S.ACCEPTED, "expected_status": S.APPLIED, "on": days_ago(40)})
    assert refused.status_code == 422 and "材料不齐，不能受理" in refused.content.decode()
    client.post(f"/registration/filings/{filing.pk}/materials/",
                {"materials": ["change_application", "legal_rep_appointment"]})
    assert Filing.objects.get(pk=filing.pk).materials == ["change_application", "legal_rep_appointment"]
    assert "确认受理" in client.get(url, {"to": S.ACCEPTED}).content.decode()
    done = client.post(url, {"to_status": S.ACCEPTED, "expected_status": S.APPLIED, "on": days_ago(40)})
    assert done.status_code == 302 and Filing.objects.get(pk=filing.pk).status == S.ACCEPTED
    stale = client.post(url, {"to_status": S.REVIEWING, "expected_status": S.APPLIED, "on": days_ago(30)})
    assert stale.status_code == 422 and "已被他人修改，请刷新后重试" in stale.content.decode()


def test_a_change_is_created_from_the_form_with_only_the_changed_items(client_for: Any, staff: Any,
                                                                      registration: Any) -> None:
    client = client_for(staff)
    assert client.get("/registration/filings/new/", {"kind": "change"}).status_code == 200
    bad = client.post("/registration/filings/new/?kind=change",
                      {"registration": registration.pk, "occurred_on": days_ago(5), "capital": "1300"})
    assert bad.status_code == 422 and "开办资金变动未超过20%，无需办理变更登记" in bad.content.decode()
    ok = client.post("/registration/filings/new/?kind=change",
                     {"registration": registration.pk, "occurred_on": days_ago(5), "address": "新址路9号"})
    filing = Filing.objects.get()
    assert ok.status_code == 302 and filing.changes == {"address": ["示例区学府路1号", "新址路9号"]}


def test_an_establishment_and_a_cancellation_are_created_from_the_form(client_for: Any, staff: Any, district: Any,
                                                                       hospital_registration: Any) -> None:
    client = client_for(staff)
    assert client.get("/registration/filings/new/", {"kind": "establish"}).status_code == 200
    cancel = client.post("/registration/filings/new/?kind=cancel",
                         {"registration": hospital_registration.pk, "cancel_reason": "merged",
                          "liquidation_started_on": days_ago(3)})
    assert cancel.status_code == 302 and Filing.objects.get().status == S.LIQUIDATING
    assert "清算开始日期" in client.get(cancel.url).content.decode()
    assert 'data-step="liquidating"' in client.get(cancel.url).content.decode()


def test_an_establishment_is_recorded_before_the_application(client_for: Any, staff: Any, district: Any) -> None:
    client = client_for(staff)
    establish = client.post("/registration/filings/new/?kind=establish", {
        "unit": district.hospital.pk, "occurred_on": days_ago(10), "name": "示例区人民医院", "purpose": "医疗",
        "address": "健康路8号", "legal_representative": "李院长", "capital": "300", "funding_source": "partial",
        "sponsor": district.health.pk})
    assert establish.status_code == 302, establish.content.decode()
    page = client.get(establish.url).content.decode()
    assert "申请设立登记事项" in page and "（核准时填写）" in page and "待申请" in page


def test_out_of_scope_filings_are_404_and_the_liaison_cannot_write(client_for: Any, staff: Any, liaison: Any,
                                                                   registration: Any,
                                                                   hospital_registration: Any) -> None:
    mine = _change(staff, registration)
    theirs = _change(staff, hospital_registration)
    client = client_for(liaison)
    assert client.get(f"/registration/filings/{mine.pk}/").status_code == 200
    assert client.get(f"/registration/filings/{theirs.pk}/").status_code == 404
    listed = client.get("/registration/filings/").content.decode()
    assert "示例区第一中学" in listed and "示例区人民医院" not in listed
    assert client.get(f"/registration/filings/{mine.pk}/transition/", {"to": S.APPLIED}).status_code == 404
    assert client.post(f"/registration/filings/{mine.pk}/materials/", {"materials": []}).status_code == 404
    assert client.get("/registration/filings/new/").status_code == 404


def test_an_approval_step_asks_for_the_document_and_a_certificate_step_for_the_number(
        client_for: Any, staff: Any, registration: Any) -> None:
    filing = _change(staff, registration, applied_on=days_ago(50))
    tick_all(staff, filing)
    client = client_for(staff)
    url = f"/registration/filings/{filing.pk}/transition/"
    for to, on in ((S.ACCEPTED, 40), (S.REVIEWING, 39)):
        seen = Filing.objects.get(pk=filing.pk).status
        client.post(url, {"to_status": to, "expected_status": seen, "on": days_ago(on)})
    page = client.get(url, {"to": S.APPROVED}).content.decode()
    assert 'name="document_no"' in page and 'name="certificate_number"' not in page
    client.post(url, {"to_status": S.APPROVED, "expected_status": S.REVIEWING, "on": days_ago(30)})
    assert 'name="certificate_number"' in client.get(url, {"to": S.CERTIFIED}).content.decode()
    missing = client.post(url, {"to_status": S.CERTIFIED, "expected_status": S.APPROVED, "on": days_ago(20)})
    assert missing.status_code == 422 and "请填写新发证书的证书号" in missing.content.decode()
