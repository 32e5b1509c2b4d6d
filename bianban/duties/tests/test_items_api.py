# ruff: noqa: F811  (pytest fixtures imported from items_fixtures are redefined as arguments)
"""/api/v1/duty-items: a round trip with computed progress, bad input as 422 in Chinese, scoping as 404 and 403."""

import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from bianban.duties.models import DutyItem
from bianban.duties.tests.items_fixtures import (  # noqa: F401
    LAST_YEAR,
    health,
    hold,
    last_year,
    make_item,
    media,
    pdf,
    seminars,
)
from bianban.party.choices import ActivityKind

pytestmark = pytest.mark.django_db
URL = "/api/v1/duty-items"


def _post(client: Any, url: str, body: dict) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def _patch(client: Any, url: str, body: dict) -> Any:
    return client.patch(url, json.dumps(body), content_type="application/json")


def test_a_round_trip_with_progress_computed(api_for: Any, branch: SimpleNamespace, hold: Any) -> None:
    api = api_for(branch.users.secretary)
    created = _post(api, URL, {"branch_id": branch.branch.pk, "year": LAST_YEAR, "title": "开展专题研讨",
                               "months": list(range(1, 13)), "measure": "activities",
                               "activity_kind": ActivityKind.SEMINAR, "target_count": 12,
                               "owner_member_id": branch.full[0].pk})
    assert created.status_code == 201, created.content
    item_id = created.json()["id"]
    hold(ActivityKind.SEMINAR, last_year(1))
    hold(ActivityKind.SEMINAR, last_year(2))
    listed = api.get(URL, {"branch": branch.branch.pk, "year": LAST_YEAR, "month": 2}).json()
    assert listed["count"] == 1
    progress = listed["items"][0]["progress"]
    assert (progress["done"], progress["target"], progress["label"], progress["behind"]) == (2, 12, "2/12", True)
    patched = _patch(api, f"{URL}/{item_id}", {"target_count": 2, "title": "开展专题研讨（调整）"})
    assert patched.status_code == 200 and patched.json()["progress"]["complete"] is True
    assert api.get(f"{URL}/{item_id}").json()["title"] == "开展专题研讨（调整）"
    assert api.delete(f"{URL}/{item_id}").status_code == 204
    assert not DutyItem.objects.exists()


def test_bad_input_is_422_in_chinese_with_nothing_written(api_for: Any, branch: SimpleNamespace) -> None:
    api = api_for(branch.users.secretary)
    base = {"branch_id": branch.branch.pk, "year": LAST_YEAR, "title": "走访", "months": [4],
            "measure": "visits", "owner_member_id": branch.full[0].pk}
    for target in (0, -1, "十"):
        response = _post(api, URL, {**base, "target_count": target})
        assert response.status_code == 422 and response.json()["message"] == "量化目标应为正整数"
    response = _post(api, URL, {**base, "target_count": 5, "months": [13]})
    assert response.status_code == 422 and "应为1至12月" in response.json()["message"]
    response = _post(api, URL, {**base, "measure": "manual", "target_count": 5})
    assert response.status_code == 422 and "不设量化目标" in response.json()["message"]
    assert not DutyItem.objects.exists()


def test_complete_and_reopen_a_hand_ticked_task(api_for: Any, branch: SimpleNamespace, make_item: Any) -> None:
    item = make_item()
    api = api_for(branch.users.secretary)
    today = f"{timezone.localdate():%Y-%m-%d}"
    bare = _post(api, f"{URL}/{item.pk}/complete", {"completed_on": today, "note": "已印发"})
    assert bare.status_code == 422 and "请至少上传一份佐证材料" in bare.json()["message"]
    upload = api.post(f"{URL}/{item.pk}/evidence", {"file": pdf()})
    assert upload.status_code == 201, upload.content
    done = _post(api, f"{URL}/{item.pk}/complete", {"completed_on": today, "note": "已印发"})
    assert done.status_code == 200 and done.json()["progress"]["state"] == "complete"
    reopened = _post(api, f"{URL}/{item.pk}/reopen", {"reason": "材料不全"})
    assert reopened.status_code == 200 and reopened.json()["completed_on"] is None


def test_other_branches_are_404_and_readers_get_403(api_for: Any, branch: SimpleNamespace, make_item: Any,
                                                    health: SimpleNamespace, outsider: Any) -> None:
    item = make_item()
    other = api_for(health.secretary_user)
    assert other.get(f"{URL}/{item.pk}").status_code == 404
    assert _patch(other, f"{URL}/{item.pk}", {"title": "改"}).status_code == 404
    assert other.get(URL).json() == {"items": [], "count": 0}
    assert api_for(outsider).get(f"{URL}/{item.pk}").status_code == 404
    reader = api_for(branch.users.member)
    assert reader.get(f"{URL}/{item.pk}").status_code == 200
    assert _patch(reader, f"{URL}/{item.pk}", {"title": "改"}).status_code == 403
    created = _post(reader, URL, {"branch_id": branch.branch.pk, "year": LAST_YEAR, "title": "x", "months": [3],
                                  "owner_member_id": branch.full[0].pk})
    assert created.status_code == 403
    assert reader.delete(f"{URL}/{item.pk}").status_code == 403
    assert DutyItem.objects.get().title == "制定年度党建工作计划"


def test_a_huge_target_is_422_in_chinese_not_an_overflow(api_for: Any, branch: SimpleNamespace) -> None:
    api = api_for(branch.users.secretary)
    base = {"branch_id": branch.branch.pk, "year": LAST_YEAR, "title": "专题研讨", "months": [4],
            "measure": "activities", "activity_kind": ActivityKind.SEMINAR, "owner_member_id": branch.full[0].pk}
    for target in (100_001, 2**31, 10**30):
        response = _post(api, URL, {**base, "target_count": target})
        assert response.status_code == 422, (target, response.content)
        assert response.json()["message"] == "量化目标不能超过100000"
    assert not DutyItem.objects.exists()
    assert _post(api, URL, {**base, "target_count": 100_000}).status_code == 201


def test_listing_by_an_id_no_database_can_hold_is_refused_not_a_500(api_for: Any, branch: SimpleNamespace,
                                                                      make_item: Any) -> None:
    make_item()
    api = api_for(branch.users.secretary)
    for params in ({"branch": 10**20}, {"owner_member": 10**20}, {"branch": -1}):
        response = api.get(URL, params)
        assert response.status_code == 422, params
        expected = "应不大于9223372036854775807" if 10**20 in params.values() else "应不小于1"
        assert response.json()["details"] == {next(iter(params)): [expected]}
    assert api.get(URL, {"branch": branch.branch.pk}).json()["count"] == 1
