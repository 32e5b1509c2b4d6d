"""The establishment rules every staffing service applies: which quota kinds a unit may hold, which funding a
kind carries, the checks on document numbers and dates, and the locks.

Sources: 《地方各级人民政府机构设置和编制管理条例》 (国务院令第486号) forbids 在行政机关使用事业编制 and 超编制配备人员;
domain.md §1.2–1.3 and §2.4.
"""

from datetime import date
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import unit_allows
from bianban.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from bianban.staffing.choices import Enforcement
from bianban.staffing.models import QuotaLine
from bianban.units.choices import Funding, QuotaKind, UnitKind

# Quota kinds each kind of unit may hold without a document explicitly allowing more (混编混岗 otherwise).
ALLOWED_KINDS: dict[str, frozenset[str]] = {
    UnitKind.ORGAN: frozenset({QuotaKind.ADMINISTRATIVE, QuotaKind.POLITICAL_LEGAL, QuotaKind.SERVICE_WORKER,
                               QuotaKind.OTHER}),
    UnitKind.MASS_ORG: frozenset({QuotaKind.ADMINISTRATIVE, QuotaKind.SERVICE_WORKER, QuotaKind.OTHER}),
    # 参公单位 report on the 事业 forms and hold 事业编制 (domain.md §1.2).
    UnitKind.INSTITUTION: frozenset({QuotaKind.INSTITUTION, QuotaKind.OTHER}),
    UnitKind.CIVIL_SERVICE_MANAGED: frozenset({QuotaKind.INSTITUTION, QuotaKind.OTHER}),
}
# 机关 quota carries no funding form; 事业编制 always states one (domain.md §1.3).
UNFUNDED_KINDS = frozenset({QuotaKind.ADMINISTRATIVE, QuotaKind.POLITICAL_LEGAL, QuotaKind.SERVICE_WORKER})


class QuotaExceeded(Conflict):
    code = "over_quota"
    default_message = "超出核定编制数"

    @classmethod
    def for_line(cls, line: QuotaLine, wanted: int = 1) -> "QuotaExceeded":
        message = (
            f"{line}：核定 {line.approved} 名，实有 {line.occupied} 名，已核准未入编 {line.reserved} 名，"
            f"空编 {line.vacant} 名，不能再占用 {wanted} 名"
        )
        return cls(message, details={"line": line.pk, "approved": line.approved, "occupied": line.occupied,
                                     "reserved": line.reserved, "vacant": line.vacant, "wanted": wanted})


class PostsExceeded(Conflict):
    code = "over_posts"
    default_message = "超出核定领导职数"


def today() -> date:
    return timezone.localdate()


def require_document_no(document_no: str, field: str = "document_no") -> str:
    document_no = (document_no or "").strip()
    if not document_no:
        raise ValidationFailed.on(field, "请填写批准文件的文号")
    if len(document_no) > 100:
        raise ValidationFailed.on(field, "文号过长（最多100字）")
    return document_no


def require_past_date(value: Any, field: str, label: str) -> date:
    if not isinstance(value, date):
        raise ValidationFailed.on(field, f"请填写有效的{label}")
    if value > today():
        raise ValidationFailed.on(field, f"{label}不能晚于今天；尚未生效的事项请在生效后办理")
    return value


