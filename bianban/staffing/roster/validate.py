"""Row-by-row validation of a roster, collecting every error rather than stopping at the first.

Three passes, none of them with a query per row: (1) each row's cells on their own (formats, ID checksum, choice
labels, dates); (2) everything the rows refer to, fetched in bulk — units by full name or credit code, their
divisions and quota lines, open approvals, and persons already registered under the same ID numbers, in chunks
that stay under SQLite's 999-variable limit; (3) the rules across rows: one ID number once, one active placement
per person, and the room left on each quota line.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Min

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import unit_allows
from bianban.core.exceptions import ValidationFailed
from bianban.core.validators import parse_id_number
from bianban.people.models import Person
from bianban.people.services import MIN_WORKING_AGE
from bianban.staffing.choices import ApprovalStatus, Enforcement
from bianban.staffing.models import Approval, Placement, QuotaLine, QuotaMovement
from bianban.staffing.roster.columns import BY_KEY, COLUMNS, OFF_QUOTA, ON_QUOTA, choice_value
from bianban.staffing.roster.reader import (
    CellError,
    Sheet,
    cell,
    compact,
    id_text,
    is_blank,
    missing_headers,
    text,
    to_date,
)
from bianban.staffing.rules import check_line_identity, today
from bianban.units.choices import Funding, UnitStatus
from bianban.units.models import Division, Unit

CHUNK = 900  # SQLite allows 999 variables per statement
Progress = Callable[[str, int, int], None]
_ORDER = {column.key: index for index, column in enumerate(COLUMNS)}


@dataclass(frozen=True)
class RowError:
    """One problem: the Excel row (0 for the whole file), the column's key and header, and the reason."""

    row: int
    key: str
    message: str

    @property
    def column(self) -> str:
        return BY_KEY[self.key].header if self.key in BY_KEY else ""


class Record:
    """One roster row, normalised; the ids are filled in as the references resolve."""

    __slots__ = (
        "approval_id", "approval_no", "birth_date", "division_id", "division_name", "document_no", "education",
        "ethnicity", "funding", "id_number", "kind", "line_id", "name", "note", "on_quota", "over_reason",
        "person_id", "political_status", "row", "sex", "started_on", "title", "unit_id", "unit_key",
        "work_started_on",
    )

    def __init__(self, row: int) -> None:
        self.row = row
        self.unit_key = self.name = self.id_number = self.sex = self.ethnicity = self.political_status = ""
        self.education = self.kind = self.funding = self.division_name = self.title = self.document_no = ""
        self.approval_no = self.note = self.over_reason = ""
        self.birth_date: date | None = None
        self.work_started_on: date | None = None
        self.started_on: date | None = None
        self.on_quota = True
        self.unit_id: int | None = None
        self.line_id: int | None = None
        self.division_id: int | None = None
        self.approval_id: int | None = None
        self.person_id: int | None = None


@dataclass
class Plan:
    """What validation found: the records, the errors, and everything the writer needs, already fetched."""

    records: list[Record] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    units: dict[int, Unit] = field(default_factory=dict)
    lines: dict[int, QuotaLine] = field(default_factory=dict)
    approvals: dict[int, Approval] = field(default_factory=dict)
    existing: dict[str, dict[str, Any]] = field(default_factory=dict)  # id_number → {pk, name, unit_id}
    bad_rows: set[int] = field(default_factory=set)

    def add(self, row: int, key: str, message: str) -> None:
        self.errors.append(RowError(row, key, message))
        self.bad_rows.add(row)

    def sorted_errors(self) -> list[RowError]:
        return sorted(self.errors, key=lambda e: (e.row, _ORDER.get(e.key, 99)))


