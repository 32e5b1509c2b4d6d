"""Forms of the ledger pages; the services do the real validation, these only shape the input."""

from typing import Any

from django import forms
from django.utils import timezone

from bianban.accounts.choices import Perm
from bianban.core.forms import BootstrapFormMixin, DateInput
from bianban.ledger.choices import ProblemCategory, ProblemSource, ProblemStatus
from bianban.ledger.files import ALLOWED_LABEL
from bianban.units.selectors import units_for_user


def _blank(label: str, choices: Any) -> list[tuple[str, str]]:
    return [("", label), *choices]


class ProblemFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label="关键词", required=False)
    status = forms.ChoiceField(label="状态", required=False, choices=_blank("全部状态", ProblemStatus.choices))
    overdue = forms.ChoiceField(label="是否逾期", required=False,
                                choices=[("", "是否逾期"), ("1", "已逾期"), ("0", "未逾期")])
    source = forms.ChoiceField(label="来源", required=False, choices=_blank("全部来源", ProblemSource.choices))
    category = forms.ChoiceField(label="类别", required=False, choices=_blank("全部类别", ProblemCategory.choices))
    unit = forms.ModelChoiceField(label="责任单位", required=False, queryset=None, empty_label="全部单位")
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for_user(user).order_by("path")
        self.fields["q"].widget.attrs["placeholder"] = "按问题、描述或责任人查找"
        self.fields["year"].widget.attrs["placeholder"] = "年度"

    def filters(self) -> dict[str, Any]:
        """The selector's keyword arguments; invalid values are ignored."""
        data = self.cleaned_data if self.is_valid() else {}
        overdue = {"1": True, "0": False}.get(data.get("overdue") or "")
        unit = data.get("unit")
        return {"status": data.get("status") or "", "overdue": overdue, "source": data.get("source") or "",
                "unit": unit.pk if unit else None, "category": data.get("category") or "",
                "year": data.get("year"), "q": (data.get("q") or "").strip()}


class ProblemForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label="问题", max_length=200)
    description = forms.CharField(label="问题描述", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    category = forms.ChoiceField(label="类别", choices=ProblemCategory.choices, initial=ProblemCategory.OTHER)
    unit = forms.ModelChoiceField(label="责任单位", queryset=None, empty_label="请选择")
    responsible = forms.CharField(label="责任人", max_length=100, required=False)
    deadline = forms.DateField(label="整改时限", required=False, widget=DateInput())
    deadline_workdays = forms.IntegerField(label="整改时限（工作日）", required=False, min_value=0,
                                           help_text="不填整改时限时，自今日起按工作日计算")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for_user(user, Perm.LEDGER_CHANGE).order_by("path")


class ProblemEditForm(ProblemForm):
    """Correcting a registered problem: its deadline is a date now (the working-day count was for registering)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["deadline_workdays"]


class MeasureForm(BootstrapFormMixin, forms.Form):
    description = forms.CharField(label="整改措施", widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.CharField(label="责任人", max_length=100, required=False)
    deadline = forms.DateField(label="完成时限", required=False, widget=DateInput())
    note = forms.CharField(label="进展情况", required=False)


class MeasureCompleteForm(BootstrapFormMixin, forms.Form):
    done_on = forms.DateField(label="完成日期", required=False, widget=DateInput())
    note = forms.CharField(label="进展情况", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["done_on"].initial = timezone.localdate()


class EvidenceForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label="佐证材料", help_text=f"只接受{ALLOWED_LABEL}，按文件内容核验类型")
    note = forms.CharField(label="说明", required=False)


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(choices=ProblemStatus.choices)
    note = forms.CharField(required=False)
