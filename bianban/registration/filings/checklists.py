"""The materials each filing needs (domain.md §3.2): 设立 and 注销 have a fixed list; a 变更 needs its application
plus one document per changed 登记事项. Keys are stable (stored in Filing.materials, sent by the API)."""

from collections.abc import Iterable

from bianban.registration.choices import ChangeItem, FilingKind

ESTABLISH = [
    ("establish_application", "设立登记申请书"),
    ("legal_rep_form", "法定代表人登记申请表"),
    ("charter_draft", "章程草案"),
    ("approval", "审批机关批准文件"),
    ("legal_rep_appointment", "拟任法定代表人任职文件及身份证"),
    ("capital_proof", "开办资金确认证明"),
    ("address_proof", "住所证明"),
]
CHANGE_APPLICATION = ("change_application", "变更登记申请书")
# 实施细则 Art. 45–48: the document that proves each change.
CHANGE_ITEMS: dict[str, tuple[str, str]] = {
    ChangeItem.NAME: ("name_approval", "名称变更批准文件"),
    ChangeItem.LEGAL_REPRESENTATIVE: ("legal_rep_appointment", "法定代表人任免文件及身份证"),
    ChangeItem.PURPOSE: ("purpose_approval", "宗旨和业务范围变更批准文件"),
    ChangeItem.ADDRESS: ("address_proof", "新住所证明"),
    ChangeItem.FUNDING_SOURCE: ("funding_approval", "经费来源变更批准文件"),
    ChangeItem.CAPITAL: ("capital_proof", "开办资金确认证明"),
    ChangeItem.SPONSOR: ("sponsor_approval", "举办单位变更批准文件"),
}
CANCEL = [
    ("cancel_application", "注销登记申请书"),
    ("cancel_approval", "举办单位或审批机关同意注销文件"),
    ("liquidation_report", "清算报告"),
    ("certificates", "事业单位法人证书正副本"),
    ("seal", "单位印章"),
]


def checklist(kind: str, changed: Iterable[str] = ()) -> list[tuple[str, str]]:
    """(key, label) of every material the filing needs, in the order the application lists them."""
    if kind == FilingKind.ESTABLISH:
        return list(ESTABLISH)
    if kind == FilingKind.CANCEL:
        return list(CANCEL)
    items = [CHANGE_APPLICATION]
    for item in ChangeItem.values:  # the order of ChangeItem, whatever order the changes came in
        if item in set(changed):
            items.append(CHANGE_ITEMS[item])
    return items


def missing(kind: str, changed: Iterable[str], ticked: Iterable[str]) -> list[str]:
    """Labels of the materials not yet ticked."""
    have = set(ticked)
    return [label for key, label in checklist(kind, changed) if key not in have]
