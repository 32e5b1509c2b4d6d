"""Forms of the ideology pages; the services do the real validation (dates, meeting kind, owner), these only shape
the input."""

from typing import Any

from django import forms
from django.utils import timezone

from bianban.core.forms import BootstrapFormMixin, DateInput
from bianban.duties.choices import RiskLevel, RiskStatus
from bianban.duties.ideology.selectors import meetings, owner_choices
from bianban.duties.models import RiskPoint, SensitivePeriod
from bianban.party.models import Activity, Branch


class RiskFilterForm(BootstrapFormMixin, forms.Form):
    level = forms.ChoiceField(label="风险等级", required=False, choices=[("", "全部等级"), *RiskLevel.choices])
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *RiskStatus.choices])
    overdue = forms.BooleanField(label="只看逾期未研判", required=False)

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {"level": data.get("level") or "", "status": data.get("status") or "",
                "overdue": bool(data.get("overdue"))}


class RiskForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label="风险点", max_length=200)
    description = forms.CharField(label="表现形式", widget=forms.Textarea(attrs={"rows": 3}))
    level = forms.ChoiceField(label="风险等级", choices=RiskLevel.choices, initial=RiskLevel.MEDIUM)
    measures = forms.CharField(label="防控措施", widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.ModelChoiceField(label="责任人", queryset=None, required=False, empty_label="（支委会）")
    next_review_on = forms.DateField(label="下次研判", widget=DateInput())

    def __init__(self, *args: Any, branch: Branch, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owner_choices(branch)

    @staticmethod
    def initial_from(point: RiskPoint) -> dict[str, Any]:
        return {name: getattr(point, name) for name in
                ("title", "description", "level", "measures", "owner", "next_review_on")}

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Activity) -> str:
        return f"{obj.held_on:%Y-%m-%d} {obj.topic}"


class _MeetingMixin(forms.Form):
    activity = MeetingChoiceField(label="研判会", queryset=Activity.objects.none(), required=False,
                                  empty_label="（不在研判会上）", help_text="本支部已召开的意识形态分析研判会")

    def _set_meetings(self, branch: Branch) -> None:
        self.fields["activity"].queryset = meetings(branch)


class RiskReviewForm(BootstrapFormMixin, _MeetingMixin):
    reviewed_on = forms.DateField(label="研判日期", widget=DateInput(), required=False,
                                  help_text="选择研判会的，可不填（取研判会日期）")
    conclusion = forms.CharField(label="研判结论", widget=forms.Textarea(attrs={"rows": 3}))
    level = forms.ChoiceField(label="研判后等级", choices=RiskLevel.choices)
    next_review_on = forms.DateField(label="下次研判", widget=DateInput(), required=False)
    field_order = ["activity", "reviewed_on", "conclusion", "level", "next_review_on"]

    def __init__(self, *args: Any, point: RiskPoint, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_meetings(point.branch)
        self.fields["level"].initial = point.level

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class RiskCloseForm(BootstrapFormMixin, _MeetingMixin):
    closed_on = forms.DateField(label="解除日期", widget=DateInput(), required=False)
    reason = forms.CharField(label="解除理由", widget=forms.Textarea(attrs={"rows": 3}))
    field_order = ["activity", "closed_on", "reason"]

    def __init__(self, *args: Any, point: RiskPoint, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_meetings(point.branch)
        self.fields["closed_on"].initial = timezone.localdate()

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class RiskReopenForm(BootstrapFormMixin, forms.Form):
    next_review_on = forms.DateField(label="下次研判", widget=DateInput())
    reason = forms.CharField(label="恢复监测的原因", widget=forms.Textarea(attrs={"rows": 2}))

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class SensitivePeriodForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label="名称", max_length=100, help_text="如：全国两会、国庆、重大纪念日")
    starts_on = forms.DateField(label="开始日期", widget=DateInput())
    ends_on = forms.DateField(label="结束日期", widget=DateInput())
    note = forms.CharField(label="工作要求", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    @staticmethod
    def initial_from(period: SensitivePeriod) -> dict[str, Any]:
        return {name: getattr(period, name) for name in ("name", "starts_on", "ends_on", "note")}

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
