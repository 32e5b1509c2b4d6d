"""Forms of the 书记项目 pages. They only shape the input: the services check it (positive targets, dates inside
the project's year, visible records of the right sort and year) and their messages land on the fields."""

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone

from bianban.core.forms import BootstrapFormMixin, DateInput
from bianban.duties.choices import MilestoneStatus, OutcomeKind, TargetMeasure
from bianban.duties.models import ProjectMilestone, ProjectTarget, SecretaryProject
from bianban.party.models import Branch, Member


class ProjectForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label="年度")
    title = forms.CharField(label="项目名称", max_length=200)
    goal = forms.CharField(label="项目目标", widget=forms.Textarea(attrs={"rows": 4}))
    lead = forms.ModelChoiceField(label="牵头人", queryset=None, required=False, empty_label="（未指定：支委共同负责）")
    summary = forms.CharField(label="推进情况", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, branch: Branch, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A lead who has since left stays on record (services._check_project): keep them choosable on edit, or
        # saving any other field would silently drop the lead.
        kept = getattr(self.initial.get("lead"), "pk", None)
        self.fields["lead"].queryset = (Member.objects.filter(Q(branch=branch, left_on__isnull=True) | Q(pk=kept))
                                        .select_related("person").order_by("pk"))
        self.fields["year"].initial = timezone.localdate().year

    @staticmethod
    def initial_from(project: SecretaryProject) -> dict[str, Any]:
        return {"year": project.year, "title": project.title, "goal": project.goal, "lead": project.lead,
                "summary": project.summary}

    def values(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in ("year", "title", "goal", "lead", "summary")}


class TargetForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label="目标", max_length=200, help_text="如：核增重点领域编制")
    measure = forms.ChoiceField(label="计量", choices=TargetMeasure.choices,
                                help_text="完成值从关联的成果记录自动统计")
    # Text, not a number field: the service says what is wrong with "0", "-1" or "abc" in one message.
    target_value = forms.CharField(label="目标值", max_length=12)

    @staticmethod
    def initial_from(target: ProjectTarget) -> dict[str, Any]:
        return {"name": target.name, "measure": target.measure, "target_value": target.target_value}

    def values(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in ("name", "measure", "target_value")}


class MilestoneForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label="节点", max_length=200)
    due_on = forms.DateField(label="计划完成", widget=DateInput())
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    @staticmethod
    def initial_from(milestone: ProjectMilestone) -> dict[str, Any]:
        return {"title": milestone.title, "due_on": milestone.due_on, "note": milestone.note}

    def values(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in ("title", "due_on", "note")}


class MilestoneStatusForm(BootstrapFormMixin, forms.Form):
    status = forms.ChoiceField(label="状态", choices=MilestoneStatus.choices)
    done_on = forms.DateField(label="完成日期", required=False, widget=DateInput(), help_text="状态为“已完成”时填写")
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def values(self) -> dict[str, Any]:
        return {"status": self.cleaned_data["status"], "done_on": self.cleaned_data["done_on"],
                "note": self.cleaned_data["note"]}


class OutcomeForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label="成果类型", choices=OutcomeKind.choices, widget=forms.HiddenInput)
    record_id = forms.CharField(label="记录", required=False)
    note = forms.CharField(label="说明", max_length=200, required=False)

    def values(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in ("kind", "record_id", "note")}
