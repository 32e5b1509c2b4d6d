"""The upload form of the roster import."""

from typing import Any

from django import forms

from bianban.core.forms import BootstrapFormMixin
from bianban.staffing.roster.reader import max_bytes

MODES = [("validate", "仅校验（不写入）"), ("import", "导入（全部通过才写入）")]


class RosterUploadForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label="花名册文件（.xlsx）", help_text="请使用本页提供的模板填写")
    mode = forms.ChoiceField(label="处理方式", choices=MODES, initial="validate", widget=forms.RadioSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".xlsx"
        self.fields["mode"].widget.attrs["class"] = "form-check-input"

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = max_bytes()
        if upload.size > limit:
            raise forms.ValidationError(f"文件过大，不能超过 {limit // 1048576} MB")
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("请上传 .xlsx 格式的 Excel 工作簿")
        return upload

    @property
    def dry_run(self) -> bool:
        return self.cleaned_data["mode"] == "validate"
