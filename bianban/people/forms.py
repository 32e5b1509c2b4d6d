"""Forms of the people pages: the search bar and the person form. Validation lives in the services; the
forms only shape input and put the services' messages back beside their fields."""

from typing import Any

from django import forms

from bianban.core.forms import BootstrapFormMixin, DateInput
from bianban.people.choices import ETHNICITY_CHOICES, Education, PoliticalStatus, RetirementCategory, Sex
from bianban.people.selectors import units_for_people_change
from bianban.units.selectors import units_for_user

RETIRING_CHOICES = [
    ("", "不限"),
    ("past", "已过法定退休时间"),
    ("3", "3个月内到龄"),
    ("6", "6个月内到龄"),
    ("12", "12个月内到龄"),
    ("24", "24个月内到龄"),
]


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return "　" * getattr(obj, "depth", 0) + obj.name


class PersonSearchForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label="姓名", required=False, max_length=50,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "姓名包含…"}))
    id_number = forms.CharField(label="身份证号", required=False, max_length=30,
                                widget=forms.TextInput(attrs={"placeholder": "完整号码（15位或18位）"}))
    unit = UnitChoiceField(label="所在单位", required=False, queryset=None, empty_label="全部单位")
    scope = forms.ChoiceField(label="范围", required=False, choices=[("", "含下属单位"), ("self", "仅本单位")])
    sex = forms.ChoiceField(label="性别", required=False, choices=[("", "不限"), *Sex.choices])
    political_status = forms.ChoiceField(label="政治面貌", required=False,
                                         choices=[("", "不限"), *PoliticalStatus.choices])
    retiring = forms.ChoiceField(label="退休时间", required=False, choices=RETIRING_CHOICES)

    def __init__(self, data: Any = None, *, user: Any) -> None:
        # A bare visit (no query string) searches with the defaults, subunits included.
        if data is not None and not data:
            data = None
        self._user = user
        super().__init__(data)
        self.setup_fields()

    def setup_fields(self) -> None:
        self.fields["unit"].queryset = units_for_user(self._user).order_by("path")

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for selectors.people_search; the defaults when the form is unbound or invalid."""
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        retiring = data.get("retiring") or ""
        return {
            "q": data["q"],
            "id_number": data["id_number"],
            "unit": data["unit"],
            "include_subunits": data["scope"] != "self",
            "sex": data["sex"],
            "political_status": data["political_status"],
            "retiring_within_months": int(retiring) if retiring.isdigit() else None,
            "past_retirement": retiring == "past",
        }

    def described(self) -> dict[str, Any]:
        """The filters in words, for the export's audit record."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: (str(v) if v is not None else "") for k, v in self.cleaned_data.items() if v not in ("", None)}


class PersonForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="公民身份号码", max_length=30,
                                help_text="18位号码（末位可为X），也可填写15位旧号码，系统自动升级为18位")
    unit = UnitChoiceField(label="所在单位", queryset=None, empty_label="请选择")
    sex = forms.ChoiceField(label="性别", required=False, choices=[("", "按身份证号码识别"), *Sex.choices],
                            help_text="选填；填写时须与身份证号码一致")
    birth_date = forms.DateField(label="出生日期", required=False, widget=DateInput(),
                                 help_text="选填；填写时须与身份证号码一致")
    ethnicity = forms.ChoiceField(label="民族", choices=ETHNICITY_CHOICES, initial="汉族")
    native_place = forms.CharField(label="籍贯", max_length=50, required=False)
    education = forms.ChoiceField(label="学历", required=False, choices=[("", "—"), *Education.choices])
    political_status = forms.ChoiceField(label="政治面貌", choices=PoliticalStatus.choices,
                                         initial=PoliticalStatus.MASSES)
    work_started_on = forms.DateField(label="参加工作时间", required=False, widget=DateInput())
    retirement_category = forms.ChoiceField(
        label="原法定退休年龄类别", required=False,
        choices=[("", "按性别默认（男60、女55）"), *RetirementCategory.choices],
        help_text="女职工按退休时所在岗位确定：管理岗、专技岗为女干部（55周岁），工勤岗为女工人（50周岁）",
    )
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: Any, edit: bool = False, show_id_number: bool = True,
                 **kwargs: Any) -> None:
        self._user, self._edit, self._show_id_number = user, edit, show_id_number
        super().__init__(*args, **kwargs)
        self.setup_fields()

    def setup_fields(self) -> None:
        self.fields["unit"].queryset = units_for_people_change(self._user).order_by("path")
        if self._edit:
            # Birth date and sex follow the ID number; on edit they are not asked again.
            del self.fields["sex"], self.fields["birth_date"]
        if not self._show_id_number:
            del self.fields["id_number"]

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for optional in ("sex", "retirement_category"):
            if optional in data and not data[optional]:
                data[optional] = None
        return data
