from django.db import models


class UnitKind(models.TextChoices):
    ORGAN = "organ", "机关"
    INSTITUTION = "institution", "事业单位"
    MASS_ORG = "mass_org", "群团机关"
    CIVIL_SERVICE_MANAGED = "civil_service_managed", "参公单位"


class InstitutionClass(models.TextChoices):
    """事业单位 classes of 中发〔2011〕5号 (domain.md §1.4). Extensible: some provinces piloted a 公益三类."""

    PUBLIC_1 = "public_1", "公益一类"
    PUBLIC_2 = "public_2", "公益二类"
    BUSINESS = "business", "生产经营类"
    ADMINISTRATIVE = "administrative", "承担行政职能"
    UNCLASSIFIED = "unclassified", "暂未分类"


class UnitRank(models.TextChoices):
    """机构规格 (domain.md §1.4)."""

    MINISTRY = "ministry", "正部级"
    VICE_MINISTRY = "vice_ministry", "副部级"
    BUREAU = "bureau", "正厅（局）级"
    VICE_BUREAU = "vice_bureau", "副厅（局）级"
    DIVISION = "division", "正处（县）级"
    VICE_DIVISION = "vice_division", "副处（县）级"
    SECTION = "section", "正科级"
    VICE_SECTION = "vice_section", "副科级"
    UNIT = "unit", "正股级"
    VICE_UNIT = "vice_unit", "副股级"
    UNRANKED = "unranked", "未定级"
    OTHER = "other", "其他"


class SystemCategory(models.TextChoices):
    """系统类别: which branch of the district's institutions the unit belongs to."""

    PARTY = "party", "党委"
    CONGRESS = "congress", "人大"
    GOVERNMENT = "government", "政府"
    CPPCC = "cppcc", "政协"
    SUPERVISION = "supervision", "纪委监委"
    COURT = "court", "法院"
    PROCURATORATE = "procuratorate", "检察院"
    DEMOCRATIC_PARTY = "democratic_party", "民主党派"
    MASS = "mass", "群团"
    STREET = "street", "街道（乡镇）"
    OTHER = "other", "其他"


class UnitStatus(models.TextChoices):
    ACTIVE = "active", "存续"
    ABOLISHED = "abolished", "已撤销"


class UnitEventKind(models.TextChoices):
    ESTABLISH = "establish", "设立"
    RENAME = "rename", "更名"
    MOVE = "move", "调整隶属关系"
    CHANGE = "change", "变更"
    CHARTER = "charter", "印发三定规定"
    DIVISION_ADD = "division_add", "设立内设机构"
    DIVISION_CHANGE = "division_change", "调整内设机构"
    DIVISION_ABOLISH = "division_abolish", "撤销内设机构"
    ABOLISH = "abolish", "撤销"
    QUOTA = "quota", "编制调整"
    POSTS = "posts", "领导职数调整"
    ENROL = "enrol", "入编"
    RELEASE = "release", "出编"
    TRANSFER_IN = "transfer_in", "调入"
    TRANSFER_OUT = "transfer_out", "调出"
    POST_CHANGE = "post_change", "职务变动"


# 统一社会信用代码 positions 1–2 (GB 32100, domain.md §3.5): 机构编制 registers 机关 as "11", 事业单位 as "12",
# 群众团体 it manages as "13". 参公单位 are mostly 事业单位 ("12"); some 群团机关 were registered as 机关.
USCC_PREFIXES: dict[str, tuple[str, ...]] = {
    UnitKind.ORGAN: ("11",),
    UnitKind.INSTITUTION: ("12",),
    UnitKind.CIVIL_SERVICE_MANAGED: ("12", "11"),
    UnitKind.MASS_ORG: ("13", "11"),
}


class QuotaKind(models.TextChoices):
    """编制类型 (domain.md §1.2). Extensible: local special quotas (e.g. 中小学教职工编制) go under OTHER."""

    ADMINISTRATIVE = "administrative", "行政编制"
    POLITICAL_LEGAL = "political_legal", "政法专项编制"
    INSTITUTION = "institution", "事业编制"
    SERVICE_WORKER = "service_worker", "工勤编制"
    OTHER = "other", "其他编制"


class Funding(models.TextChoices):
    """经费形式 (domain.md §1.3). 机关 quota carries NONE."""

    NONE = "none", "—"
    FULL = "full", "全额拨款"
    PARTIAL = "partial", "差额拨款"
    SELF = "self", "自收自支"
