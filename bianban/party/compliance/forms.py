"""Forms of the compliance pages: a rule's settings and an exemption. The services validate; these shape input."""

from typing import Any

from django import forms
from django.utils import timezone

from bianban.core.forms import BootstrapFormMixin
from bianban.party.choices import Period
from bianban.party.compliance.services import MAX_MIN_COUNT, YEARLY_ONLY
from bianban.party.models import ComplianceRule, PartyGroup


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, required=False)

    def year_or_current(self) -> int:
        return (self.cleaned_data.get("year") if self.is_valid() else None) or timezone.localdate().year


class RuleForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label="要求", max_length=100)
    enabled = forms.BooleanField(label="启用", required=False)
    period = forms.ChoiceField(label="周期", choices=Period.choices)
    min_count = forms.IntegerField(label="每周期至少（次）", min_value=1, max_value=MAX_MIN_COUNT)

    def __init__(self, *args: Any, rule: ComplianceRule, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"title": rule.title, "enabled": rule.enabled, "period": rule.period,
                                      "min_count": rule.min_count})
        super().__init__(*args, **kwargs)
        if rule.code in YEARLY_ONLY:
            # 民主评议 once a year; 谈心谈话 every pair once a year (条例第十九、二十条): only on/off and wording.
            for name in ("period", "min_count"):
                self.fields[name].disabled = True
                self.fields[name].help_text = "按年度计，不能修改"
        if rule.per_group:
            self.fields["min_count"].help_text = "每个党小组分别计"

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name, field in self.fields.items():
            if field.disabled:
                data.pop(name, None)
        return data


class ExemptionForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    index = forms.IntegerField(label="期次", help_text="月份（1–12）、季度（1–4）；按年度计的填1")
    group = forms.ModelChoiceField(label="党小组", queryset=PartyGroup.objects.none(), required=False,
                                   empty_label="全部党小组")
    reason = forms.CharField(label="免除原因", max_length=200)

    def __init__(self, *args: Any, rule: ComplianceRule, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = {Period.MONTH: "月份（1–12）", Period.QUARTER: "季度（1–4）", Period.YEAR: "期次（按年度计，填1）"}
        self.fields["index"].label = labels.get(rule.period, "期次")
        self.fields["index"].help_text = ""
        if rule.per_group:
            self.fields["group"].queryset = PartyGroup.objects.filter(branch=rule.branch).order_by("sort_order")
        else:
            del self.fields["group"]
