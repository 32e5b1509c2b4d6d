"""Forms of the branch and member pages; the services do the real validation, these shape the input and offer
only choices inside the user's scope."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import restrict
from bianban.core.forms import BootstrapFormMixin, DateInput
from bianban.party.choices import CommitteeRole, LeaveReason, MemberCategory, MemberStatus
from bianban.party.members.services import persons_choosable
from bianban.party.models import Branch, Member
from bianban.units.models import Unit

_YEARS = [(3, "3年"), (4, "4年"), (5, "5年")]


def _blank(label: str, choices: Any) -> list[tuple[str, str]]:
    return [("", label), *choices]


class BranchForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label="党支部名称", max_length=100)
    code = forms.CharField(label="代码", max_length=40, help_text="命令行和接口中使用的简短代码，如 bianban")
    unit = forms.ModelChoiceField(label="所在单位", queryset=None, empty_label="请选择")
    parent_committee = forms.CharField(label="上级党组织", max_length=100)
    founded_on = forms.DateField(label="成立日期", widget=DateInput())
    term_years = forms.TypedChoiceField(label="支委会每届任期", coerce=int, choices=_YEARS, initial=3,
                                        help_text="党章第三十一条：三至五年；机关党支部一般3年")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = restrict(Unit.objects.filter(status="active"), user,
                                                Perm.PARTY_CHANGE).order_by("path")


class MemberFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label="姓名", required=False)
    status = forms.ChoiceField(label="党员身份", required=False, choices=_blank("全部身份", MemberStatus.choices))
    group = forms.ModelChoiceField(label="党小组", required=False, queryset=None, empty_label="全部党小组")
    mobile = forms.ChoiceField(label="流动党员", required=False,
                               choices=[("", "流动党员"), ("1", "是"), ("0", "否")])
    include_left = forms.BooleanField(label="含已转出", required=False)

    def __init__(self, *args: Any, branch: Branch, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = branch.groups.all()
        self.fields["q"].widget.attrs["placeholder"] = "按姓名查找"

    def filters(self) -> dict[str, Any]:
        """The selector's keyword arguments; invalid values are ignored."""
        data = self.cleaned_data if self.is_valid() else {}
        group = data.get("group")
        return {"status": data.get("status") or "", "group": group.pk if group else None,
                "mobile": {"1": True, "0": False}.get(data.get("mobile") or ""),
                "current": None if data.get("include_left") else True, "q": (data.get("q") or "").strip()}


class _AccountField(forms.CharField):
    """A login account typed by its username (the list of accounts is not shown to branch users)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(label="登录账号（用户名）", required=False, max_length=150,
                         help_text="该党员登录本系统所用的账号，用于个人自评、互评投票、查看本人情况", **kwargs)

    def clean(self, value: Any) -> Any:
        username = (super().clean(value) or "").strip()
        if not username:
            return None
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError("没有该用户名的有效账号")
        return user


def _person_label(person: Any) -> str:
    return f"{person.name}（{person.unit.short_name or person.unit.name}）" if person.unit else person.name


class _PersonFormMixin:
    """Choose the person among the staff of the branch's unit, or by ID number for anyone else the user may enrol."""

    def _setup_person(self, user: Any, branch: Branch) -> None:
        self._user = user
        taken = Member.objects.filter(left_on__isnull=True).values("person")
        persons = persons_choosable(user).filter(unit__path__startswith=branch.unit.path).exclude(pk__in=taken)
        field = self.fields["person"]  # type: ignore[attr-defined]
        field.queryset = persons.select_related("unit").order_by("unit__path", "name")
        field.label_from_instance = _person_label

    def clean(self) -> dict[str, Any]:
        data = super().clean()  # type: ignore[misc]
        number = (data.get("id_number") or "").strip()
        if number and not data.get("person"):
            from bianban.people.selectors import normalise_id_query

            person = persons_choosable(self._user).filter(id_number=normalise_id_query(number)).first()
            if person is None:
                self.add_error("id_number", "未找到该身份证号码的人员（或无权访问），请先在人员名册中登记")  # type: ignore[attr-defined]
            data["person"] = person
        elif not data.get("person") and "person" not in self.errors:  # type: ignore[attr-defined]
            self.add_error("person", "请选择人员，或填写身份证号码")  # type: ignore[attr-defined]
        return data


class MemberAdmitForm(_PersonFormMixin, BootstrapFormMixin, forms.Form):
    person = forms.ModelChoiceField(label="人员", queryset=None, required=False, empty_label="从本单位人员中选择")
    id_number = forms.CharField(label="或按身份证号码查找", required=False, max_length=18)
    admitted_on = forms.DateField(label="支部大会接收日期", widget=DateInput(),
                                  help_text="即入党日期，预备期自此日起计算1年（党章第七条）")
    group = forms.ModelChoiceField(label="党小组", queryset=None, required=False, empty_label="暂不编入")
    category = forms.ChoiceField(label="党员类别", choices=MemberCategory.choices, initial=MemberCategory.EMPLOYED)
    is_mobile = forms.BooleanField(label="流动党员", required=False)
    user = _AccountField()
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, user: Any, branch: Branch, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._setup_person(user, branch)
        self.fields["group"].queryset = branch.groups.filter(dissolved_on__isnull=True)

    def service_kwargs(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "id_number"}


