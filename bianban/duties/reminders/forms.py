"""The reminder list's filter."""

from typing import Any

from django import forms

from bianban.core.forms import BootstrapFormMixin
from bianban.duties.choices import ReminderKind


class ReminderFilterForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label="类型", required=False, choices=[("", "全部类型"), *ReminderKind.choices])
    dismissed = forms.BooleanField(label="含已知晓", required=False)

    def filters(self) -> dict[str, Any]:
        """The selector's keyword arguments; invalid values are ignored."""
        data = self.cleaned_data if self.is_valid() else {}
        return {"kind": data.get("kind") or "", "include_dismissed": bool(data.get("dismissed"))}
