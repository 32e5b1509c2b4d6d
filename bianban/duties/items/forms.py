"""Forms of the 责任清单 pages; the services do the real validation (owners, months, targets), these shape the input.
The target is taken as text so that the service gives the one Chinese message for anything not a positive number."""

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from bianban.core.forms import BootstrapFormMixin, DateInput
from bianban.duties.choices import DutyMeasure
from bianban.duties.items import selectors
from bianban.duties.items.progress import MONTHS, month_end
from bianban.duties.models import DutyItem
from bianban.party.choices import ActivityKind, TalkKind
from bianban.party.models import Branch, Member
from bianban.units.models import Division

MONTH_CHOICES = [(str(m), f"{m}月") for m in MONTHS]


def default_due(item: DutyItem) -> date | None:
    """The deadline the service gives when none is typed: shown blank, so that it follows the months edited."""
    return month_end(item.year, item.month_list[-1]) if item.months else None


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return str(obj)


class ItemForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label="任务", max_length=200)
    description = forms.CharField(label="具体要求", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    owner_member = MemberChoiceField(label="责任人", queryset=None, required=False, empty_label="（不指定个人）")
    owner_division = forms.ModelChoiceField(label="责任科室", queryset=None, required=False,
                                            empty_label="（不指定科室）", help_text="责任人和责任科室选择其一")
    months = forms.MultipleChoiceField(label="部署月份", choices=MONTH_CHOICES, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    measure = forms.ChoiceField(label="完成情况计算", choices=DutyMeasure.choices, initial=DutyMeasure.MANUAL)
    activity_kind = forms.ChoiceField(label="活动类型", required=False,
                                      choices=[("", "请选择"), *ActivityKind.choices])
    talk_kind = forms.ChoiceField(label="谈话类型", required=False, choices=[("", "任何类型"), *TalkKind.choices])
    target_count = forms.CharField(label="量化目标", required=False, max_length=10,
                                   help_text="按记录计算的任务填写，如“专题研讨 12 次”填 12")
    due_on = forms.DateField(label="完成时限", required=False, widget=DateInput(),
                             help_text="不填则为最后一个部署月份的月底")

    def __init__(self, *args: Any, branch: Branch, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members, divisions = selectors.owner_choices(branch)
        # An owner who has since left (or a division since abolished) keeps the task (services._check_owner): keep
        # them choosable on edit, or saving any other field would demand a new owner.
        member, division = self.initial.get("owner_member"), self.initial.get("owner_division")
        if member is not None:
            members = members | Member.objects.filter(pk=member.pk, branch=branch).select_related("person")
        if division is not None:
            divisions = divisions | Division.objects.filter(pk=division.pk, unit_id=branch.unit_id)
        self.fields["owner_member"].queryset = members
        self.fields["owner_division"].queryset = divisions
        self.fields["months"].widget.attrs["class"] = "form-check-input"
        self.fields["target_count"].widget.attrs["inputmode"] = "numeric"

    @staticmethod
    def initial_from(item: DutyItem) -> dict[str, Any]:
        return {"title": item.title, "description": item.description, "owner_member": item.owner_member,
                "owner_division": item.owner_division, "months": [str(m) for m in item.month_list],
                "measure": item.measure, "activity_kind": item.activity_kind, "talk_kind": item.talk_kind,
                "target_count": item.target_count or "",
                "due_on": None if item.due_on == default_due(item) else item.due_on}

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"title": data["title"], "description": data["description"], "owner_member": data["owner_member"],
                "owner_division": data["owner_division"], "months": [int(m) for m in data["months"]],
                "measure": data["measure"], "activity_kind": data["activity_kind"], "talk_kind": data["talk_kind"],
                "target_count": data["target_count"] or None, "due_on": data["due_on"]}


class CompleteForm(BootstrapFormMixin, forms.Form):
    completed_on = forms.DateField(label="完成日期", widget=DateInput())
    note = forms.CharField(label="完成情况说明", widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(label="佐证材料", required=False, help_text="已上传佐证材料的可不再上传")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["completed_on"].initial = timezone.localdate()


class ReopenForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label="重新打开的原因", max_length=200)


class EvidenceForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label="佐证材料")
    note = forms.CharField(label="说明", max_length=200, required=False)


class FilterForm(BootstrapFormMixin, forms.Form):
    """The list's filters: owner ("m<id>" a member, "d<id>" a division), a month, a state."""

    owner = forms.ChoiceField(label="责任人/科室", required=False)
    month = forms.TypedChoiceField(label="月份", required=False, coerce=int, empty_value=None,
                                   choices=[("", "全部月份"), *MONTH_CHOICES])
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *selectors.STATES.items()])

    def __init__(self, *args: Any, branch: Branch, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members, divisions = selectors.owner_choices(branch)
        self.fields["owner"].choices = [("", "全部责任人"), *((f"m{m.pk}", str(m)) for m in members),
                                        *((f"d{d.pk}", d.name) for d in divisions)]

    def filters(self) -> dict[str, Any]:
        """The keyword arguments of selectors.year_tree; invalid values are ignored."""
        data = self.cleaned_data if self.is_valid() else {}
        return {"owner": data.get("owner") or "", "month": data.get("month"), "state": data.get("state") or ""}
