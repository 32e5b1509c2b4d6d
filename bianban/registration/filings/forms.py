"""Forms of the filing pages; the services do the real validation, these only shape the input."""

from typing import Any

from django import forms

from bianban.accounts.choices import Perm
from bianban.core.forms import BootstrapFormMixin, DateInput
from bianban.registration.choices import CancelReason, ChangeItem, FilingKind, FilingStatus, FundingSource
from bianban.registration.registrations import selectors as registrations

STATUS_CHOICES = [("", "全部状态"), ("pending", "待申请"), *FilingStatus.choices]


def _blank(label: str, choices: Any) -> list[tuple[str, str]]:
    return [("", label), *choices]


class FilingFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label="关键词", required=False)
    kind = forms.ChoiceField(label="登记类型", required=False, choices=_blank("全部类型", FilingKind.choices))
    status = forms.ChoiceField(label="状态", required=False, choices=STATUS_CHOICES)
    overdue = forms.BooleanField(label="仅看逾期", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = "按单位名称、文号查找"

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {"q": (data.get("q") or "").strip(), "kind": data.get("kind") or "",
                "status": data.get("status") or "", "overdue": bool(data.get("overdue"))}


class _FilingForm(BootstrapFormMixin, forms.Form):
    document_no = forms.CharField(label="文号", max_length=100, required=False)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class EstablishForm(_FilingForm):
    """设立登记: the institution approved by the 审批机关 and the 登记事项 applied for."""

    unit = forms.ModelChoiceField(label="事业单位", queryset=None, empty_label="请选择尚未登记的事业单位")
    occurred_on = forms.DateField(label="批准设立日期", widget=DateInput())
    applied_on = forms.DateField(label="申请日期", widget=DateInput(), required=False,
                                 help_text="尚未提交申请的留空（待申请）")
    name = forms.CharField(label="名称", max_length=100)
    other_names = forms.CharField(label="其他名称", max_length=200, required=False)
    uscc = forms.CharField(label="统一社会信用代码", max_length=30, required=False,
                           help_text="核准时由登记管理机关赋予，可在核准时再填写")
    purpose = forms.CharField(label="宗旨和业务范围", widget=forms.Textarea(attrs={"rows": 3}))
    address = forms.CharField(label="住所", max_length=200)
    legal_representative = forms.CharField(label="法定代表人", max_length=50)
    capital = forms.DecimalField(label="开办资金（万元）", max_digits=14, decimal_places=2)
    funding_source = forms.ChoiceField(label="经费来源", choices=_blank("请选择", FundingSource.choices))
    sponsor = forms.ModelChoiceField(label="举办单位", queryset=None, empty_label="请选择")
    authority = forms.CharField(label="登记管理机关", max_length=100, required=False)
    field_order = ["unit", "occurred_on", "applied_on", "name", "other_names", "uscc", "purpose", "address",
                   "legal_representative", "capital", "funding_source", "sponsor", "authority", "document_no", "note"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = registrations.unregistered_institutions(user)
        self.fields["sponsor"].queryset = registrations.sponsor_choices(user)

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        proposed = {key: data.pop(key) for key in ("name", "other_names", "uscc", "purpose", "address",
                                                   "legal_representative", "capital", "funding_source", "sponsor",
                                                   "authority")}
        return {**data, "proposed": proposed}


class _ExistingForm(_FilingForm):
    registration = forms.ModelChoiceField(label="事业单位", queryset=None, empty_label="请选择已登记的事业单位")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["registration"].queryset = registrations.registrations_for_user(
            user, status="active", perm=Perm.UNITS_CHANGE)


class ChangeForm(_ExistingForm):
    """变更登记: only the items that change are filled in."""

    occurred_on = forms.DateField(label="变更日期", widget=DateInput(),
                                  help_text="住所变更填写计划迁移日期（须在迁移前申请）")
    applied_on = forms.DateField(label="申请日期", widget=DateInput(), required=False,
                                 help_text="尚未提交申请的留空（待申请，自变更之日起30个工作日内申请）")
    name = forms.CharField(label="新名称", max_length=100, required=False)
    legal_representative = forms.CharField(label="新法定代表人", max_length=50, required=False)
    purpose = forms.CharField(label="新宗旨和业务范围", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    address = forms.CharField(label="新住所", max_length=200, required=False)
    funding_source = forms.ChoiceField(label="新经费来源", required=False,
                                       choices=_blank("不变", FundingSource.choices))
    capital = forms.DecimalField(label="新开办资金（万元）", max_digits=14, decimal_places=2, required=False,
                                 help_text="变动超过20%的须办理变更登记")
    sponsor = forms.ModelChoiceField(label="新举办单位", queryset=None, required=False, empty_label="不变")
    field_order = ["registration", "occurred_on", "applied_on", *ChangeItem.values, "document_no", "note"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["sponsor"].queryset = registrations.sponsor_choices(user)

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        changes = {}
        for item in ChangeItem.values:
            value = data.pop(item)
            if value not in (None, ""):
                changes[item] = value
        return {**data, "changes": changes}


class CancelForm(_ExistingForm):
    cancel_reason = forms.ChoiceField(label="注销原因", choices=_blank("请选择", CancelReason.choices))
    liquidation_started_on = forms.DateField(label="清算开始日期", widget=DateInput())
    field_order = ["registration", "cancel_reason", "liquidation_started_on", "document_no", "note"]

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


CREATE_FORMS: dict[str, type[_FilingForm]] = {FilingKind.ESTABLISH: EstablishForm, FilingKind.CHANGE: ChangeForm,
                                              FilingKind.CANCEL: CancelForm}


class TransitionForm(BootstrapFormMixin, forms.Form):
    to_status = forms.ChoiceField(choices=FilingStatus.choices, widget=forms.HiddenInput)
    expected_status = forms.ChoiceField(choices=FilingStatus.choices, widget=forms.HiddenInput)
    on = forms.DateField(label="日期", widget=DateInput())
    liquidation_ended_on = forms.DateField(label="清算结束日期", widget=DateInput(), required=False)
    uscc = forms.CharField(label="统一社会信用代码", max_length=30, required=False)
    uscc_checksum_reason = forms.CharField(label="校验码不符的确认说明", max_length=200, required=False)
    certificate_number = forms.CharField(label="新证书号", max_length=50, required=False)
    document_no = forms.CharField(label="文号", max_length=100, required=False)
    note = forms.CharField(label="说明（不予受理、不予登记须填写理由）", required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def service_kwargs(self) -> dict[str, Any]:
        return {key: ("" if value is None and key not in ("on", "liquidation_ended_on") else value)
                for key, value in self.cleaned_data.items()}


class MaterialsForm(forms.Form):
    materials = forms.MultipleChoiceField(label="已提交材料", required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, checklist: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["materials"].choices = checklist
