"""Forms of the visit pages. They only shape the input: the services check dates, counts, visitors and issues, and
their Chinese messages are put back on the form (a visit's rows of visitors and issues report under the formset)."""

from typing import Any

from django import forms
from django.utils import timezone

from bianban.core.forms import BootstrapFormMixin, DateInput
from bianban.duties.choices import IssueKind, IssueTopic, VisitGroup, VisitorRole
from bianban.duties.models import Visit, VisitCampaign
from bianban.duties.visits.selectors import member_choices
from bianban.duties.visits.services import IssueIn, VisitorIn
from bianban.party.models import Branch, Member

MAX_ROWS = 30


class CampaignForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label="活动名称", max_length=200)
    starts_on = forms.DateField(label="开始日期", widget=DateInput())
    ends_on = forms.DateField(label="结束日期", widget=DateInput())
    scope = forms.CharField(label="走访范围", widget=forms.Textarea(attrs={"rows": 2}),
                            help_text="街道、社区，以及重点走访的群体")
    requirement = forms.CharField(label="工作要求", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text="如：村村到、户户进、人人访")

    @staticmethod
    def initial_from(campaign: VisitCampaign) -> dict[str, Any]:
        return {k: getattr(campaign, k) for k in ("title", "starts_on", "ends_on", "scope", "requirement")}


class VisitForm(BootstrapFormMixin, forms.Form):
    """The visit itself; households and people are checked by the service (走访户数应至少为1 …)."""

    visited_on = forms.DateField(label="走访日期", widget=DateInput())
    team_role = forms.ChoiceField(label="走访力量", choices=VisitorRole.choices, help_text="统计时计入的走访力量")
    street = forms.CharField(label="街道", max_length=50)
    community = forms.CharField(label="社区", max_length=50)
    group = forms.ChoiceField(label="走访对象群体", choices=VisitGroup.choices)
    households = forms.IntegerField(label="走访户数", required=False, widget=forms.NumberInput(attrs={"min": 1}))
    people = forms.IntegerField(label="走访人数", required=False, widget=forms.NumberInput(attrs={"min": 1}))
    circumstances = forms.CharField(label="家庭情况", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                    help_text="个人信息：仅支部委员可见，其他人看到的是“***”")
    summary = forms.CharField(label="走访情况", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, campaign: VisitCampaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["visited_on"].initial = min(today, campaign.ends_on)
        self.fields["visited_on"].widget.attrs.update(min=campaign.starts_on.isoformat(),
                                                      max=min(today, campaign.ends_on).isoformat())

    @staticmethod
    def initial_from(visit: Visit) -> dict[str, Any]:
        return {k: getattr(visit, k) for k in ("visited_on", "team_role", "street", "community", "group",
                                               "households", "people", "circumstances", "summary")}

    def visit_values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class MemberField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return f"{obj}（已离开）" if obj.left_on else str(obj)


class VisitorRowForm(BootstrapFormMixin, forms.Form):
    """One visitor: a member of the branch, or a name (a 挂职第一书记 from outside the branch)."""

    member = MemberField(label="党员", queryset=Member.objects.none(), required=False, empty_label="（本支部党员）")
    name = forms.CharField(label="姓名", max_length=50, required=False,
                           widget=forms.TextInput(attrs={"placeholder": "非本支部党员填姓名"}))
    role = forms.ChoiceField(label="身份", required=False, choices=[("", "同走访力量"), *VisitorRole.choices])

    def __init__(self, *args: Any, branch: Branch, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = member_choices(branch)


class IssueRowForm(BootstrapFormMixin, forms.Form):
    """One problem or suggestion raised, and the department that must answer it."""

    kind = forms.ChoiceField(label="类型", choices=IssueKind.choices, initial=IssueKind.PROBLEM)
    topic = forms.ChoiceField(label="分类", choices=IssueTopic.choices, initial=IssueTopic.ASSISTANCE)
    content = forms.CharField(label="反映内容", required=False, widget=forms.Textarea(attrs={"rows": 1}))
    department = forms.CharField(label="承办部门", max_length=100, required=False)

    def issue(self) -> IssueIn:
        data = self.cleaned_data
        return IssueIn(kind=data["kind"], topic=data["topic"], content=data.get("content") or "",
                       department=data.get("department") or "")


class IssueForm(IssueRowForm):
    """补录 one issue on a visit's page."""

    content = forms.CharField(label="反映内容", required=False, widget=forms.Textarea(attrs={"rows": 2}))


def rows(request_get: Any, key: str, default: int) -> int:
    """How many blank rows to offer (?visitor_rows=, ?issue_rows=), within 1..MAX_ROWS."""
    raw = request_get.get(key, "")
    return max(1, min(int(raw), MAX_ROWS)) if raw.isdigit() else default


def visitor_formset(data: Any, *, branch: Branch, extra: int, initial: list[dict[str, Any]] | None = None) -> Any:
    formset_class = forms.formset_factory(VisitorRowForm, extra=extra, max_num=MAX_ROWS, absolute_max=MAX_ROWS)
    return formset_class(data, prefix="visitors", initial=initial, form_kwargs={"branch": branch})


def issue_formset(data: Any, *, extra: int) -> Any:
    formset_class = forms.formset_factory(IssueRowForm, extra=extra, max_num=MAX_ROWS, absolute_max=MAX_ROWS)
    return formset_class(data, prefix="issues")


def visitors_from(formset: Any, team_role: str) -> list[VisitorIn]:
    """The rows that name someone (blank rows are spare); a row without a role takes the visit's 走访力量."""
    found = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or not (data.get("member") or (data.get("name") or "").strip()):
            continue
        found.append(VisitorIn(role=data.get("role") or team_role, member=data.get("member"),
                               name=data.get("name") or ""))
    return found


def issues_from(formset: Any) -> list[IssueIn]:
    """The rows with something written in them (blank rows are spare)."""
    return [form.issue() for form in formset.forms
            if form.cleaned_data and ((form.cleaned_data.get("content") or "").strip()
                                      or (form.cleaned_data.get("department") or "").strip())]


def visitor_initial(visit: Visit) -> list[dict[str, Any]]:
    return [{"member": v.member, "name": v.name, "role": v.role} for v in visit.visitors.all()]


class VisitFilterForm(forms.Form):
    street = forms.ChoiceField(label="街道", required=False)
    team_role = forms.ChoiceField(label="走访力量", required=False,
                                  choices=[("", "全部走访力量"), *VisitorRole.choices])
    group = forms.ChoiceField(label="群体", required=False, choices=[("", "全部群体"), *VisitGroup.choices])

    def __init__(self, *args: Any, streets: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["street"].choices = [("", "全部街道"), *((s, s) for s in streets)]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def filters(self) -> dict[str, str]:
        data = self.cleaned_data if self.is_valid() else {}
        return {k: data.get(k) or "" for k in ("street", "team_role", "group")}
