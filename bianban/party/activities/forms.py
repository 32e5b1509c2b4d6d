"""Forms of the activity pages. They only shape the input; the services decide what is valid. The attendance sheet is
not a Django form: one row of radio buttons per member due (`att-<member id>`, `reason-<id>`, `hours-<id>` and, for a
志愿服务 activity, `service-<id>`), read by `attendance_from_post`."""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from bianban.accounts.choices import Perm
from bianban.core.forms import BootstrapFormMixin, DateInput
from bianban.ledger.files import ALLOWED_LABEL
from bianban.party.access import branches_for_user
from bianban.party.activities.services import TRANSITIONS, AttendanceEntry, ResolutionEntry
from bianban.party.choices import ActivityKind, ActivityStatus, VolunteerField
from bianban.party.models import Branch, Member, PartyGroup


def _blank(label: str, choices: Any) -> list[tuple[str, str]]:
    return [("", label), *choices]


class ActivityFilterForm(BootstrapFormMixin, forms.Form):
    branch = forms.ModelChoiceField(label="党支部", required=False, queryset=None, empty_label="全部党支部")
    kind = forms.ChoiceField(label="类型", required=False, choices=_blank("全部类型", ActivityKind.choices))
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(label="状态", required=False, choices=_blank("全部状态", ActivityStatus.choices))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches_for_user(user)
        self.fields["year"].widget.attrs["placeholder"] = "年度"

    def filters(self) -> dict[str, Any]:
        """The selector's keyword arguments; invalid values are ignored."""
        data = self.cleaned_data if self.is_valid() else {}
        return {"branch": data.get("branch"), "kind": data.get("kind") or "", "year": data.get("year"),
                "status": data.get("status") or ""}


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return f"{obj.person.name}{'（已离开）' if obj.left_on else ''}"


