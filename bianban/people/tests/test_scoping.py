"""The shared scoping contract (bianban/testing.py) applied to persons."""

from typing import Any

from django.urls import reverse

from bianban.people.services import person_create
from bianban.people.tests.factories import make_id_number
from bianban.testing import ScopedAccessContract


class TestPersonScoping(ScopedAccessContract):
    ui_list = "/people/"
    api_list = "/api/v1/people"

    def make(self, district: Any, unit: Any) -> Any:
        return person_create(actor=None, name="测试人员", id_number=make_id_number(), unit=unit)

    def ui_detail(self, obj: Any) -> str:
        return reverse("people:detail", args=[obj.pk])

    def api_detail(self, obj: Any) -> str:
        return f"/api/v1/people/{obj.pk}"
