"""Forms of the talk pages; the services do the real validation (participants, dates), these only shape the input."""

from typing import Any

from django import forms
from django.utils import timezone

from bianban.core.forms import BootstrapFormMixin, DateInput
from bianban.ledger.choices import ProblemCategory
from bianban.party.access import branches_for_user
from bianban.party.choices import TalkKind
from bianban.party.models import Branch, Member, Talk
from bianban.party.talks.selectors import member_choices, talk_roles
from bianban.party.talks.services import ProblemDraft


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return f"{obj}（已离开）" if obj.left_on else str(obj)


class MembersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return f"{obj}（已离开）" if obj.left_on else str(obj)


class TalkFilterForm(BootstrapFormMixin, forms.Form):
    branch = forms.ModelChoiceField(label="党支部", required=False, queryset=None, empty_label="全部党支部")
    kind = forms.ChoiceField(label="类型", required=False, choices=[("", "全部类型"), *TalkKind.choices])
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    member = MemberChoiceField(label="党员", required=False, queryset=None, empty_label="全部党员")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        branches = branches_for_user(user)
        self.fields["branch"].queryset = branches
        members = Member.objects.filter(branch__in=branches.values("pk")).select_related("person")
        branch_id = self.data.get("branch") if self.is_bound else None
        if branch_id and str(branch_id).isdigit():
            members = members.filter(branch_id=branch_id)
        self.fields["member"].queryset = members.order_by("branch_id", "pk")
        self.fields["year"].widget.attrs["placeholder"] = "年度"

    def filters(self) -> dict[str, Any]:
        """The selector's keyword arguments; invalid values are ignored."""
        data = self.cleaned_data if self.is_valid() else {}
        return {"branch": data.get("branch"), "kind": data.get("kind") or "", "year": data.get("year"),
                "member": data.get("member")}


class TalkForm(BootstrapFormMixin, forms.Form):
    """A talk and its participants: one talker, several talked-to, all from the branch's members."""

    kind = forms.ChoiceField(label="类型", choices=TalkKind.choices, initial=TalkKind.HEART_TO_HEART)
    held_on = forms.DateField(label="谈话日期", widget=DateInput())
    topic = forms.CharField(label="谈话主题", max_length=200)
    place = forms.CharField(label="地点", max_length=100, required=False)
    talker = MemberChoiceField(label="谈话人", queryset=None, required=False, empty_label="请选择")
    talked_to = MembersChoiceField(label="谈话对象", queryset=None, required=False,
                                   widget=forms.CheckboxSelectMultiple, help_text="可选多人")
    summary = forms.CharField(label="谈话内容", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    follow_up = forms.CharField(label="后续跟进", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, branch: Branch, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = member_choices(branch)
        self.fields["talker"].queryset = members
        self.fields["talked_to"].queryset = members
        self.fields["talked_to"].widget.attrs["class"] = "form-check-input"
        self.fields["held_on"].initial = timezone.localdate()

    @staticmethod
    def initial_from(talk: Talk) -> dict[str, Any]:
        talker, talked = talk_roles(talk)
        return {"kind": talk.kind, "held_on": talk.held_on, "topic": talk.topic, "place": talk.place,
                "talker": talker, "talked_to": talked, "summary": talk.summary, "follow_up": talk.follow_up}

    def talk_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"kind": data["kind"], "held_on": data["held_on"], "topic": data["topic"], "place": data["place"],
                "talker": data["talker"], "talked_to": list(data["talked_to"] or []), "summary": data["summary"],
                "follow_up": data["follow_up"]}


class ProblemFields(forms.Form):
    """The optional problem for the ledger (问题台账) a talk brought to light."""

    problem_title = forms.CharField(label="问题", max_length=200, required=False)
    problem_description = forms.CharField(label="问题描述", required=False,
                                          widget=forms.Textarea(attrs={"rows": 2}))
    problem_category = forms.ChoiceField(label="问题类别", choices=ProblemCategory.choices,
                                         initial=ProblemCategory.PARTY)

    def draft(self) -> ProblemDraft:
        data = self.cleaned_data
        return ProblemDraft(title=data["problem_title"], description=data["problem_description"],
                            category=data["problem_category"])


class TalkCreateForm(TalkForm, ProblemFields):
    open_problem = forms.BooleanField(label="登记问题到问题台账", required=False,
                                      help_text="谈话中发现需要整改的问题时勾选，保存谈话后登记到问题台账")
    field_order = ["kind", "held_on", "topic", "place", "talker", "talked_to", "summary", "follow_up",
                   "open_problem", "problem_title", "problem_description", "problem_category"]

    def problem(self) -> ProblemDraft | None:
        return self.draft() if self.cleaned_data.get("open_problem") else None


class TalkProblemForm(BootstrapFormMixin, ProblemFields):
    pass


class CoverageYearForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, required=False)

    def year_or_current(self) -> int:
        return (self.cleaned_data.get("year") if self.is_valid() else None) or timezone.localdate().year
