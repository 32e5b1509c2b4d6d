"""Forms of the staffing pages. They only shape input: every rule (quota room, allowed kinds, dates, document
numbers) is checked by the services, whose errors the views put back next to the fields."""

from typing import Any

from django import forms
from django.db.models import F, QuerySet
from django.utils import timezone

from bianban.accounts.choices import Perm
from bianban.core.forms import BootstrapFormMixin, DateInput
from bianban.people import selectors as people_selectors
from bianban.people.models import Person
from bianban.staffing import selectors
from bianban.staffing.choices import ApprovalStatus, Enforcement, MovementType, PostGrade, ReleaseReason
from bianban.staffing.models import Approval, Placement, PostQuota, QuotaLine
from bianban.units.choices import Funding, QuotaKind, UnitStatus
from bianban.units.models import Division, Unit
from bianban.units.selectors import unit_divisions, units_for_user

DOCUMENT_HELP = "批准文件的文号，如：示编〔2024〕12号"


def _blank(label: str, choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", label), *choices]


def _document_no(label: str = "文号") -> forms.CharField:
    return forms.CharField(label=label, max_length=100, help_text=DOCUMENT_HELP)


def _day(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, widget=DateInput(), initial=timezone.localdate, required=required)


def _text(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(label=label, required=False, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": 2}))


def staffing_units(user: Any) -> QuerySet[Unit]:
    """Active units in which the user may do staffing business (targets of 划转 and 调动)."""
    return units_for_user(user, Perm.STAFFING_CHANGE).filter(status=UnitStatus.ACTIVE).order_by("path")


def line_label(line: QuotaLine) -> str:
    counts = f"核定{line.approved}，实有{line.occupied}，空编{line.vacant}"
    return f"{line.get_kind_display()}·{line.get_funding_display()}（{counts}）"


def post_label(post: PostQuota) -> str:
    where = post.division.name if post.division_id else "单位领导"
    return f"{where}·{post.get_grade_display()}（核定{post.approved}，已配{post.filled}）"


def approval_label(approval: Approval) -> str:
    line = approval.line
    return (f"{approval.document_no}（{line.get_kind_display()}·{line.get_funding_display()}，"
            f"剩余{approval.remaining}名，有效期至{approval.valid_until:%Y-%m-%d}）")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return "　" * obj.depth + obj.name


class LabelledChoiceField(forms.ModelChoiceField):
    """A model choice whose option text comes from a function (the counts users choose by)."""

    def __init__(self, *args: Any, labeller: Any, **kwargs: Any) -> None:
        self.labeller = labeller
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return self.labeller(obj)


class _UnitForm(BootstrapFormMixin, forms.Form):
    """A form about one unit, whose choices (lines, posts, approvals, divisions) are that unit's."""

    def __init__(self, *args: Any, user: Any, unit: Unit, **kwargs: Any) -> None:
        self.user, self.unit = user, unit
        super().__init__(*args, **kwargs)
        self.configure()

    def configure(self) -> None:
        pass

    def set_unit_choices(self, unit: Unit | None) -> None:
        """Point the line/approval/post/division fields (those the form has) at `unit`'s records."""
        empty = unit is None
        choices = {
            "line": QuotaLine.objects.none() if empty
            else selectors.quota_lines_for_user(self.user).filter(unit=unit).order_by("kind", "funding"),
            "approval": Approval.objects.none() if empty
            else selectors.approvals_for_user(self.user, Perm.STAFFING_CHANGE)
            .filter(line__unit=unit, status=ApprovalStatus.OPEN).order_by("valid_until", "id"),
            "post": PostQuota.objects.none() if empty
            else selectors.post_quotas_for_user(self.user).filter(unit=unit)
            .order_by(F("division__sort_order").asc(nulls_first=True), "division_id", "grade"),
            "division": Division.objects.none() if empty else unit_divisions(self.user, unit, include_abolished=False),
        }
        for name, queryset in choices.items():
            if name in self.fields:
                self.fields[name].queryset = queryset
        if "line" in self.fields:
            if empty:
                self.fields["line"].help_text = "先选择调入单位"
            elif not choices["line"].exists():
                self.fields["line"].help_text = f"{unit.name}尚未核定编制，须先办理编制变动（核定）"


class QuotaMovementForm(_UnitForm):
    type = forms.ChoiceField(label="变动类型", choices=_blank("请选择", MovementType.choices))
    kind = forms.ChoiceField(label="编制类型", choices=_blank("请选择", QuotaKind.choices))
    funding = forms.ChoiceField(label="经费形式", choices=Funding.choices,
                                help_text="行政、政法专项、工勤编制选“—”；事业编制须选经费形式")
    amount = forms.IntegerField(label="数量", min_value=0,
                                help_text="核定：变动后的核定数；核增、核减、划转、收回：变动的名额数")
    document_no = _document_no()
    effective_on = _day("生效日期")
    reason = _text("事由")
    to_unit = UnitChoiceField(label="划入单位", queryset=Unit.objects.none(), required=False,
                              empty_label="本单位", help_text="仅划转时填写")
    to_kind = forms.ChoiceField(label="划入编制类型", required=False, choices=_blank("与划出相同", QuotaKind.choices),
                                help_text="仅划转时填写")
    to_funding = forms.ChoiceField(label="划入经费形式", required=False, choices=_blank("与划出相同", Funding.choices),
                                   help_text="仅划转时填写")
    exception_document_no = forms.CharField(
        label="特许文号", max_length=100, required=False,
        help_text="单位类型本不使用该编制类型（如机关使用事业编制）而确有文件明确允许时填写",
    )

    def configure(self) -> None:
        self.fields["to_unit"].queryset = staffing_units(self.user)

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if data["type"] != MovementType.TRANSFER:
            data.update(to_unit=None, to_kind=None, to_funding=None)
        else:
            data.update(to_kind=data["to_kind"] or None, to_funding=data["to_funding"] or None)
        return data


class QuotaLineConfigureForm(BootstrapFormMixin, forms.Form):
    enforcement = forms.ChoiceField(label="超编控制方式", choices=Enforcement.choices,
                                    help_text="拦截：超编的入编一律不能办理；预警：可以办理，但须逐笔说明理由，核查时列出")
    requires_approval = forms.BooleanField(label="入编须凭用编核准通知单（先核编、后进人）", required=False)
    reason = _text("理由", "改为预警模式须说明理由")


class PostQuotaForm(_UnitForm):
    division = forms.ModelChoiceField(label="层级", queryset=None, required=False, empty_label="单位领导")
    grade = forms.ChoiceField(label="职别", choices=PostGrade.choices)
    approved = forms.IntegerField(label="核定职数", min_value=0)
    document_no = _document_no()
    effective_on = _day("生效日期")
    enforcement = forms.ChoiceField(label="超职数控制", required=False,
                                    choices=_blank("保持不变（新设职数为拦截）", Enforcement.choices))
    reason = _text("理由", "改为预警模式须说明理由")

    def configure(self) -> None:
        self.set_unit_choices(self.unit)

    def service_kwargs(self) -> dict[str, Any]:
        return {**self.cleaned_data, "enforcement": self.cleaned_data["enforcement"] or None}


class ApprovalForm(_UnitForm):
    line = LabelledChoiceField(label="编制", queryset=None, empty_label="请选择", labeller=line_label)
    count = forms.IntegerField(label="核准数", min_value=1)
    document_no = _document_no("通知单号")
    issued_on = _day("核准日期")
    valid_until = forms.DateField(label="有效期至", widget=DateInput())
    reason = _text("事由", "预警模式下空编不足时须说明理由")

    def configure(self) -> None:
        self.set_unit_choices(self.unit)

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        line = data.pop("line")
        return {**data, "kind": line.kind, "funding": line.funding}


class ApprovalWithdrawForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label="撤回理由", widget=forms.Textarea(attrs={"rows": 3}))


class PersonField(forms.CharField):
    """A person the user may see, typed as an ID number (18 or 15 digits), a unique name, or `#编号`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "填写公民身份号码；也可填写姓名（须唯一）。人员须先在“人员”中登记")
        super().__init__(max_length=50, **kwargs)
        self.user: Any = None

    def clean(self, value: Any) -> Person:  # type: ignore[override]
        raw = super().clean(value).strip()
        people = people_selectors.people_for_user(self.user).select_related("unit")
        if raw.startswith("#") and raw[1:].isdigit():
            found = list(people.filter(pk=int(raw[1:])))
        elif any(ch.isdigit() for ch in raw):
            found = list(people.filter(id_number=people_selectors.normalise_id_query(raw)))
        else:
            found = list(people.filter(name=raw)[:2])
            if len(found) > 1:
                raise forms.ValidationError(f"有多名叫“{raw}”的人员，请改填身份证号码")
        if not found:
            raise forms.ValidationError("未找到该人员：请核对身份证号码或姓名，或先在“人员”中登记")
        return found[0]


class PlacementFieldsMixin:
    """Fields shared by 入编 and 调动: the slot, the approval, the post and the reason for going over."""

    def set_placement_help(self) -> None:
        fields = self.fields  # type: ignore[attr-defined]
        fields["approval"].help_text = "按用编核准通知单入编时选择；选择后可不选编制"
        fields["over_quota_reason"].help_text = "仅预警模式的编制（或领导职数）已满时填写，将记入核查"


class EnrolForm(PlacementFieldsMixin, _UnitForm):
    person = PersonField(label="人员")
    on_quota = forms.TypedChoiceField(label="人员状态", coerce=lambda v: v == "1", initial="1",
                                      choices=[("1", "在编（占用编制）"), ("0", "编外（不占编制）")])
    line = LabelledChoiceField(label="编制", queryset=None, required=False, empty_label="请选择",
                               labeller=line_label)
    approval = LabelledChoiceField(label="用编核准", queryset=None, required=False, empty_label="不使用",
                                   labeller=approval_label)
    post = LabelledChoiceField(label="领导职务", queryset=None, required=False, empty_label="非领导职务",
                               labeller=post_label)
    division = forms.ModelChoiceField(label="内设机构", queryset=None, required=False,
                                      empty_label="无（单位领导或不分机构）")
    title = forms.CharField(label="职务", max_length=100, required=False)
    on = _day("入编时间")
    document_no = _document_no("入编文号")
    over_quota_reason = _text("超编说明")

    def configure(self) -> None:
        self.fields["person"].user = self.user
        self.set_unit_choices(self.unit)
        self.set_placement_help()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("on_quota"):
            if not data.get("line") and data.get("approval"):
                data["line"] = data["approval"].line
            if not data.get("line") and "line" not in self.errors:
                self.add_error("line", "在编人员须选择编制")
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        line = data.pop("line")
        on_quota = data["on_quota"]
        return {**data, "kind": line.kind if on_quota and line else None,
                "funding": line.funding if on_quota and line else None}


class ReleaseForm(BootstrapFormMixin, forms.Form):
    reason = forms.ChoiceField(label="出编原因", choices=_blank("请选择", ReleaseReason.choices))
    on = _day("出编时间")
    document_no = _document_no()


class TransferForm(PlacementFieldsMixin, _UnitForm):
    """调动: `unit` is the target unit once chosen (None before); its lines, approvals and posts are offered."""

    to_unit = UnitChoiceField(label="调入单位", queryset=Unit.objects.none(), empty_label="请选择")
    line = LabelledChoiceField(label="编制", queryset=None, required=False, empty_label="请选择",
                               labeller=line_label)
    approval = LabelledChoiceField(label="用编核准", queryset=None, required=False, empty_label="不使用",
                                   labeller=approval_label)
    post = LabelledChoiceField(label="领导职务", queryset=None, required=False, empty_label="非领导职务",
                               labeller=post_label)
    division = forms.ModelChoiceField(label="内设机构", queryset=None, required=False, empty_label="无")
    title = forms.CharField(label="职务", max_length=100, required=False)
    on = _day("调动时间")
    document_no = _document_no()
    over_quota_reason = _text("超编说明")

    def configure(self) -> None:
        self.fields["to_unit"].queryset = staffing_units(self.user)
        self.set_unit_choices(self.unit)
        self.set_placement_help()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("line") and data.get("approval"):
            data["line"] = data["approval"].line
        if not data.get("line") and "line" not in self.errors and data.get("to_unit"):
            self.add_error("line", "请选择调入单位的编制")
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        line = data.pop("line")
        return {**data, "kind": line.kind, "funding": line.funding}


class ChangePostForm(_UnitForm):
    post = LabelledChoiceField(label="新领导职务", queryset=None, required=False, empty_label="非领导职务",
                               labeller=post_label)
    division = forms.ModelChoiceField(label="内设机构", queryset=None, required=False, empty_label="不变")
    title = forms.CharField(label="职务", max_length=100, required=False)
    on = _day("任职时间")
    document_no = _document_no()
    over_quota_reason = _text("超职数说明", "仅预警模式的领导职数已配满时填写")

    def configure(self) -> None:
        self.set_unit_choices(self.unit)

    @staticmethod
    def initial_for(placement: Placement) -> dict[str, Any]:
        return {"post": placement.post_id, "division": placement.division_id, "title": placement.title}


class OverviewFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label="单位名称", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "名称或简称包含…"}))
    kind = forms.ChoiceField(label="编制类型", required=False, choices=_blank("全部类型", QuotaKind.choices))
    over = forms.BooleanField(label="只看超编", required=False)

    def filters(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {"q": "", "kind": "", "over": False}
        return {"q": self.cleaned_data["q"].strip(), "kind": self.cleaned_data["kind"],
                "over": self.cleaned_data["over"]}