class MemberTransferInForm(MemberAdmitForm):
    status = forms.ChoiceField(label="党员身份", choices=MemberStatus.choices, initial=MemberStatus.FULL)
    joined_from = forms.CharField(label="原所在党组织", max_length=100)
    joined_on = forms.DateField(label="转入本支部日期", widget=DateInput())
    full_on = forms.DateField(label="转正日期", required=False, widget=DateInput(), help_text="正式党员填写")
    probation_ends_on = forms.DateField(label="预备期满日期", required=False, widget=DateInput(),
                                        help_text="预备党员填写；不填按入党日期起1年计算")

    field_order = ["person", "id_number", "status", "admitted_on", "full_on", "probation_ends_on", "joined_from",
                   "joined_on", "group", "category", "is_mobile", "user", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["admitted_on"].label = "入党日期"
        self.fields["admitted_on"].help_text = "支部大会接收为预备党员的日期"
        self.order_fields(self.field_order)


class MemberEditForm(BootstrapFormMixin, forms.Form):
    group = forms.ModelChoiceField(label="党小组", queryset=None, required=False, empty_label="未编入党小组")
    category = forms.ChoiceField(label="党员类别", choices=MemberCategory.choices)
    is_mobile = forms.BooleanField(label="流动党员", required=False)
    joined_from = forms.CharField(label="转入自", required=False, max_length=100)
    user = _AccountField()
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, branch: Branch, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = branch.groups.filter(dissolved_on__isnull=True)


class MemberLeaveForm(BootstrapFormMixin, forms.Form):
    reason = forms.ChoiceField(label="离开原因", choices=LeaveReason.choices, initial=LeaveReason.TRANSFER_OUT)
    on = forms.DateField(label="离开日期", widget=DateInput())
    destination = forms.CharField(label="转往的党组织", required=False, max_length=100,
                                  help_text="组织关系转出时必填")


class MakeFullForm(BootstrapFormMixin, forms.Form):
    on = forms.DateField(label="转正日期", widget=DateInput(),
                         help_text="不早于预备期满；党龄自转为正式党员之日算起（党章第七条）")


class ExtendProbationForm(BootstrapFormMixin, forms.Form):
    months = forms.TypedChoiceField(label="延长期限", coerce=int, choices=[(m, f"{m}个月") for m in range(6, 13)],
                                    help_text="支部大会决定，延长不少于半年、最长不超过一年，只能延长一次")
    reason = forms.CharField(label="原因", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class GroupForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label="党小组名称", max_length=50)
    leader = forms.ModelChoiceField(label="组长", queryset=None, required=False, empty_label="暂无")
    sort_order = forms.IntegerField(label="排序", required=False, initial=0)

    def __init__(self, *args: Any, branch: Branch, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = branch.members.filter(left_on__isnull=True).select_related("person")


class DateForm(BootstrapFormMixin, forms.Form):
    on = forms.DateField(label="日期", widget=DateInput())
    reason = forms.CharField(label="说明", required=False)

    def __init__(self, *args: Any, label: str = "日期", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].label = label
        self.fields["on"].initial = timezone.localdate()


class TermForm(BootstrapFormMixin, forms.Form):
    number = forms.IntegerField(label="届次", min_value=1, required=False, help_text="不填按上一届加一")
    elected_on = forms.DateField(label="选举日期（党员大会）", widget=DateInput(), help_text="任期自选举之日起计算")
    years = forms.TypedChoiceField(label="任期", coerce=int, choices=_YEARS)
    appointed = forms.BooleanField(label="上级党组织指派", required=False)
    document_no = forms.CharField(label="批复文号", required=False, max_length=100)

    def __init__(self, *args: Any, branch: Branch, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["years"].initial = branch.term_years


class SeatForm(BootstrapFormMixin, forms.Form):
    member = forms.ModelChoiceField(label="党员", queryset=None, empty_label="请选择")
    role = forms.ChoiceField(label="职务", choices=CommitteeRole.choices)
    since = forms.DateField(label="任职日期", widget=DateInput())

    def __init__(self, *args: Any, branch: Branch, has_committee: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = branch.members.filter(
            left_on__isnull=True, status=MemberStatus.FULL).select_related("person")
        if not has_committee:
            # All roles stay choosable so that the service explains the rule (domain.md §6.1) if one is chosen.
            self.fields["role"].help_text = "本届不设支部委员会（正式党员不足7人），只设书记（可设副书记）"
