"""Verification rules of 事业单位登记, registered into the checks registry (bianban/checks/rules.py) when this module
is imported (the registration app's ready()). Set-based like the register's rules: one query selects every
violating institution; Python only formats the messages. Each finding is about the institution (subject "unit"),
so its key ("rule:unit:id") is stable from run to run and the ledger deduplicates it.

Sources: 《事业单位登记管理暂行条例》 and its 实施细则 (domain.md §3): an institution is registered before it acts as
a legal person (§3.1); the 法人证书 is valid 5 years and void once expired (§3.3); the 年度报告 is due by 31 March
of the next year (§3.4); the registered 名称 and 举办单位 are those the 机构编制 register approved (§3.2 变更); a
change is filed within 30 working days, a 注销 within 15 after 清算, the authority decides within 30 (§3.2,
deadlines.py).
"""

from collections.abc import Iterable
from datetime import date

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery

from bianban.checks.choices import Severity, Subject
from bianban.checks.rules import Hit, Scope, rule
from bianban.registration import deadlines
from bianban.registration.calendar.filing_deadlines import filing_deadlines
from bianban.registration.choices import FILING_CLOSED, AnnualReportStatus, FilingKind, RegistrationStatus
from bianban.registration.models import AnnualReport, Certificate, Filing, Registration
from bianban.units.choices import UnitKind, UnitStatus
from bianban.units.models import Unit

# The codes of this module's rules, in registration order (the bench's yardstick covers the register's rules only).
CODES = ("registration_missing", "certificate_expired", "annual_report_late", "registration_mismatch", "filing_overdue")
REPORTED = (AnnualReportStatus.SUBMITTED, AnnualReportStatus.SPONSOR_APPROVED, AnnualReportStatus.PUBLISHED)


# The last day of the 年度报告 window for a year (31 March of the next, setting ANNUAL_REPORT_DUE) and the latest
# year already due: defined once in deadlines.py, re-exported here for the calendar, demo and bench.
report_due = deadlines.annual_report_due
last_due_year = deadlines.last_due_year


def _active_units(scope: Scope, prefix: str = "") -> Q:
    """Units (through `prefix`) that exist on the scope's date."""
    if scope.current:
        return Q(**{f"{prefix}status": UnitStatus.ACTIVE})
    return ((Q(**{f"{prefix}established_on__isnull": True}) | Q(**{f"{prefix}established_on__lte": scope.as_of}))
            & (Q(**{f"{prefix}abolished_on__isnull": True}) | Q(**{f"{prefix}abolished_on__gt": scope.as_of})))


def _registered(scope: Scope, prefix: str = "") -> Q:
    """Registrations (through `prefix`) in force on the scope's date: registered by then, not yet cancelled."""
    if scope.current:
        return Q(**{f"{prefix}status": RegistrationStatus.ACTIVE})
    return Q(**{f"{prefix}registered_on__lte": scope.as_of}) & (
        Q(**{f"{prefix}cancelled_on__isnull": True}) | Q(**{f"{prefix}cancelled_on__gt": scope.as_of}))


def _registrations(scope: Scope) -> QuerySet[Registration]:
    return Registration.objects.filter(_registered(scope), _active_units(scope, "unit__"), scope.units("unit__"))


@rule("registration_missing", "事业单位未登记",
      "机构编制台账中存续的事业单位没有存续的事业单位法人登记（未办理设立登记，或登记已注销而单位仍存续）。"
      "事业单位应当依法登记，取得法人资格后方可开展活动（《事业单位登记管理暂行条例》）。",
      severity=Severity.ERROR, subject=Subject.UNIT)
def registration_missing(scope: Scope) -> Iterable[Hit]:
    registered = Registration.objects.filter(_registered(scope), unit=OuterRef("pk"))
    # A 设立 filing under way is named in the message: the unit is on its way, but still not registered.
    pending = Filing.objects.filter(unit=OuterRef("pk"), kind=FilingKind.ESTABLISH).exclude(
        status__in=FILING_CLOSED)
    units = (Unit.objects.filter(scope.units(), _active_units(scope), kind=UnitKind.INSTITUTION)
             .filter(~Exists(registered)).annotate(pending=Exists(pending)))
    for pk, name, is_pending in units.order_by("path").values_list("pk", "name", "pending"):
        yield Hit(pk, pk, f"{name}：未办理事业单位法人登记" + ("（设立登记办理中）" if is_pending else ""))


@rule("certificate_expired", "法人证书已过期",
      "存续事业单位的现行《事业单位法人证书》已超过有效期（有效期5年，到期前30日内应申请换领），过期证书无效。"
      "没有证书记录的登记不在此列。",
      severity=Severity.ERROR, subject=Subject.UNIT)
