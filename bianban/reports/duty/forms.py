"""Forms of the 述职报告 pages: choosing a branch and year to generate, editing one paragraph, and the title,
署名 and 成文日期. The services check everything again; these give the browser its field errors first."""

from typing import Any

from django import forms

from bianban.core.forms import BootstrapFormMixin, DateInput
from bianban.party.models import Branch
from bianban.reports.duty.services import MAX_LEAD, MAX_SIGNATURE, MAX_TEXT, MAX_TITLE


class GenerateForm(BootstrapFormMixin, forms.Form):
    branch = forms.ModelChoiceField(label="党支部", queryset=Branch.objects.none(), empty_label=None)
    year = forms.IntegerField(label="年度", widget=forms.NumberInput(attrs={"inputmode": "numeric"}))

    def __init__(self, *args: Any, branches: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches
        self.fields["branch"].error_messages["invalid_choice"] = "请选择可维护的党支部"
        self.fields["year"].error_messages["invalid"] = "年度应为四位数字年份，如2023"


class BlockForm(BootstrapFormMixin, forms.Form):
    lead = forms.CharField(label="段首标题", required=False, max_length=MAX_LEAD, strip=False)
    text = forms.CharField(label="正文", required=False, max_length=MAX_TEXT, strip=False,
                           widget=forms.Textarea(attrs={"rows": 8}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, with_lead: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_lead:
            del self.fields["lead"]
        self.fields["text"].error_messages["max_length"] = f"段落不能超过{MAX_TEXT}字，请拆分或精简"
        self.fields["version"].error_messages["required"] = "缺少段落版本号，请刷新后重试"


class ReportForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label="标题", max_length=MAX_TITLE)
    signature = forms.CharField(label="署名", max_length=MAX_SIGNATURE, required=False,
                                help_text="署名：如“XXX党支部书记 张三”；不加盖印章时右空二字编排")
    dated = forms.DateField(label="成文日期", widget=DateInput())
