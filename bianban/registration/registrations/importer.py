"""Import of existing registrations from an xlsx workbook: all or nothing.

Each row names a 事业单位 of the unit register (by 统一社会信用代码, else by 单位名称), its 登记事项, the 举办单位 by
name, and optionally its current certificate. Every row goes through `registration_create_within` (the same
checks as the page) behind its own savepoint, inside ONE transaction; when any row fails, the whole transaction
is rolled back and the result lists every error by row and column (for the error workbook). So a file is
imported completely or not at all, and no rule is duplicated here. Cells are read with python-calamine (the
roster's reader); a file too large or not .xlsx is refused before anything is read.
"""

from dataclasses import dataclass, field
from io import BytesIO
from typing import IO, Any

from django.db import transaction
from django.db.models import Q
from python_calamine import CalamineError, CalamineWorkbook

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import has_perm
from bianban.core.audit import audit
from bianban.core.exceptions import DomainError, PermissionDenied, ValidationFailed
from bianban.core.uploads import check_ooxml
from bianban.registration.choices import FundingSource
from bianban.registration.registrations import services
from bianban.staffing.roster import reader
from bianban.staffing.roster.reader import CellError
from bianban.units.choices import UnitKind, UnitStatus
from bianban.units.models import Unit

SHEET = "事业单位登记"


@dataclass(frozen=True)
class Column:
    key: str  # the service's field (or unit_name / sponsor_name / certificate.*)
    header: str
    required: bool = False
    kind: str = "text"  # text, date


COLUMNS = [
    Column("unit_name", "单位名称"),
    Column("uscc", "统一社会信用代码", required=True),
    Column("uscc_checksum_reason", "校验码不符说明"),
    Column("other_names", "其他名称"),
    Column("purpose", "宗旨和业务范围", required=True),
    Column("address", "住所", required=True),
    Column("legal_representative", "法定代表人", required=True),
    Column("capital", "开办资金（万元）", required=True),
    Column("funding_source", "经费来源", required=True),
    Column("sponsor_name", "举办单位", required=True),
    Column("authority", "登记管理机关"),
    Column("registered_on", "设立登记日期", required=True, kind="date"),
    Column("certificate.number", "证书号"),
    Column("certificate.issued_on", "发证日期", kind="date"),
    Column("certificate.valid_from", "有效期起", kind="date"),
]
BY_KEY = {c.key: c for c in COLUMNS}
# Service fields whose errors belong to another column of the sheet.
FIELD_COLUMN = {"name": "unit_name", "unit": "unit_name", "sponsor": "sponsor_name"}
_FUNDING = {label: value for value, label in FundingSource.choices} | {v: v for v in FundingSource.values}


@dataclass(frozen=True)
class RowError:
    row: int  # Excel row number (1: the header; 0: the whole file)
    key: str  # column key, "" when the error is not about one cell
    message: str

    @property
    def column(self) -> str:
        column = BY_KEY.get(self.key)
        return column.header if column else ""


@dataclass
class ImportResult:
    file_name: str
    rows: int = 0
    registrations: int = 0
    certificates: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        return {"rows": self.rows, "registrations": self.registrations, "certificates": self.certificates,
                "errors": len(self.errors)}


@dataclass
class Table:
    headers: list[str]
    positions: dict[str, int]
    rows: list[tuple[int, list[Any]]]


class _Rollback(Exception):
    """Raised inside the import's transaction to undo every row written when any row failed."""


def _normal(header: str) -> str:
    return reader.compact(header).replace("(", "（").replace(")", "）")


def read_table(content: bytes) -> Table:
    """The first sheet (or the one named 事业单位登记): header row, known columns and non-blank data rows."""
    check_ooxml(BytesIO(content))
    try:
        workbook = CalamineWorkbook.from_filelike(BytesIO(content))
        names = workbook.sheet_names
        sheet = workbook.get_sheet_by_name(SHEET if SHEET in names else names[0])
        cells = sheet.to_python(skip_empty_area=False)
    except (CalamineError, ValueError, OSError, IndexError) as exc:
        raise ValidationFailed.on("file", f"文件无法读取，不是有效的 .xlsx 工作簿（{type(exc).__name__}）") from None
    headers = [reader.text(c) for c in cells[0]] if cells else []
    wanted = {_normal(c.header): c.key for c in COLUMNS} | {"开办资金": "capital"}
    positions: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = wanted.get(_normal(header))
        if key and key not in positions:
            positions[key] = index
    rows = [(number, list(row)) for number, row in enumerate(cells[1:], start=2) if not reader.is_blank(list(row))]
    return Table(headers=headers, positions=positions, rows=rows)


def _cell(row: list[Any], positions: dict[str, int], key: str) -> Any:
    index = positions.get(key)
    return row[index] if index is not None and index < len(row) else ""


def _find_unit(name: str, uscc: str, errors: list[RowError], number: int) -> Unit | None:
    institutions = Unit.objects.filter(kind=UnitKind.INSTITUTION, status=UnitStatus.ACTIVE)
    if uscc:
        unit = institutions.filter(uscc=uscc).first()
        if unit is not None:
            return unit
    if name:
        matches = list(institutions.filter(Q(name=name) | Q(short_name=name))[:2])
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            errors.append(RowError(number, "unit_name", f"有多个名为“{name}”的事业单位，请填写统一社会信用代码区分"))
            return None
        other = Unit.objects.filter(Q(name=name) | Q(short_name=name)).first()
        if other is not None and other.kind != UnitKind.INSTITUTION:
            errors.append(RowError(number, "unit_name", f"“{name}”是{other.get_kind_display()}，不办理事业单位登记"))
            return None
    errors.append(RowError(number, "unit_name" if name else "uscc",
                           f"机构库中没有与“{name or uscc}”对应的事业单位，请先在机构库中设立该单位，或核对名称和代码"))
    return None


