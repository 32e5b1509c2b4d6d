"""The site's navigation: every module of the platform and who sees it."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    perm: str | None = None


@dataclass(frozen=True)
class NavSection:
    label: str
    items: tuple[NavItem, ...] = field(default_factory=tuple)


SECTIONS: tuple[NavSection, ...] = (
    NavSection("机构编制", (
        NavItem("机构", "units:list", "units.view"),
        NavItem("人员", "people:list", "people.view"),
        NavItem("编制使用", "staffing:overview", "units.view"),
        NavItem("实名制花名册导入", "roster:imports", "staffing.change"),
    )),
    NavSection("核查与整改", (
        NavItem("编制核查", "checks:list", "units.view"),
        NavItem("问题台账", "ledger:list", "units.view"),
    )),
    NavSection("党建工作", (
        NavItem("党支部与党员", "party:branch_list", "party.view"),
        NavItem("三会一课与活动", "party:activity_list", "party.view"),
        NavItem("组织生活日历", "party:compliance_index", "party.view"),
        NavItem("谈心谈话", "party:talk_list", "party.view"),
        NavItem("民主评议", "party:appraisal_index", "party.view"),
        NavItem("责任清单", "duties:item_index", "party.view"),
        NavItem("书记项目", "duties:project_index", "party.view"),
        NavItem("集中走访", "duties:visit_index", "party.view"),
        NavItem("意识形态", "duties:risk_index", "party.view"),
        NavItem("廉政提醒", "duties:keydate_index", "party.view"),
        NavItem("志愿服务", "duties:volunteer_index", "party.view"),
    )),
    NavSection("事业单位登记", (
        NavItem("登记管理", "registration:registration_list", "units.view"),
        NavItem("登记申请", "registration:filing_list", "units.view"),
        NavItem("年度报告", "registration:annual_list", "units.view"),
        NavItem("登记时限日历", "registration:calendar", "units.view"),
    )),
    NavSection("报告", (
        NavItem("述职报告", "reports:duty_index", "party.view"),
        NavItem("党建看板", "reports:dashboard_branch_index", "party.view"),
        NavItem("编制看板", "reports:dashboard_office", "units.view"),
        NavItem("统计报表", "reports:statistics_index"),
    )),
    NavSection("系统", (
        NavItem("我的提醒", "duties:reminder_list"),
        NavItem("账号与授权", "accounts:users", "accounts.manage"),
        NavItem("审计日志", "core:audit", "audit.view"),
        NavItem("工作日历", "core:workdays", "accounts.manage"),
        NavItem("我的API令牌", "accounts:tokens"),
    )),
)


def _url(item: NavItem) -> str:
    try:
        return reverse(item.url_name)
    except NoReverseMatch:
        return "#"


def menu_for(can: Callable[[str], bool], current_path: str) -> list[dict]:
    """The sections and items the user may see, marking the one containing `current_path` (the longest matching
    URL: /party/ is the branches' page and also the prefix of every other party page)."""
    menu = []
    for section in SECTIONS:
        items = []
        for item in section.items:
            if item.perm and not can(item.perm):
                continue
            url = _url(item)
            items.append({"label": item.label, "url": url, "active": False})
        if items:
            menu.append({"label": section.label, "items": items, "active": False})
    matches = [(len(i["url"]), i, s) for s in menu for i in s["items"]
               if i["url"] != "#" and current_path.startswith(i["url"])]
    if matches:
        _, item, section = max(matches, key=lambda m: m[0])
        item["active"] = section["active"] = True
    return menu
