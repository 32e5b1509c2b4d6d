"""Forms of the unit pages. They only shape input: every rule is checked by the services, whose errors are put
back next to the fields (`show_service_error`)."""

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone

from bianban.core.exceptions import DomainError
from bianban.core.forms import BootstrapFormMixin, DateInput
from bianban.units import selectors
from bianban.units.choices import Funding, InstitutionClass, QuotaKind, SystemCategory, UnitKind, UnitRank, UnitStatus
from bianban.units.models import Charter, Unit


def _blank(label: str, choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", label), *choices]


def show_service_error(form: forms.Form, exc: DomainError) -> None:
    """Put a service's error next to its fields; messages that belong to no field go to the top."""
    form.add_domain_error(exc)  # type: ignore[attr-defined]


class _Configured(forms.Form):
    """Forms whose fields depend on the user or the object: `configure(user=…, unit=…)` runs after Django has
    copied the fields."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        options = {name: kwargs.pop(name) for name in ("user", "unit") if name in kwargs}
        super().__init__(*args, **kwargs)
        self.configure(**options)

    def configure(self, **options: Any) -> None:
        pass


class UnitSearchForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label="关键词", required=False, max_length=100)
    kind = forms.ChoiceField(label="单位类型", required=False, choices=_blank("全部类型", UnitKind.choices))
    status = forms.ChoiceField(label="状态", required=False, choices=_blank("全部状态", UnitStatus.choices))

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {"q": "", "kind": "", "status": ""}
        return {name: self.cleaned_data.get(name) or "" for name in ("q", "kind", "status")}


class ParentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return "　" * obj.depth + obj.name


class UnitForm(BootstrapFormMixin, _Configured):
    name = forms.CharField(label="机构全称", max_length=100)
    short_name = forms.CharField(label="规范简称", max_length=50, required=False)
    other_names = forms.CharField(label="其他名称（加挂牌子）", max_length=200, required=False)
    kind = forms.ChoiceField(label="单位类型", choices=_blank("请选择", UnitKind.choices))
    institution_class = forms.ChoiceField(
        label="事业单位类别", required=False, choices=_blank("—（机关、群团机关不填）", InstitutionClass.choices)
    )
    rank = forms.ChoiceField(label="机构规格", choices=UnitRank.choices, initial=UnitRank.UNRANKED)
    system_category = forms.ChoiceField(label="系统类别", required=False, choices=_blank("—", SystemCategory.choices))
    parent = ParentChoiceField(label="主管部门", queryset=Unit.objects.none(), required=False,
                               empty_label="（无，顶层机构）")
    uscc = forms.CharField(label="统一社会信用代码", max_length=30, required=False,
                           help_text="18位；机关以11开头，事业单位以12开头")
    uscc_checksum_reason = forms.CharField(
        label="校验未通过的说明", max_length=200, required=False,
        help_text="仅当代码校验位不符但确属合法代码（如早期试点代码）时填写，填写即表示已核实确认",
    )
    established_on = forms.DateField(label="成立时间", required=False, widget=DateInput())
    functions = forms.CharField(label="主要职责", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    sort_order = forms.IntegerField(label="排序", initial=0, help_text="同一主管部门下按此数字从小到大排列")
    document_no = forms.CharField(label="批准文号", max_length=100, required=False,
                                  help_text="如：X编〔2023〕12号")

    def configure(self, user: Any = None, unit: Unit | None = None) -> None:
        self.user, self.unit = user, unit
        choices = selectors.unit_parent_choices(user, exclude=unit)
        if unit is not None and unit.parent_id:
            # The current parent stays selectable even when it is outside the user's own scope.
            choices = Unit.objects.filter(Q(pk__in=choices.values("pk")) | Q(pk=unit.parent_id)).order_by("path")
        self.fields["parent"].queryset = choices

    def clean_parent(self) -> Unit | None:
        parent = self.cleaned_data.get("parent")
        unchanged = self.unit is not None and parent is None and self.unit.parent_id is None
        if parent is None and not unchanged and not selectors.unit_may_change(self.user, None):
            raise forms.ValidationError("只有全区范围授权的用户才能设立顶层机构，请选择主管部门")
        return parent

    @staticmethod
    def initial_for(unit: Unit) -> dict[str, Any]:
        names = ("name", "short_name", "other_names", "kind", "institution_class", "rank", "system_category",
                 "uscc", "uscc_checksum_reason", "established_on", "functions", "sort_order", "document_no")
        return {**{n: getattr(unit, n) for n in names}, "parent": unit.parent_id}


class UnitEditForm(UnitForm):
    occurred_on = forms.DateField(label="变更日期", required=False, widget=DateInput(),
                                  help_text="记入沿革的日期，留空为今天")
    reason = forms.CharField(label="变更说明", max_length=200, required=False)


class AbolishForm(BootstrapFormMixin, forms.Form):
    on = forms.DateField(label="撤销日期", widget=DateInput(), initial=timezone.localdate)
    document_no = forms.CharField(label="批准文号", max_length=100)
    reason = forms.CharField(label="说明", max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DivisionForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    rank = forms.ChoiceField(label="规格", choices=UnitRank.choices, initial=UnitRank.UNRANKED)
    functions = forms.CharField(label="职责", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    sort_order = forms.IntegerField(label="排序", initial=0)
    established_on = forms.DateField(label="设立时间", required=False, widget=DateInput())
    document_no = forms.CharField(label="批准文号", max_length=100, required=False)


class DivisionEditForm(DivisionForm):
    occurred_on = forms.DateField(label="调整日期", required=False, widget=DateInput(),
                                  help_text="记入沿革的日期，留空为今天")
    reason = forms.CharField(label="调整说明", max_length=200, required=False)


class DivisionAbolishForm(BootstrapFormMixin, forms.Form):
    on = forms.DateField(label="撤销日期", widget=DateInput(), initial=timezone.localdate)
    document_no = forms.CharField(label="批准文号", max_length=100)


class CharterForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label="文件名称", max_length=200)
    document_no = forms.CharField(label="文号", max_length=100, help_text="如：X办发〔2024〕3号")
    issued_on = forms.DateField(label="印发日期", widget=DateInput())
    effective_on = forms.DateField(label="施行日期", widget=DateInput())
    functions = forms.CharField(label="主要职责", required=False, widget=forms.Textarea(attrs={"rows": 6}))
    unit_principal = forms.IntegerField(label="单位领导正职数", min_value=0, required=False)
    unit_deputy = forms.IntegerField(label="单位领导副职数", min_value=0, required=False)
    division_principal = forms.IntegerField(label="内设机构领导正职数", min_value=0, required=False)
    division_deputy = forms.IntegerField(label="内设机构领导副职数", min_value=0, required=False)
    note = forms.CharField(label="其他事项", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    POST_FIELDS = ("unit_principal", "unit_deputy", "division_principal", "division_deputy")

    def posts(self) -> list[dict[str, Any]]:
        rows = []
        for level in ("unit", "division"):
            principal = self.cleaned_data.get(f"{level}_principal")
            deputy = self.cleaned_data.get(f"{level}_deputy")
            if principal is not None or deputy is not None:
                rows.append({"level": level, "principal": principal or 0, "deputy": deputy or 0})
        return rows

    @staticmethod
    def initial_for(current: Charter | None) -> dict[str, Any]:
        if current is None:
            return {}
        initial: dict[str, Any] = {"functions": current.functions, "note": current.note}
        for row in current.posts:
            initial[f"{row['level']}_principal"] = row.get("principal")
            initial[f"{row['level']}_deputy"] = row.get("deputy")
        return initial


class _Row(BootstrapFormMixin, forms.Form):
    """A repeated row: all blank is skipped; a row with something in it needs its `key_fields`."""

    key_fields: tuple[str, ...] = ()
    defaults: dict[str, Any] = {}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        filled = any(value not in (None, "") for value in data.values())
        missing = [str(self.fields[n].label) for n in self.key_fields if data.get(n) in (None, "")]
        if filled and missing:
            raise forms.ValidationError(f"本行请填写{'、'.join(missing)}，或全部清空")
        return data

    def row(self) -> dict[str, Any] | None:
        data = getattr(self, "cleaned_data", None) or {}
        if all(value in (None, "") for value in data.values()):
            return None
        return {name: self.defaults.get(name) if value in (None, "") else value for name, value in data.items()}


class QuotaRowForm(_Row):
    kind = forms.ChoiceField(label="编制类型", required=False, choices=_blank("—", QuotaKind.choices))
    funding = forms.ChoiceField(label="经费形式", required=False,
                                choices=_blank("—", [(Funding.NONE.value, "不区分（机关）"), *Funding.choices[1:]]))
    count = forms.IntegerField(label="编制数", min_value=0, required=False)

    key_fields = ("kind", "funding", "count")


class CharterDivisionRowForm(_Row):
    name = forms.CharField(label="内设机构名称", max_length=100, required=False)
    principal = forms.IntegerField(label="正职数", min_value=0, required=False)
    deputy = forms.IntegerField(label="副职数", min_value=0, required=False)

    key_fields = ("name",)
    defaults = {"principal": 0, "deputy": 0}


QuotaFormSet = forms.formset_factory(QuotaRowForm, extra=3)
CharterDivisionFormSet = forms.formset_factory(CharterDivisionRowForm, extra=3)
