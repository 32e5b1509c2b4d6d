"""The two forms of the 统计报表 page: the 机构编制统计表 (a unit of the reader's scope, or all of it, and the 基准日)
and the 党建工作统计表 (a branch the reader may see and the year). The checks are the services' own, so the page, the
API and the command line refuse the same input with the same words."""

from typing import Any

from django import forms
from django.utils import timezone

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import has_district_perm
from bianban.core.exceptions import DomainError
from bianban.core.forms import BootstrapFormMixin, DateInput
from bianban.party.access import branches_for_user
from bianban.party.models import Branch
from bianban.reports.workbooks import services
from bianban.units.choices import UnitStatus
from bianban.units.models import Unit
from bianban.units.selectors import units_for_user


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        abolished = "（已撤销）" if obj.status == UnitStatus.ABOLISHED else ""
        return "　" * obj.depth + obj.name + abolished


class EstablishmentForm(BootstrapFormMixin, forms.Form):
    unit = UnitChoiceField(label="统计范围", queryset=Unit.objects.none(), required=False,
                           help_text="所选单位及其全部下属单位")
    as_of = forms.DateField(label="基准日", required=False, widget=DateInput(),
                            help_text="默认今天；年度统计一般以12月31日为基准日")

    def __init__(self, data: Any = None, *, user: Any) -> None:
        super().__init__(data, initial={"as_of": timezone.localdate()})
        self.user = user
        field = self.fields["unit"]
        field.queryset = units_for_user(user, Perm.UNITS_VIEW).order_by("path")
        field.empty_label = "全部单位" if has_district_perm(user, Perm.UNITS_VIEW) else "本人权限范围内全部单位"
        field.error_messages["invalid_choice"] = "请选择有权查看的单位"
        self.fields["as_of"].error_messages["invalid"] = "基准日格式应为 YYYY-MM-DD，如 2024-12-31"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        unit = data.get("unit")
        try:
            data["unit"], data["as_of"] = services.establishment_inputs(self.user, unit.pk if unit else None,
                                                                        data.get("as_of"))
        except DomainError as exc:
            self.add_domain_error(exc)
        return data


class PartyForm(BootstrapFormMixin, forms.Form):
    branch = forms.ModelChoiceField(label="党支部", queryset=Branch.objects.none(), empty_label=None)
    # Text, not IntegerField: the year's check (and its message) is the services' own.
    year = forms.CharField(label="年度", max_length=8, widget=forms.TextInput(attrs={"inputmode": "numeric"}))

    def __init__(self, data: Any = None, *, user: Any) -> None:
        super().__init__(data, initial={"year": timezone.localdate().year})
        self.fields["branch"].queryset = branches_for_user(user, Perm.PARTY_CHANGE).order_by("name")
        self.fields["branch"].error_messages.update(invalid_choice="请选择有权查看的党支部", required="请选择党支部")
        self.fields["year"].error_messages["required"] = "请填写年度"

    def clean_year(self) -> int:
        try:
            return services.check_year(self.cleaned_data.get("year"))
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None