class ActivityForm(BootstrapFormMixin, forms.Form):
    """The activity's own fields on the one-screen form (the attendance sheet and resolutions come beside it)."""

    branch = forms.ModelChoiceField(label="党支部", queryset=None, empty_label="请选择")
    kind = forms.ChoiceField(label="类型", choices=ActivityKind.choices)
    group = forms.ModelChoiceField(label="党小组", required=False, queryset=None, empty_label="（党小组会须选择）")
    status = forms.ChoiceField(label="状态", choices=[])
    held_on = forms.DateField(label="日期", widget=DateInput())
    start_time = forms.TimeField(label="开始时间", required=False,
                                 widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    place = forms.CharField(label="地点", max_length=100, required=False)
    topic = forms.CharField(label="主题", max_length=200)
    host = MemberChoiceField(label="主持人", required=False, queryset=None, empty_label="—")
    recorder = MemberChoiceField(label="记录人", required=False, queryset=None, empty_label="—")
    speaker = forms.CharField(label="主讲人", max_length=100, required=False)
    content = forms.CharField(label="内容（会议记录）", required=False, widget=forms.Textarea(attrs={"rows": 6}))
    decisions = forms.CharField(label="决定事项", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    materials = forms.CharField(label="学习材料", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                help_text="学习类活动填写，每行一份材料")
    study_hours = forms.DecimalField(label="学时（每人）", required=False, max_digits=4, decimal_places=1,
                                     help_text="集中学习、党课、专题研讨等学习类活动填写；个人学时不同的可在出席表中单独填写")
    service_field = forms.ChoiceField(label="服务领域", required=False, choices=_blank("—", VolunteerField.choices),
                                      help_text="志愿服务活动须选择")
    # A CharField: the service says in Chinese what is wrong with "abc" or 25.
    service_hours = forms.CharField(label="服务时长（每人）", required=False, max_length=20,
                                    help_text="志愿服务活动填写，计入出席者；个人时长不同的可在出席表中单独填写")

    def __init__(self, *args: Any, user: Any, activity: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        branches = branches_for_user(user, Perm.PARTY_CHANGE)
        self.fields["branch"].queryset = branches
        if activity is None:
            self.fields["status"].choices = [(ActivityStatus.HELD, "已召开"), (ActivityStatus.PLANNED, "计划")]
            self.fields["status"].initial = ActivityStatus.HELD
        else:
            allowed = [s for s in ActivityStatus if (activity.status, s.value) in TRANSITIONS]
            self.fields["status"].choices = [(s.value, s.label) for s in allowed]
            self.fields["branch"].disabled = True
        if not self.initial.get("branch") and branches.count() == 1:
            self.initial["branch"] = branches.first()
        branch = self.chosen_branch()
        scope: QuerySet = branches.filter(pk=branch.pk) if branch else branches
        self.fields["group"].queryset = PartyGroup.objects.filter(branch__in=scope.values("pk"))
        members = Member.objects.filter(branch__in=scope.values("pk")).select_related("person")
        self.fields["host"].queryset = members
        self.fields["recorder"].queryset = members

    def clean_service_hours(self) -> Decimal | str | None:
        return _decimal(self.cleaned_data.get("service_hours") or "")

    def chosen_branch(self) -> Branch | None:
        """The branch the form is about: the one posted, else the initial one, else the only one the user has."""
        field = self.fields["branch"]
        raw = self.data.get(self.add_prefix("branch")) if self.is_bound and not field.disabled else None
        raw = raw or self.initial.get("branch")
        if isinstance(raw, Branch):
            return raw
        branches = field.queryset
        if raw and str(raw).isdigit():
            return branches.filter(pk=raw).first()
        return branches.first() if branches.count() == 1 else None

    def value(self, name: str) -> Any:
        """A field's current value, posted or initial, before validation (to lay out the attendance sheet)."""
        return self[name].value()


def form_date(raw: Any) -> date | None:
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None


class ResolutionForm(BootstrapFormMixin, forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput())
    text = forms.CharField(label="表决事项", max_length=300, required=False)
    votes_for = forms.IntegerField(label="赞成", min_value=0, required=False)
    votes_against = forms.IntegerField(label="反对", min_value=0, required=False)
    votes_abstain = forms.IntegerField(label="弃权", min_value=0, required=False)


ResolutionFormSet = forms.formset_factory(ResolutionForm, extra=2, can_delete=True)


def resolutions_from_formset(formset: Any) -> list[ResolutionEntry]:
    """The resolutions kept on the form: rows with text (blank rows are the spare ones), less those deleted."""
    entries = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE") or not (data.get("text") or "").strip():
            continue
        entries.append(ResolutionEntry(id=data.get("id"), text=data["text"], votes_for=data.get("votes_for") or 0,
                                       votes_against=data.get("votes_against") or 0,
                                       votes_abstain=data.get("votes_abstain") or 0))
    return entries


def _decimal(raw: str) -> Decimal | str | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        return raw  # the service says it is not a number


def attendance_from_post(data: Any) -> list[AttendanceEntry]:
    """Every `att-<member id>` posted, with its reason and hours: the service checks it against who was due."""
    entries = []
    for key in data:
        if not key.startswith("att-") or not key[4:].isdigit():
            continue
        pk = int(key[4:])
        entries.append(AttendanceEntry(member_id=pk, status=data.get(key, ""),
                                       reason=data.get(f"reason-{pk}", ""),
                                       study_hours=_decimal(data.get(f"hours-{pk}", "")),
                                       service_hours=_decimal(data.get(f"service-{pk}", ""))))
    return entries


class FileForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label="照片或材料", help_text=f"只接受{ALLOWED_LABEL}，按文件内容核验类型")


class StudyFilterForm(BootstrapFormMixin, forms.Form):
    branch = forms.ModelChoiceField(label="党支部", queryset=None, empty_label=None)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches_for_user(user)
        self.fields["year"].initial = timezone.localdate().year
