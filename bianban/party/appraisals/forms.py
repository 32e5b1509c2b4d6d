"""Forms of the 民主评议党员 pages. The ballot and determination forms have one row per member on the roster; the
rules (every member graded, 优秀 limit, …) are the services', the forms only shape the input."""

from typing import Any

from django import forms

from bianban.core.forms import BootstrapFormMixin, DateInput
from bianban.party.appraisals.selectors import active_grades
from bianban.party.appraisals.services import ResultEntry
from bianban.party.choices import ActivityStatus, AppraisalGrade, AppraisalStatus
from bianban.party.models import Activity, Branch, Member


def _grade_choices() -> list[tuple[str, str]]:
    return [(g.value, g.label) for g in active_grades()]


class MeetingField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Activity) -> str:
        return f"{obj.held_on:%Y-%m-%d} {obj.get_kind_display()}：{obj.topic}"


class AppraisalEditForm(BootstrapFormMixin, forms.Form):
    meeting = MeetingField(label="评议会议", queryset=Activity.objects.none(), required=False,
                           help_text="民主评议一般在支部党员大会上进行，可与组织生活会结合；会议登记后可在此补填")
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, branch: Branch, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Activity.objects.filter(branch=branch).exclude(
            status=ActivityStatus.CANCELLED).order_by("-held_on", "-pk")


class AppraisalStartForm(AppraisalEditForm):
    year = forms.IntegerField(label="评议年度", min_value=1921, max_value=2999,
                              help_text="每年开展一次（条例第二十条）；上一年度的评议可在次年年初开展")
    started_on = forms.DateField(label="开始日期", widget=DateInput(),
                                 help_text="参加评议的党员按此日在册的党员确定；此日的正式党员参加互评投票")

    field_order = ["year", "started_on", "meeting", "note"]


class TransitionForm(BootstrapFormMixin, forms.Form):
    """Move the appraisal on. `from_status` is the stage the page showed, so that a stale page conflicts."""

    from_status = forms.ChoiceField(choices=AppraisalStatus.choices, widget=forms.HiddenInput)
    to_status = forms.ChoiceField(choices=AppraisalStatus.choices, widget=forms.HiddenInput)
    on = forms.DateField(label="日期", required=False, widget=DateInput())

    def __init__(self, *args: Any, date_label: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if date_label:
            self.fields["on"].label = date_label
        else:
            del self.fields["on"]


class SelfEvaluationForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label="个人自评", widget=forms.Textarea(attrs={"rows": 10}),
                           help_text="对照党员标准，联系思想、工作和作风实际，总结成绩，查找不足，明确努力方向")
    grade = forms.ChoiceField(label="自评等次", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = [("", "（不自评等次）"), *_grade_choices()]


class BallotForm(forms.Form):
    """One radio row per member. Online: every member but the voter, all required. Paper: every member, blanks
    allowed (the service lets at most the voter's own line be blank)."""

    def __init__(self, *args: Any, members: list[Member], skip: Member | None = None, paper: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = [m for m in members if skip is None or m.pk != skip.pk]
        for member in self.members:
            self.fields[f"m{member.pk}"] = forms.ChoiceField(
                label=member.person.name, choices=_grade_choices(), widget=forms.RadioSelect, required=not paper,
                error_messages={"required": "请选择等次", "invalid_choice": "等次无效"})

    def rows(self) -> list[tuple[Member, Any]]:
        return [(m, self[f"m{m.pk}"]) for m in self.members]

    def grades(self) -> dict[int, str]:
        return {m.pk: self.cleaned_data[f"m{m.pk}"] for m in self.members if self.cleaned_data.get(f"m{m.pk}")}


class DeterminationForm(forms.Form):
    """A grade and a note per member; a member left without a grade has none yet."""

    def __init__(self, *args: Any, members: list[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        for member in members:
            self.fields[f"g{member.pk}"] = forms.ChoiceField(
                label=member.person.name, choices=[("", "—"), *_grade_choices()], required=False,
                widget=forms.Select(attrs={"class": "form-select form-select-sm", "data-grade": "1",
                                           "aria-label": f"{member.person.name}评定等次"}))
            self.fields[f"n{member.pk}"] = forms.CharField(
                label="说明", required=False, max_length=200,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm",
                                              "placeholder": "不合格须说明理由",
                                              "aria-label": f"{member.person.name}评定说明"}))

    def field_pair(self, member: Member) -> tuple[Any, Any]:
        return self[f"g{member.pk}"], self[f"n{member.pk}"]

    def excellent_count(self) -> int:
        """优秀 as the page shows it (submitted or saved), for the live count's first value."""
        return sum(1 for m in self.members if self[f"g{m.pk}"].value() == AppraisalGrade.EXCELLENT)

    def entries(self) -> list[ResultEntry]:
        data = self.cleaned_data
        return [ResultEntry(m.pk, data[f"g{m.pk}"], data.get(f"n{m.pk}") or "") for m in self.members
                if data.get(f"g{m.pk}")]
