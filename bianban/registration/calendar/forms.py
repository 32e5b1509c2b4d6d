"""The calendar's filter: which kind of work, and how far ahead."""

from typing import Any

from django import forms

from bianban.core.forms import BootstrapFormMixin
from bianban.registration.calendar.agenda import KINDS

DAYS = [(7, "7天内"), (14, "14天内"), (30, "30天内"), (60, "60天内"), (90, "90天内"), (180, "180天内")]
DEFAULT_DAYS = 30


class CalendarFilterForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label="类型", required=False, choices=[("", "全部类型"), *KINDS.items()])
    days = forms.TypedChoiceField(label="范围", required=False, coerce=int, choices=DAYS, empty_value=DEFAULT_DAYS,
                                  initial=DEFAULT_DAYS)

    def filters(self) -> dict[str, Any]:
        """Invalid values fall back to the defaults: everything, the next 30 days."""
        data = self.cleaned_data if self.is_valid() else {}
        kind = data.get("kind") or ""
        return {"kinds": (kind,) if kind else tuple(KINDS), "days": data.get("days") or DEFAULT_DAYS}