def chunked(items: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# --- pass 1: each row on its own --------------------------------------------------------------------------------


class _RowReader:
    """Reads one sheet row into a Record, adding the problems of each cell to the plan."""

    def __init__(self, plan: Plan, positions: dict[str, int], today: date) -> None:
        self.plan, self.positions, self.today = plan, positions, today

    def _choice(self, rec: Record, row: list[Any], key: str) -> str:
        column = BY_KEY[key]
        label = compact(cell(row, self.positions, key))
        if not label:
            if column.required:
                self.plan.add(rec.row, key, f"请填写{column.header}")
            return ""
        value = choice_value(column, label)
        if value is None:
            allowed = list(column.choices)
            shown = "、".join(allowed[:8]) + ("等" if len(allowed) > 8 else "")
            self.plan.add(rec.row, key, f"{column.header}“{label}”不在可选范围内（可选：{shown}）")
            return ""
        return value

    def _date(self, rec: Record, row: list[Any], key: str, *, required: bool = False) -> date | None:
        header = BY_KEY[key].header
        try:
            day = to_date(cell(row, self.positions, key))
        except CellError as exc:
            self.plan.add(rec.row, key, f"{header}{exc}")
            return None
        if day is None:
            if required:
                self.plan.add(rec.row, key, f"请填写{header}")
            return None
        if day > self.today:
            self.plan.add(rec.row, key, f"{header}{day.isoformat()}晚于今天")
            return None
        return day

    def _text(self, rec: Record, row: list[Any], key: str) -> str:
        column = BY_KEY[key]
        value = text(cell(row, self.positions, key))
        if column.required and not value:
            self.plan.add(rec.row, key, f"请填写{column.header}")
        elif len(value) > column.max_length:
            self.plan.add(rec.row, key, f"{column.header}过长（最多{column.max_length}字）")
            value = value[: column.max_length]
        return value

    def read(self, number: int, row: list[Any]) -> Record:
        rec = Record(number)
        add = self.plan.add
        rec.unit_key = self._text(rec, row, "unit")

        raw_name = text(cell(row, self.positions, "name"))
        if not raw_name:
            add(number, "name", "请填写姓名")
        elif " " in raw_name:
            add(number, "name", "姓名中不能含有空格（实名制要求姓名连续填写）")
        elif not 2 <= len(raw_name) <= 50:
            add(number, "name", "姓名应为2至50个字")
        rec.name = raw_name

        birth = None
        try:
            raw_id = id_text(cell(row, self.positions, "id_number"))
            if not raw_id:
                add(number, "id_number", "请填写身份证号码")
            else:
                parsed = parse_id_number(raw_id, today=self.today)
                rec.id_number, birth, rec.sex = parsed.number, parsed.birth_date, parsed.sex
                rec.birth_date = birth
        except CellError as exc:
            add(number, "id_number", str(exc))
        except ValidationError as exc:
            add(number, "id_number", exc.messages[0])

        sex = self._choice(rec, row, "sex")
        if sex and rec.sex and sex != rec.sex:
            add(number, "sex", f"性别与身份证号码不一致：号码中为{'男' if rec.sex == 'M' else '女'}")
        stated_birth = self._date(rec, row, "birth_date")
        if stated_birth and birth and stated_birth != birth:
            add(number, "birth_date", f"出生日期与身份证号码不一致：号码中为{birth.isoformat()}")

        rec.ethnicity = self._choice(rec, row, "ethnicity")
        rec.political_status = self._choice(rec, row, "political_status")
        rec.education = self._choice(rec, row, "education")
        rec.work_started_on = self._date(rec, row, "work_started_on")
        if rec.work_started_on and birth:
            earliest = _add_years(birth, MIN_WORKING_AGE)
            if rec.work_started_on < earliest:
                add(number, "work_started_on",
                    f"参加工作时间不能早于年满{MIN_WORKING_AGE}周岁（{earliest.isoformat()}）")

        status = self._choice(rec, row, "quota_status")
        rec.on_quota = status != OFF_QUOTA
        kind = funding = ""
        if status == ON_QUOTA:
            before = len(self.plan.errors)
            kind = self._choice(rec, row, "kind")
            funding = self._choice(rec, row, "funding")
            if not kind and not compact(cell(row, self.positions, "kind")):
                add(number, "kind", "在编人员须填写编制类型")
            if len(self.plan.errors) > before:
                kind = ""  # an unreadable kind or funding: no line to look for
        if status == OFF_QUOTA:
            if compact(cell(row, self.positions, "kind")):
                add(number, "kind", "编外人员不占用编制，编制类型应留空")
            funding_label = compact(cell(row, self.positions, "funding"))
            if funding_label and choice_value(BY_KEY["funding"], funding_label) != Funding.NONE:
                add(number, "funding", "编外人员不占用编制，经费形式应留空")
        rec.kind, rec.funding = kind, funding or Funding.NONE

        rec.division_name = self._text(rec, row, "division")
        rec.title = self._text(rec, row, "title")
        rec.started_on = self._date(rec, row, "started_on", required=True)
        if rec.started_on and birth and rec.started_on < birth:
            add(number, "started_on", "入编时间不能早于出生日期")
        rec.document_no = self._text(rec, row, "document_no")
        rec.approval_no = self._text(rec, row, "approval_no")
        if rec.approval_no and status == OFF_QUOTA:
            add(number, "approval_no", "编外人员不使用用编核准通知单")
        rec.note = self._text(rec, row, "note")
        return rec


# --- pass 2 and 3: references and rules across rows --------------------------------------------------------------


def _unit_key_kind(key: str) -> str:
    code = key.replace(" ", "").upper()
    return "uscc" if len(code) == 18 and code.isalnum() and code.isascii() else "name"


class _Resolver:
    def __init__(self, plan: Plan, actor: Any) -> None:
        self.plan, self.actor = plan, actor

    # units ---------------------------------------------------------------------------------------------------

    def units(self) -> None:
        plan = self.plan
        names = {r.unit_key for r in plan.records if r.unit_key and _unit_key_kind(r.unit_key) == "name"}
        codes = {r.unit_key.replace(" ", "").upper() for r in plan.records
                 if r.unit_key and _unit_key_kind(r.unit_key) == "uscc"}
        by_name: dict[str, list[Unit]] = defaultdict(list)
        by_code: dict[str, Unit] = {}
        for batch in chunked(names):
            for unit in Unit.objects.filter(name__in=batch):
                by_name[unit.name].append(unit)
        for batch in chunked(codes):
            for unit in Unit.objects.filter(uscc__in=batch):
                by_code[unit.uscc] = unit

        verdicts: dict[str, tuple[Unit | None, str]] = {}
        for rec in plan.records:
            if not rec.unit_key:
                continue
            verdict = verdicts.get(rec.unit_key)
            if verdict is None:
                verdict = verdicts[rec.unit_key] = self._unit_verdict(rec.unit_key, by_name, by_code)
            unit, message = verdict
            if unit is None:
                plan.add(rec.row, "unit", message)
            else:
                rec.unit_id = unit.pk
                plan.units[unit.pk] = unit

    def _unit_verdict(self, key: str, by_name: dict[str, list[Unit]],
                      by_code: dict[str, Unit]) -> tuple[Unit | None, str]:
        if _unit_key_kind(key) == "uscc":
            code = key.replace(" ", "").upper()
            candidates = [by_code[code]] if code in by_code else []
            unknown = f"系统中没有统一社会信用代码为“{code}”的单位"
        else:
            candidates = by_name.get(key, [])
            unknown = f"系统中没有名为“{key}”的单位（须填写机构全称或统一社会信用代码）"
        visible = [u for u in candidates if self.actor is None or unit_allows(self.actor, Perm.UNITS_VIEW, u)]
        if not visible:
            return None, unknown  # never reveal a unit the actor may not see
        active = [u for u in visible if u.status == UnitStatus.ACTIVE]
        if not active:
            return None, f"“{key}”已撤销，不能再办理入编"
        if len(active) > 1:
            return None, f"有{len(active)}个单位名为“{key}”，请改填统一社会信用代码"
        unit = active[0]
        if self.actor is not None and not unit_allows(self.actor, Perm.STAFFING_CHANGE, unit):
            return None, f"您没有在“{unit.name}”办理编制业务的权限"
        return unit, ""

    # divisions, lines, approvals -----------------------------------------------------------------------------

    def divisions(self) -> None:
        plan = self.plan
        wanted = {(r.unit_id, r.division_name) for r in plan.records if r.unit_id and r.division_name}
        if not wanted:
            return
        found: dict[tuple[int, str], int] = {}
        for batch in chunked(sorted({unit_id for unit_id, _ in wanted})):
            rows = Division.objects.filter(unit_id__in=batch, status=UnitStatus.ACTIVE).values_list(
                "unit_id", "name", "pk")
            for unit_id, name, pk in rows:
                found[(unit_id, name)] = pk
        for rec in plan.records:
            if rec.unit_id and rec.division_name:
                rec.division_id = found.get((rec.unit_id, rec.division_name))
                if rec.division_id is None:
                    unit = plan.units[rec.unit_id]
                    plan.add(rec.row, "division", f"{unit.name}没有名为“{rec.division_name}”的内设机构")

    def lines(self) -> None:
        plan = self.plan
        unit_ids = sorted({r.unit_id for r in plan.records if r.unit_id and r.on_quota and r.kind})
        by_identity: dict[tuple[int, str, str], QuotaLine] = {}
        for batch in chunked(unit_ids):
            for line in QuotaLine.objects.filter(unit_id__in=batch):
                line.unit = plan.units[line.unit_id]
                by_identity[(line.unit_id, line.kind, line.funding)] = line
        first_day: dict[int, date] = {}
        for batch in chunked(sorted(line.pk for line in by_identity.values())):
            rows = QuotaMovement.objects.filter(line_id__in=batch).values("line_id").annotate(first=Min("effective_on"))
            first_day.update((row["line_id"], row["first"]) for row in rows)

        verdicts: dict[tuple[int, str, str], tuple[QuotaLine | None, str, str]] = {}
        for rec in plan.records:
            if not (rec.unit_id and rec.on_quota and rec.kind):
                continue
            identity = (rec.unit_id, rec.kind, rec.funding)
            verdict = verdicts.get(identity)
            if verdict is None:
                verdict = verdicts[identity] = self._line_verdict(identity, by_identity)
            line, key, message = verdict
            if line is None:
                plan.add(rec.row, key, message)
                continue
            rec.line_id = line.pk
            plan.lines[line.pk] = line
            since = first_day.get(line.pk)
            if rec.started_on and (since is None or rec.started_on < since):
                when = f"（{since.isoformat()}）" if since else "（尚未核定）"
                plan.add(rec.row, "started_on", f"入编时间不能早于{line}的核定日期{when}")

    def _line_verdict(self, identity: tuple[int, str, str],
                      by_identity: dict[tuple[int, str, str], QuotaLine]) -> tuple[QuotaLine | None, str, str]:
        unit_id, kind, funding = identity
        unit = self.plan.units[unit_id]
        line = by_identity.get(identity)
        try:
            check_line_identity(unit, kind, funding, line.exception_document_no if line else "")
        except ValidationFailed as exc:
            field_name = next(iter(exc.details), "kind")
            return None, {"unit": "unit", "funding": "funding"}.get(field_name, "kind"), exc.message
        if line is None:
            return None, "kind", f"{unit.name}没有核定该类编制（{_line_label(kind, funding)}）"
        return line, "", ""

    def approvals(self) -> None:
        plan = self.plan
        wanted = {(r.line_id, r.approval_no) for r in plan.records if r.line_id and r.approval_no}
        found: dict[tuple[int, str], Approval] = {}
        for batch in chunked(sorted({line_id for line_id, _ in wanted})):
            numbers = {no for line_id, no in wanted if line_id in batch}
            for approval in Approval.objects.filter(line_id__in=batch, document_no__in=numbers).order_by(
                    "issued_on", "pk"):
                key = (approval.line_id, approval.document_no)
                # An open one wins over a used or expired one with the same number.
                if key not in found or (found[key].status != ApprovalStatus.OPEN
                                        and approval.status == ApprovalStatus.OPEN):
                    found[key] = approval
        uses: dict[int, list[Record]] = defaultdict(list)
        for rec in plan.records:
            if not (rec.line_id and rec.approval_no):
                continue
            approval = found.get((rec.line_id, rec.approval_no))
            line = plan.lines[rec.line_id]
            if approval is None:
                plan.add(rec.row, "approval_no", f"{line}没有通知单号为“{rec.approval_no}”的用编核准")
                continue
            if approval.status != ApprovalStatus.OPEN:
                plan.add(rec.row, "approval_no",
                         f"用编核准{approval.document_no}已{approval.get_status_display()}，不能再使用")
                continue
            if rec.started_on and not approval.issued_on <= rec.started_on <= approval.valid_until:
                plan.add(rec.row, "started_on", f"入编时间不在用编核准{approval.document_no}的有效期内"
                                                f"（{approval.issued_on}至{approval.valid_until}）")
            rec.approval_id = approval.pk
            plan.approvals[approval.pk] = approval
            uses[approval.pk].append(rec)
        for approval_id, records in uses.items():
            approval = plan.approvals[approval_id]
            for rec in records[approval.remaining:]:
                plan.add(rec.row, "approval_no",
                         f"用编核准{approval.document_no}核准 {approval.count} 名、已使用 {approval.used} 名，"
                         f"尚余 {approval.remaining} 名；本文件使用 {len(records)} 名，"
                         f"超出 {len(records) - approval.remaining} 名")

    # persons -------------------------------------------------------------------------------------------------

    def persons(self) -> None:
        plan = self.plan
        first_row: dict[str, int] = {}
        for rec in plan.records:
            if not rec.id_number:
                continue
            if rec.id_number in first_row:
                plan.add(rec.row, "id_number", f"身份证号码与第{first_row[rec.id_number]}行重复，同一人只能填写一行")
            else:
                first_row[rec.id_number] = rec.row
        for batch in chunked(first_row):
            for row in Person.objects.filter(id_number__in=batch).values("pk", "id_number", "name", "unit_id"):
                plan.existing[row["id_number"]] = row
        if not plan.existing:
            return
        by_pk = {row["pk"]: row for row in plan.existing.values()}
        active: dict[int, dict[str, Any]] = {}
        for batch in chunked(by_pk):
            rows = Placement.objects.filter(person_id__in=batch, ended_on__isnull=True).values(
                "person_id", "unit_id", "on_quota").order_by("-on_quota")
            for row in rows:
                active.setdefault(row["person_id"], row)
        unit_ids = {row["unit_id"] for row in [*by_pk.values(), *active.values()] if row["unit_id"]}
        units = {u.pk: u for batch in chunked(unit_ids) for u in Unit.objects.filter(pk__in=batch).only(
            "pk", "path", "name")}
        for rec in plan.records:
            known = plan.existing.get(rec.id_number)
            if known is None:
                continue
            rec.person_id = known["pk"]
            person_unit = units.get(known["unit_id"])
            if rec.name and known["name"] != rec.name:
                if self._may(Perm.PEOPLE_VIEW, person_unit):
                    plan.add(rec.row, "name", f"该身份证号码已登记为“{known['name']}”，与所填姓名不一致")
                else:
                    plan.add(rec.row, "name", "该身份证号码已登记在册，但登记的姓名与所填不一致")
            placement = active.get(known["pk"])
            if placement is not None:
                where_unit = units.get(placement["unit_id"])
                where = f"“{where_unit.name}”" if self._may(Perm.UNITS_VIEW, where_unit) else "其他单位"
                status = ON_QUOTA if placement["on_quota"] else OFF_QUOTA
                plan.add(rec.row, "id_number", f"该人员目前已在{where}{status}，须先办理出编或调动")

    def _may(self, perm: str, unit: Unit | None) -> bool:
        return self.actor is None or (unit is not None and unit_allows(self.actor, perm, unit))

    # room ----------------------------------------------------------------------------------------------------

    def room(self) -> None:
        """Per line, the rows that take a slot without an approval, in file order: those beyond the vacancies are
        refused on a block-mode line, and need a reason in 备注 on a warn-mode line."""
        plan = self.plan
        takers: dict[int, list[Record]] = defaultdict(list)
        for rec in plan.records:
            if rec.line_id and not rec.approval_no:
                takers[rec.line_id].append(rec)
        for line_id, records in takers.items():
            line = plan.lines[line_id]
            if line.requires_approval:
                for rec in records:
                    plan.add(rec.row, "approval_no",
                             f"{line}入编须凭用编核准通知单（先核编、后进人），请填写用编核准通知单号")
                continue
            room = max(line.approved - line.occupied - line.reserved, 0)
            extra = records[room:]
            if not extra:
                continue
            if line.enforcement == Enforcement.BLOCK:
                message = (f"超编：{line}核定 {line.approved} 名，实有 {line.occupied} 名，已核准未入编 "
                           f"{line.reserved} 名，空编 {room} 名；本文件拟占用 {len(records)} 名，超出 {len(extra)} 名")
                for rec in extra:
                    plan.add(rec.row, "kind", message)
            else:
                for rec in extra:
                    if rec.note:
                        rec.over_reason = rec.note
                    else:
                        plan.add(rec.row, "note", f"{line}已无空编（预警模式），须在备注中说明超编理由")


def _line_label(kind: str, funding: str) -> str:
    kind_label = next((label for label, value in BY_KEY["kind"].choices.items() if value == kind), kind)
    funding_label = next((label for label, value in BY_KEY["funding"].choices.items() if value == funding), funding)
    return f"{kind_label}·{funding_label}"


def validate(sheet: Sheet, *, actor: Any, progress: Progress | None = None, every: int = 2000) -> Plan:
    """Read and check every row of the sheet. The plan's errors are empty when the whole file may be written."""
    plan = Plan()
    missing = missing_headers(sheet)
    if missing:
        plan.add(1, "", f"第1行（表头）缺少必需的列：{'、'.join(missing)}；请使用系统提供的模板，不要修改表头")
        return plan
    reader = _RowReader(plan, sheet.positions, today())
    total = sheet.total
    for done, (number, row) in enumerate(sheet.rows, start=1):
        if not is_blank(row):
            plan.records.append(reader.read(number, row))
        if progress is not None and done % every == 0:
            progress("validate", done, total)
    if not plan.records:
        plan.add(0, "", "文件中没有人员数据（第1行为表头，人员从第2行起逐行填写）")
        return plan
    resolver = _Resolver(plan, actor)
    resolver.units()
    resolver.divisions()
    resolver.lines()
    resolver.approvals()
    resolver.persons()
    resolver.room()
    if progress is not None:
        progress("validate", total, total)
    return plan

