"""The 实名制 roster's columns (domain.md §2.2, 人员信息表): Chinese headers ↔ fields, and the labels that choice
columns accept ↔ the values stored. The template, the reader, the validation and the export all use this one list,
so a file exported from bianban imports again unchanged."""

from dataclasses import dataclass, field

from bianban.people.choices import ETHNICITY_CHOICES, Education, PoliticalStatus, Sex
from bianban.units.choices import Funding, QuotaKind

SHEET = "实名制花名册"
NOTES_SHEET = "填写说明"
OPTIONS_SHEET = "选项"
SUMMARY_SHEET = "编制情况"
ERRORS_SHEET = "错误汇总"
ERRORS_HEADER = "错误说明"

TEXT, DATE, ID, CHOICE = "text", "date", "id", "choice"

ON_QUOTA, OFF_QUOTA = "在编", "编外"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = TEXT
    width: int = 14
    required: bool = False  # the value is required on every row (编制类型 only on 在编 rows: see validate.py)
    header_required: bool = False  # the file must have this column at all
    aliases: tuple[str, ...] = ()  # other headers found in local templates
    choices: dict[str, str] = field(default_factory=dict)  # accepted label → stored value
    max_length: int = 100
    note: str = ""


def _labels(choices: type) -> dict[str, str]:
    return {str(label): value for value, label in choices.choices}


SEX_LABELS = _labels(Sex)
ETHNICITY_LABELS = {label: value for value, label in ETHNICITY_CHOICES}
POLITICAL_LABELS = _labels(PoliticalStatus)
EDUCATION_LABELS = _labels(Education)
QUOTA_STATUS_LABELS = {ON_QUOTA: ON_QUOTA, OFF_QUOTA: OFF_QUOTA}
KIND_LABELS = _labels(QuotaKind)
FUNDING_LABELS = _labels(Funding)

# Spellings seen in local templates (domain.md §2.2: "本科/大专"; "编外聘用"), accepted on import, never written.
CHOICE_ALIASES: dict[str, dict[str, str]] = {
    "education": {"本科": Education.BACHELOR, "大专": Education.JUNIOR_COLLEGE, "博士": Education.DOCTORATE,
                  "硕士": Education.MASTER},
    "quota_status": {"编外聘用": OFF_QUOTA, "在职在编": ON_QUOTA},
    "political_status": {"党员": PoliticalStatus.CPC_MEMBER, "团员": PoliticalStatus.CYL_MEMBER},
    "funding": {"-": Funding.NONE, "－": Funding.NONE, "无": Funding.NONE, "全额": Funding.FULL,
                "差额": Funding.PARTIAL, "差额补贴": Funding.PARTIAL, "财政补助": Funding.FULL,
                "经费自理": Funding.SELF, "自收自支": Funding.SELF},
    "kind": {"行政": QuotaKind.ADMINISTRATIVE, "事业": QuotaKind.INSTITUTION, "工勤": QuotaKind.SERVICE_WORKER,
             "政法专项": QuotaKind.POLITICAL_LEGAL, "机关工勤编制": QuotaKind.SERVICE_WORKER,
             "机关其他编制": QuotaKind.OTHER},
}

COLUMNS: tuple[Column, ...] = (
    Column("unit", "所在单位", width=30, required=True, header_required=True,
           aliases=("单位名称", "单位", "所在单位名称"),
           note="机构全称（与系统中登记的全称完全一致），或其18位统一社会信用代码"),
    Column("name", "姓名", width=10, required=True, header_required=True, max_length=50,
           note="与身份证一致，中间不加空格"),
    Column("id_number", "身份证号", ID, width=22, required=True, header_required=True,
           aliases=("公民身份号码", "身份证号码", "身份证"),
           note="18位（15位旧号码自动升级）；本列须为文本格式，不要以数字形式输入，否则末几位会丢失"),
    Column("sex", "性别", CHOICE, width=6, choices=SEX_LABELS, note="可不填；填写的须与身份证号码一致"),
    Column("birth_date", "出生日期", DATE, width=12, aliases=("出生年月",),
           note="yyyy-mm-dd，可不填；填写的须与身份证号码一致"),
    Column("ethnicity", "民族", CHOICE, width=10, required=True, choices=ETHNICITY_LABELS,
           note="填全称，如“汉族”"),
    Column("political_status", "政治面貌", CHOICE, width=12, required=True, choices=POLITICAL_LABELS,
           note="填全称，如“中共党员”"),
    Column("education", "学历", CHOICE, width=12, choices=EDUCATION_LABELS, note="可不填"),
    Column("work_started_on", "参加工作时间", DATE, width=14, note="yyyy-mm-dd，可不填；不能早于年满14周岁"),
    Column("quota_status", "人员状态", CHOICE, width=10, required=True, header_required=True,
           choices=QUOTA_STATUS_LABELS, note="在编：占用下列编制；编外：编外聘用人员，不占编制"),
    Column("kind", "编制类型", CHOICE, width=14, header_required=True, aliases=("编制类别",), choices=KIND_LABELS,
           note="在编人员必填；编外人员不填；须是单位已核定的编制"),
    Column("funding", "经费形式", CHOICE, width=12, header_required=True, aliases=("编制经费形式",),
           choices=FUNDING_LABELS,
           note="行政编制、政法专项编制、工勤编制填“—”（也可不填）；事业编制填全额拨款、差额拨款或自收自支"),
    Column("division", "内设机构", width=16, aliases=("所在机构",),
           note="可不填；须是该单位现有内设机构的名称；单位领导不填"),
    Column("title", "职务", width=16, note="可不填；实际职务名称"),
    Column("started_on", "入编时间", DATE, width=12, required=True, header_required=True, aliases=("进入时间",),
           note="yyyy-mm-dd；编外人员填进入本单位的时间；不能早于编制核定日期"),
    Column("document_no", "入编文号", width=20, required=True, header_required=True,
           note="入编审批表或入编通知单的文号"),
    Column("approval_no", "用编核准通知单号", width=20, aliases=("控编单号", "空岗通知单编号", "控编通知单号"),
           note="可不填；填写的须是该编制有效期内、尚未用完的用编核准通知单；编制须凭核准入编的必填"),
    Column("note", "备注", width=24, max_length=1000,
           note="可不填；预警模式的编制已无空编时，须在此说明超编理由"),
)
BY_KEY = {column.key: column for column in COLUMNS}
HEADERS = [column.header for column in COLUMNS]


def normalise_header(raw: object) -> str:
    """A header cell as compared: spaces (also full-width) and the asterisks marking required columns dropped."""
    text = str(raw or "")
    return "".join(ch for ch in text if not ch.isspace() and ch not in "*＊").strip()


def match_headers(cells: list[object]) -> dict[str, int]:
    """Column key → position in the file, by header or one of its aliases (first occurrence wins)."""
    lookup: dict[str, str] = {}
    for column in COLUMNS:
        for name in (column.header, *column.aliases):
            lookup.setdefault(name, column.key)
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = lookup.get(normalise_header(cell))
        if key is not None and key not in found:
            found[key] = index
    return found


def choice_value(column: Column, label: str) -> str | None:
    """The stored value for an accepted label, or None."""
    if label in column.choices:
        return column.choices[label]
    return CHOICE_ALIASES.get(column.key, {}).get(label)


def choice_label(column: Column, value: str) -> str:
    """The label written for a stored value (the inverse of the column's main choices)."""
    for label, stored in column.choices.items():
        if stored == value:
            return label
    return ""
