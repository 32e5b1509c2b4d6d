"""Forms of the registration pages; the services do the real validation, these only shape the input."""

from typing import Any

from django import forms

from bianban.core.forms import BootstrapFormMixin, DateInput
from bianban.registration.choices import FundingSource, RegistrationStatus
from bianban.registration.registrations import selectors
from bianban.registration.registrations.services import CertificateIn


def _blank(label: str, choices: Any) -> list[tuple[str, str]]:
    return [("", label), *choices]


class RegistrationFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label="关键词", required=False)
    status = forms.ChoiceField(label="状态", required=False, choices=_blank("全部状态", RegistrationStatus.choices))
    sponsor = forms.ModelChoiceField(label="举办单位", required=False, queryset=None, empty_label="全部举办单位")
    funding_source = forms.ChoiceField(label="经费来源", required=False,
                                       choices=_blank("全部经费来源", FundingSource.choices))
    expiry = forms.ChoiceField(label="证书有效期", required=False,
                               choices=_blank("证书有效期", selectors.EXPIRY_CHOICES))
    days = forms.IntegerField(label="到期天数", required=False, min_value=0,
                              max_value=selectors.MAX_EXPIRY_DAYS)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only units that sponsor a registration the user may see: the filter offers what can match.
        self.fields["sponsor"].queryset = selectors.sponsor_choices(user).filter(
            sponsored_registrations__in=selectors.registrations_for_user(user).values("pk")).distinct()
        self.fields["q"].widget.attrs["placeholder"] = "按名称、代码、法定代表人查找"
        self.fields["days"].widget.attrs["placeholder"] = f"天内到期（默认{selectors.renewal_days()}）"

    def filters(self) -> dict[str, Any]:
        """The selector's keyword arguments; invalid values are ignored."""
        data = self.cleaned_data if self.is_valid() else {}
        sponsor = data.get("sponsor")
        return {"q": (data.get("q") or "").strip(), "status": data.get("status") or "",
                "sponsor": sponsor.pk if sponsor else None, "funding_source": data.get("funding_source") or "",
                "expiry": data.get("expiry") or "", "days": data.get("days")}


class RegistrationFieldsForm(BootstrapFormMixin, forms.Form):
    """The 登记事项 as the certificate states them."""

    name = forms.CharField(label="名称", max_length=100)
    other_names = forms.CharField(label="其他名称", max_length=200, required=False)
    uscc = forms.CharField(label="统一社会信用代码", max_length=30)
    uscc_checksum_reason = forms.CharField(label="校验码不符的确认说明", max_length=200, required=False,
                                           help_text="仅当代码校验位不符但确属合法代码（如早期试点代码）时填写")
    purpose = forms.CharField(label="宗旨和业务范围", widget=forms.Textarea(attrs={"rows": 3}))
    address = forms.CharField(label="住所", max_length=200)
    legal_representative = forms.CharField(label="法定代表人", max_length=50)
    capital = forms.DecimalField(label="开办资金（万元）", max_digits=14, decimal_places=2)
    funding_source = forms.ChoiceField(label="经费来源", choices=_blank("请选择", FundingSource.choices))
    sponsor = forms.ModelChoiceField(label="举办单位", queryset=None, empty_label="请选择")
    authority = forms.CharField(label="登记管理机关", max_length=100, required=False,
                                help_text="不填则为系统设置的登记管理机关")
    registered_on = forms.DateField(label="设立登记日期", widget=DateInput())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sponsor"].queryset = selectors.sponsor_choices(user)


class RegistrationCreateForm(RegistrationFieldsForm):
    unit = forms.ModelChoiceField(label="事业单位", queryset=None, empty_label="请选择尚未登记的事业单位")
    certificate_number = forms.CharField(label="证书号", max_length=50, required=False)
    certificate_issued_on = forms.DateField(label="发证日期", required=False, widget=DateInput())
    certificate_valid_from = forms.DateField(label="有效期起", required=False, widget=DateInput(),
                                             help_text="不填则与发证日期相同；有效期按设置计算")
    field_order = ["unit"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["unit"].queryset = selectors.unregistered_institutions(user)

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        number = data.pop("certificate_number", "")
        issued_on = data.pop("certificate_issued_on", None)
        valid_from = data.pop("certificate_valid_from", None)
        data["certificate"] = (CertificateIn(number=number, issued_on=issued_on, valid_from=valid_from)
                               if number or issued_on else None)
        return data

    def add_domain_error(self, exc: Any) -> None:
        # The service reports certificate errors as "certificate.<field>"; put them on this form's fields.
        details = getattr(exc, "details", None) or {}
        for key in [k for k in details if k.startswith("certificate.")]:
            details[f"certificate_{key.split('.', 1)[1]}"] = details.pop(key)
        super().add_domain_error(exc)


class RegistrationCorrectForm(RegistrationFieldsForm):
    reason = forms.CharField(label="更正原因", max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="更正仅用于纠正录入错误；登记事项的实际变化请办理变更登记")


class CertificateIssueForm(BootstrapFormMixin, forms.Form):
    number = forms.CharField(label="证书号", max_length=50)
    issued_on = forms.DateField(label="发证日期", widget=DateInput())
    valid_from = forms.DateField(label="有效期起", required=False, widget=DateInput(),
                                 help_text="不填则与发证日期相同")


class CertificateCollectForm(BootstrapFormMixin, forms.Form):
    copies = forms.MultipleChoiceField(label="收缴", choices=[("original", "正本"), ("duplicate", "副本")],
                                       widget=forms.CheckboxSelectMultiple)
    on = forms.DateField(label="收缴日期", widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["copies"].widget.attrs["class"] = "form-check-input"


class ImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label="登记信息文件（.xlsx）", help_text="请使用本页提供的模板填写")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".xlsx"
