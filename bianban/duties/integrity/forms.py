"""Forms of the key-date pages; the services do the real validation (reminder date, assignees), these only shape
the input."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone

from bianban.core.forms import BootstrapFormMixin, DateInput
from bianban.duties.models import KeyDate
from bianban.party.models import Branch, Member


class MembersField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return str(obj)


def _current_members(branch: Branch) -> Any:
    return Member.objects.filter(branch=branch, left_on__isnull=True).select_related("person").order_by("pk")


class _AssigneesMixin(forms.Form):
    assignees = MembersField(label="落实人", queryset=Member.objects.none(), required=False,
                             widget=forms.CheckboxSelectMultiple, help_text="不选则提醒支委会成员")

    def _set_members(self, branch: Branch) -> None:
        self.fields["assignees"].queryset = _current_members(branch)
        self.fields["assignees"].widget.attrs["class"] = "form-check-input"


class KeyDateForm(BootstrapFormMixin, _AssigneesMixin):
    name = forms.CharField(label="节点名称", max_length=50, help_text="如：七一、中秋（尚未收录放假安排的年份）")
    on = forms.DateField(label="节点日期", widget=DateInput())
    lead_workdays = forms.IntegerField(label="提前（工作日）", initial=settings.BIANBAN["KEY_DATE_LEAD_WORKDAYS"],
                                      help_text="在节点前第几个工作日提醒；0 表示当天")
    actions = forms.CharField(label="提醒事项", widget=forms.Textarea(attrs={"rows": 2}),
                              help_text="如：发送节前廉政提醒；召开廉政谈话")
    talk_required = forms.BooleanField(label="须开展廉政谈话", required=False)
    field_order = ["name", "on", "lead_workdays", "actions", "talk_required", "assignees"]

    def __init__(self, *args: Any, branch: Branch, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_members(branch)

    @staticmethod
    def initial_from(key_date: KeyDate) -> dict[str, Any]:
        return {"name": key_date.name, "on": key_date.on, "lead_workdays": key_date.lead_workdays,
                "actions": key_date.actions, "talk_required": key_date.talk_required,
                "assignees": list(key_date.assignees.all())}

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"name": data["name"], "on": data["on"], "lead_workdays": data["lead_workdays"],
                "actions": data["actions"], "talk_required": data["talk_required"],
                "assignees": list(data["assignees"] or [])}


class GenerateForm(BootstrapFormMixin, _AssigneesMixin):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    lead_workdays = forms.IntegerField(label="提前（工作日）", initial=settings.BIANBAN["KEY_DATE_LEAD_WORKDAYS"])
    talk_required = forms.BooleanField(label="须开展廉政谈话", required=False)

    def __init__(self, *args: Any, branch: Branch, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_members(branch)

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"year": data["year"], "lead_workdays": data["lead_workdays"], "talk_required": data["talk_required"],
                "assignees": list(data["assignees"] or [])}


class DoneForm(BootstrapFormMixin, forms.Form):
    done_on = forms.DateField(label="落实日期", widget=DateInput())
    note = forms.CharField(label="落实情况", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["done_on"].initial = timezone.localdate()
