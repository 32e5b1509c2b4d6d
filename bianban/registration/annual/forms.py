"""Forms of the annual-report pages; the services check years, amounts and required contents, and their Chinese
messages are put back on the fields. Amounts come in as text so the service's messages (负数, 过大, 两位小数) show,
not a browser's or Django's generic ones."""

from typing import Any

from django import forms

from bianban.accounts.choices import Perm
from bianban.core.forms import BootstrapFormMixin
from bianban.registration.annual import selectors
from bianban.registration.annual.services import ONLINE_NAME_MAX, REASON_MAX, TEXT_MAX
from bianban.registration.choices import RegistrationStatus
from bianban.registration.models import AnnualReport
from bianban.registration.registrations.selectors import registrations_for_user, sponsor_choices


def _text(label: str, help_text: str = "", rows: int = 3) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=TEXT_MAX, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": rows}))


def _amount(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(label=label, required=False, help_text=help_text,
                           widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "万元，两位小数"}))


class StatusFilterForm(BootstrapFormMixin, forms.Form):
    year = forms.TypedChoiceField(label="报告年度", required=False, coerce=int)
    q = forms.CharField(label="关键词", required=False)
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *selectors.STATE_CHOICES])
    sponsor = forms.ModelChoiceField(label="举办单位", required=False, queryset=None, empty_label="全部举办单位")
    late = forms.BooleanField(label="只看逾期", required=False)

    def __init__(self, *args: Any, user: Any, today: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["year"].choices = [(y, f"{y}年度") for y in selectors.year_choices(today)]
        self.fields["sponsor"].queryset = sponsor_choices(user)
        self.fields["q"].widget.attrs["placeholder"] = "按名称、代码查找"

    def filters(self) -> dict[str, Any]:
        """The selector's keyword arguments (and the year); invalid values fall back to the defaults."""
        data = self.cleaned_data if self.is_valid() else {}
        sponsor = data.get("sponsor")
        return {"year": data.get("year") or selectors.default_year(self.today), "state": data.get("state") or "",
                "sponsor": sponsor.pk if sponsor else None, "late_only": bool(data.get("late")),
                "q": (data.get("q") or "").strip()}


class CreateForm(BootstrapFormMixin, forms.Form):
    registration = forms.ModelChoiceField(label="事业单位", queryset=None, empty_label="请选择")
    year = forms.IntegerField(label="报告年度", help_text="报告上一年度的情况，报送期为每年1月1日至3月31日")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["registration"].queryset = registrations_for_user(
            user, perm=Perm.UNITS_CHANGE, status=RegistrationStatus.ACTIVE)


class ContentsForm(BootstrapFormMixin, forms.Form):
    """The §3.4 contents (domain.md): texts, 资产损益 in 万元, 从业人员."""

    business_activities = _text("开展业务活动情况", rows=4)
    net_assets_start = _amount("净资产年初数（万元）", "资不抵债的可填负数")
    net_assets_end = _amount("净资产年末数（万元）")
    revenue = _amount("收入（万元）")
    expenditure = _amount("支出（万元）")
    staff_count = forms.CharField(label="从业人员（在编实有）", required=False,
                                  help_text="已按12月31日在编实有人数预填；不含返聘和临时人员")
    online_name = forms.CharField(label="网上名称", required=False, max_length=ONLINE_NAME_MAX,
                                  help_text="如“XX.公益”，没有的不填")
    change_compliance = _text("执行变更登记规定情况")
    performance = _text("绩效和受奖惩情况")
    litigation = _text("涉及诉讼情况", "没有的填“无”", rows=2)
    complaints = _text("社会投诉情况", "没有的填“无”", rows=2)
    donations = _text("接受捐赠资助及使用情况", "没有的填“无”", rows=2)
    other = _text("其他", rows=2)

    @classmethod
    def initial_from(cls, report: AnnualReport) -> dict[str, Any]:
        return {name: getattr(report, name) for name in cls.base_fields}


class ReturnForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label="退回原因", max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2}))

