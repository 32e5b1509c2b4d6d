"""Shared test contracts (NetBox's permission mixins): every scoped object type proves the same rules."""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client

from bianban.core.exceptions import Conflict, ValidationFailed


class ScopedAccessContract:
    """Mix into a test class for an object type that belongs to a unit. The class supplies:

    - `make(district, unit)`: create one object belonging to `unit`
    - `ui_detail(obj)`, `api_detail(obj)`: its URLs; `ui_list`, `api_list`: the list URLs

    and gets the scoping tests: the liaison of 区教育局 sees objects of its subtree and gets 404 for any other
    unit's, in the UI and the API; lists show only what the caller may see; strangers get 404 or nothing.
    """

    ui_list: str
    api_list: str

    def make(self, district: Any, unit: Any) -> Any:
        raise NotImplementedError

    def ui_detail(self, obj: Any) -> str:
        raise NotImplementedError

    def api_detail(self, obj: Any) -> str:
        raise NotImplementedError

    def test_liaison_sees_an_object_of_a_unit_below_their_own(self, district, liaison, client_for, api_for):
        obj = self.make(district, district.school)
        assert client_for(liaison).get(self.ui_detail(obj)).status_code == 200
        assert api_for(liaison).get(self.api_detail(obj)).status_code == 200

    def test_liaison_gets_404_for_another_units_object_in_the_ui(self, district, liaison, client_for):
        obj = self.make(district, district.hospital)
        assert client_for(liaison).get(self.ui_detail(obj)).status_code == 404

    def test_liaison_gets_404_for_another_units_object_in_the_api(self, district, liaison, api_for):
        obj = self.make(district, district.hospital)
        response = api_for(liaison).get(self.api_detail(obj))
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"

    def test_api_list_holds_only_the_callers_scope(self, district, liaison, api_for):
        inside = self.make(district, district.school)
        outside = self.make(district, district.hospital)
        ids = {item["id"] for item in api_for(liaison).get(self.api_list, {"limit": 500}).json()["items"]}
        assert inside.pk in ids
        assert outside.pk not in ids

    def test_office_staff_see_every_units_object(self, district, staff, client_for, api_for):
        obj = self.make(district, district.hospital)
        assert client_for(staff).get(self.ui_detail(obj)).status_code == 200
        assert api_for(staff).get(self.api_detail(obj)).status_code == 200

    def test_a_user_without_grants_sees_nothing(self, district, outsider, client_for, api_for):
        obj = self.make(district, district.school)
        assert client_for(outsider).get(self.ui_detail(obj)).status_code == 404
        assert api_for(outsider).get(self.api_detail(obj)).status_code == 404
        assert api_for(outsider).get(self.api_list).json()["count"] == 0

    def test_anonymous_callers_are_sent_to_login_or_get_401(self, district):
        obj = self.make(district, district.school)
        response = Client().get(self.ui_detail(obj))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
        assert Client().get(self.api_detail(obj)).status_code == 401


def race(*actions: Callable[[], Any]) -> list[str]:
    """Run the actions at once on real threads (each its own connection); their outcomes, sorted: "ok",
    "conflict" (Conflict raised), the message of a ValidationFailed, or the repr of any other exception."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = []

    def run(action: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            action()
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        except ValidationFailed as exc:
            outcomes.append(exc.message)
        except Exception as exc:
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)