def require_count(value: Any, field: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed.on(field, "数量应为整数")
    if value < minimum:
        raise ValidationFailed.on(field, f"数量不能小于{minimum}")
    if value > 100000:
        raise ValidationFailed.on(field, "数量过大")
    return value


def check_line_identity(unit: Any, kind: str, funding: str, exception_document_no: str = "", *,
                        fields: tuple[str, str, str] = ("unit", "kind", "funding")) -> None:
    """Refuse a (kind, funding) the unit may not hold, unless a document explicitly allows the kind.
    `fields` names the (unit, kind, funding) inputs in the caller's form, e.g. ("to_unit", "to_kind", …)."""
    unit_field, kind_field, funding_field = fields
    if kind not in QuotaKind.values:
        raise ValidationFailed.on(kind_field, "未知的编制类型")
    if funding not in Funding.values:
        raise ValidationFailed.on(funding_field, "未知的经费形式")
    if kind in UNFUNDED_KINDS and funding != Funding.NONE:
        raise ValidationFailed.on(funding_field, f"{QuotaKind(kind).label}不区分经费形式，经费形式应为“—”")
    if kind == QuotaKind.INSTITUTION and funding == Funding.NONE:
        raise ValidationFailed.on(funding_field, "事业编制须注明经费形式（全额拨款、差额拨款或自收自支）")
    if not unit.is_active:
        raise ValidationFailed.on(unit_field, f"{unit.name}已撤销，不能再办理编制事项")
    if kind not in ALLOWED_KINDS.get(unit.kind, frozenset()) and not exception_document_no.strip():
        raise ValidationFailed.on(
            kind_field,
            f"{unit.get_kind_display()}一般不使用{QuotaKind(kind).label}（混编混岗）；确有文件明确允许的，请填写特许文号",
        )


def require_line_in_force(line: QuotaLine, day: date, field: str) -> None:
    """Nothing happens on a line before its quota was first approved: the history would show a state that
    never existed (people on a line with no approved slots)."""
    # approved_since is kept by the services; lines written in bulk (synth) may lack it, so fall back to the journal.
    first = line.approved_since
    if first is None:
        first = line.movements.order_by("effective_on").values_list("effective_on", flat=True).first()
    if first is None or day < first:
        since = f"（{first:%Y-%m-%d}）" if first else ""
        raise ValidationFailed.on(field, f"日期不能早于{line}的核定日期{since}")


def require_staffing_right(actor: Any, unit: Any) -> None:
    """404 when the actor cannot see the unit, 403 when they can but may not do staffing business there."""
    if actor is None:
        return
    if not unit_allows(actor, Perm.UNITS_VIEW, unit):
        raise NotFound("机构不存在或无权访问")
    if not unit_allows(actor, Perm.STAFFING_CHANGE, unit):
        raise PermissionDenied("您没有在该单位办理编制业务的权限")


def lock_lines(*pks: int) -> dict[int, QuotaLine]:
    """Lock the lines in primary-key order (two transactions locking the same pair never deadlock)."""
    ids = sorted(set(pks))
    lines = {line.pk: line for line in QuotaLine.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    return lines


def line_id(unit: Any, kind: str, funding: str) -> int | None:
    """The line's id, without locking it (to lock several lines in order afterwards)."""
    return QuotaLine.objects.filter(unit=unit, kind=kind, funding=funding).values_list("pk", flat=True).first()


def find_line(unit: Any, kind: str, funding: str) -> QuotaLine | None:
    """The line, locked (one query); for transactions that touch one line only. (unit, kind, funding) is unique,
    so get() needs no ordering, which PostgreSQL could not lock across and which costs time on the hot path."""
    try:
        return QuotaLine.objects.select_for_update().get(unit=unit, kind=kind, funding=funding)
    except QuotaLine.DoesNotExist:
        return None


def ensure_line_id(unit: Any, kind: str, funding: str, exception_document_no: str = "") -> int:
    """The line's id, creating the line (approved 0) if the unit has none of this kind yet; not locked."""
    pk = line_id(unit, kind, funding)
    if pk is not None:
        return pk
    config = settings.BIANBAN
    try:
        with transaction.atomic():
            line = QuotaLine.objects.create(
                unit=unit, kind=kind, funding=funding, exception_document_no=exception_document_no.strip(),
                enforcement=config["QUOTA_ENFORCEMENT"].get(kind, Enforcement.BLOCK),
                requires_approval=config["QUOTA_REQUIRES_APPROVAL"],
            )
    except IntegrityError:
        # Another transaction created it between our read and insert: use theirs.
        pk = line_id(unit, kind, funding)
        if pk is None:
            raise
        return pk
    return line.pk


def lock_or_create_line(unit: Any, kind: str, funding: str, exception_document_no: str = "") -> QuotaLine:
    pk = ensure_line_id(unit, kind, funding, exception_document_no)
    return lock_lines(pk)[pk]