def _find_sponsor(name: str, errors: list[RowError], number: int) -> Unit | None:
    matches = list(Unit.objects.filter(Q(name=name) | Q(short_name=name), status=UnitStatus.ACTIVE)[:2])
    if len(matches) == 1:
        return matches[0]
    message = f"有多个名为“{name}”的单位，请填写全称" if matches else f"机构库中没有名为“{name}”的举办单位"
    errors.append(RowError(number, "sponsor_name", message))
    return None


def parse_row(number: int, row: list[Any], positions: dict[str, int]) -> tuple[dict[str, Any] | None,
                                                                             list[RowError]]:
    """The service's keyword arguments for one row, or the row's cell errors."""
    errors: list[RowError] = []
    values: dict[str, Any] = {}
    for column in COLUMNS:
        raw = _cell(row, positions, column.key)
        try:
            value = reader.to_date(raw) if column.kind == "date" else reader.text(raw)
        except CellError as exc:
            errors.append(RowError(number, column.key, str(exc)))
            continue
        if column.required and value in ("", None):
            errors.append(RowError(number, column.key, f"请填写{column.header}"))
        values[column.key] = value
    if not values.get("unit_name") and not values.get("uscc"):
        errors.append(RowError(number, "unit_name", "请填写单位名称或统一社会信用代码"))
    funding = values.get("funding_source", "")
    if funding and funding not in _FUNDING:
        errors.append(RowError(number, "funding_source", f"经费来源应为{'、'.join(FundingSource.labels)}之一"))
    number_text, issued_on = values.get("certificate.number"), values.get("certificate.issued_on")
    if number_text and issued_on is None and "certificate.issued_on" in values:
        errors.append(RowError(number, "certificate.issued_on", "填写了证书号的，请填写发证日期"))
    if issued_on and not number_text:
        errors.append(RowError(number, "certificate.number", "填写了发证日期的，请填写证书号"))
    if errors:
        return None, errors
    uscc = reader.compact(values["uscc"]).upper()
    unit = _find_unit(reader.compact(values["unit_name"]), uscc, errors, number)
    sponsor = _find_sponsor(reader.compact(values["sponsor_name"]), errors, number)
    if errors or unit is None:
        return None, errors
    certificate = (services.CertificateIn(number=number_text, issued_on=issued_on,
                                          valid_from=values.get("certificate.valid_from"))
                   if number_text else None)
    return {"unit": unit, "uscc": uscc, "uscc_checksum_reason": values["uscc_checksum_reason"],
            "name": values["unit_name"] or unit.name, "other_names": values["other_names"],
            "purpose": values["purpose"], "address": values["address"],
            "legal_representative": values["legal_representative"], "capital": values["capital"],
            "funding_source": _FUNDING[funding], "sponsor": sponsor, "authority": values["authority"],
            "registered_on": values["registered_on"], "certificate": certificate}, errors


def _domain_errors(number: int, exc: DomainError) -> list[RowError]:
    details = exc.details if isinstance(exc, ValidationFailed) and exc.details else {"": [exc.message]}
    out = []
    for key, messages in details.items():
        key = FIELD_COLUMN.get(key, key)
        for message in messages if isinstance(messages, list) else [messages]:
            out.append(RowError(number, key if key in BY_KEY else "", str(message)))
    return out


def registration_import(*, actor: Any, upload: str | IO[bytes]) -> ImportResult:
    """Import the workbook. ValidationFailed (field "file") when the file cannot be used at all; otherwise the
    result, whose `errors` say row by row why nothing was written. Must not run inside a transaction. A caller who
    may not maintain units anywhere is refused before the file is read (the page is closed to them too)."""
    if actor is not None and not has_perm(actor, Perm.UNITS_CHANGE):
        raise PermissionDenied("没有维护机构的权限，不能导入登记")
    source = reader.load(upload)
    result = ImportResult(file_name=source.name)
    table = read_table(source.content)
    missing = [c.header for c in COLUMNS if c.required and c.key not in table.positions]
    if "unit_name" not in table.positions and "uscc" not in table.positions:
        missing.insert(0, "单位名称")
    if missing:
        result.errors = [RowError(1, "", f"缺少必需的列：{'、'.join(missing)}（请使用模板）")]
        return result
    if not table.rows:
        result.errors = [RowError(0, "", "文件中没有数据行")]
        return result
    result.rows = len(table.rows)
    try:
        _write(actor=actor, table=table, result=result)
    except _Rollback:
        result.registrations = result.certificates = 0
    return result


@transaction.atomic(durable=True)
def _write(*, actor: Any, table: Table, result: ImportResult) -> None:
    for number, row in table.rows:
        kwargs, errors = parse_row(number, row, table.positions)
        if kwargs is None:
            result.errors.extend(errors)
            continue
        try:
            with transaction.atomic():
                services.registration_create_within(actor=actor, **kwargs)
        except DomainError as exc:
            result.errors.extend(_domain_errors(number, exc))
            continue
        result.registrations += 1
        result.certificates += kwargs["certificate"] is not None
    if result.errors:
        raise _Rollback
    audit(actor=actor, action="registration.import",
          changes={"file": [None, result.file_name], **{k: [None, n] for k, n in result.counts().items()}})
