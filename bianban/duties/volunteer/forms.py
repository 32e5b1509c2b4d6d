"""The filter of the volunteer page: branch (the user's visible ones), year and 服务领域."""

from typing import Any

from django import forms
from django.utils import timezone

from bianban.core.forms import BootstrapFormMixin
from bianban.party.access import branches_for_user
from bianban.party.choices import VolunteerField


class VolunteerFilterForm(BootstrapFormMixin, forms.Form):
    branch = forms.ModelChoiceField(label="党支部", queryset=None, empty_label=None)
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    service_field = forms.ChoiceField(label="服务领域", required=False,
                                      choices=[("", "全部服务领域"), *VolunteerField.choices])

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches_for_user(user)
        self.fields["year"].initial = timezone.localdate().year
        self.fields["year"].widget.attrs["placeholder"] = "年度"