def certificate_expired(scope: Scope) -> Iterable[Hit]:
    certificates = Certificate.objects.filter(registration__in=_registrations(scope).values("pk"))
    if scope.current:
        certificates = certificates.filter(is_current=True)
    else:
        # The certificate in force on that date: the latest issued by then.
        latest = (Certificate.objects.filter(registration=OuterRef("registration"), issued_on__lte=scope.as_of)
                  .order_by("-issued_on", "-pk").values("pk")[:1])
        certificates = certificates.filter(pk=Subquery(latest))
    rows = (certificates.filter(valid_until__lt=scope.as_of).order_by("registration__unit__path")
            .values_list("registration__unit_id", "registration__unit__name", "number", "valid_until"))
    for unit_id, name, number, valid_until in rows:
        days = (scope.as_of - valid_until).days
        yield Hit(unit_id, unit_id, f"{name}：法人证书（{number}）有效期至 {valid_until:%Y-%m-%d}，已过期 {days} 天")


@rule("annual_report_late", "年度报告逾期未报",
      "存续事业单位未在次年3月31日前报送上一年度的年度报告（只核查截止日已过的最近一个年度；"
      "当年年底前已登记的单位须报告）。逾期未报的，登记管理机关可给予警告并通报举办单位，直至暂扣证书。",
      severity=Severity.WARNING, subject=Subject.UNIT)
def annual_report_late(scope: Scope) -> Iterable[Hit]:
    year = last_due_year(scope.as_of)
    due = report_due(year)
    rows = annual_missing(scope, year).order_by("unit__path").values_list("unit_id", "unit__name")
    for unit_id, name in rows:
        yield Hit(unit_id, unit_id, f"{name}：{year}年度报告应于 {due:%Y-%m-%d} 前报送，至今未报")


def annual_missing(scope: Scope, year: int) -> QuerySet[Registration]:
    """Registrations in force on the scope's date, registered by the end of `year`, that have not submitted their
    report for `year` (a draft or a returned report is not submitted). Shared with the calendar and reminders."""
    reported = AnnualReport.objects.filter(registration=OuterRef("pk"), year=year)
    # As of a past date a report counts once submitted by then (a later return is not in the record's dates).
    reported = (reported.filter(status__in=REPORTED) if scope.current
                else reported.filter(submitted_on__lte=scope.as_of))
    return _registrations(scope).filter(registered_on__lte=date(year, 12, 31)).filter(~Exists(reported))


@rule("registration_mismatch", "登记信息与机构编制台账不一致",
      "事业单位登记的名称与机构编制台账的机构全称不一致，或登记的举办单位不是台账中的主管部门："
      "或机构编制事项已调整而未办理变更登记，或登记有误。历史日期按现行登记事项比较。",
      severity=Severity.WARNING, subject=Subject.UNIT)
def registration_mismatch(scope: Scope) -> Iterable[Hit]:
    # A top-level institution has no 主管部门 in the register to compare its 举办单位 with.
    differs = ~Q(name=F("unit__name")) | (Q(unit__parent__isnull=False) & ~Q(sponsor_id=F("unit__parent_id")))
    rows = (_registrations(scope).filter(differs).order_by("unit__path")
            .values_list("unit_id", "unit__name", "name", "sponsor__name", "unit__parent_id", "unit__parent__name",
                         "sponsor_id"))
    for unit_id, unit_name, name, sponsor_name, parent_id, parent_name, sponsor_id in rows:
        parts = []
        if name != unit_name:
            parts.append(f"登记名称“{name}”，台账名称“{unit_name}”")
        if parent_id is not None and sponsor_id != parent_id:
            parts.append(f"举办单位“{sponsor_name}”，主管部门“{parent_name}”")
        yield Hit(unit_id, unit_id, f"{unit_name}：" + "；".join(parts))


@rule("filing_overdue", "登记申请超过法定时限",
      "事业单位变更后超过30个工作日未申请变更登记（住所变更应在迁移前申请），清算结束后超过15个工作日未申请注销登记，"
      "或登记管理机关受理后超过30个工作日未作出决定（时限见系统设置，《事业单位登记管理暂行条例实施细则》）。",
      severity=Severity.WARNING, subject=Subject.UNIT)
def filing_overdue(scope: Scope) -> Iterable[Hit]:
    units = Unit.objects.filter(scope.units()) if scope.root_path else None
    late: dict[int, list[str]] = {}
    names: dict[int, tuple[str, str]] = {}
    for item in filing_deadlines(scope.as_of, units, current=scope.current):
        if item.due_on >= scope.as_of:
            continue
        f = item.filing
        names[f.unit_id] = (f.unit.path, f.unit.name)
        late.setdefault(f.unit_id, []).append(
            f"{f.get_kind_display()}：{item.step}的期限为 {item.due_on:%Y-%m-%d}，已逾期")
    for unit_id in sorted(late, key=lambda pk: names[pk][0]):
        yield Hit(unit_id, unit_id, f"{names[unit_id][1]}：" + "；".join(late[unit_id]))
