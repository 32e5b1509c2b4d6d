"""The 党建责任清单 of the report's year and of the next: how the work was "量化、细化到人" (tasks, owners, months
deployed) and which tasks are behind, with progress computed by the duties app itself (items/progress.py), so the
report and the list never disagree."""

from dataclasses import dataclass
from datetime import date

from bianban.duties.items.progress import Progress, items_progress, month_list
from bianban.duties.items.selectors import owner_label, year_items
from bianban.duties.models import DutyItem
from bianban.party.models import Branch
from bianban.reports.duty import facts_sources as src
from bianban.reports.duty.draft import Figure, Source


@dataclass
class DutyFacts:
    year: int
    items: list[DutyItem]
    progress: dict[int, Progress]

    def _sources(self, items: list[DutyItem]) -> list[Source]:
        return [src.duty_item(i.pk, i.title) for i in items]

    def tasks(self) -> Figure:
        return src.figure("duty_tasks", len(self.items), "项", f"{self.year}年度党建责任清单任务",
                          self._sources(self.items))

    def owners(self) -> tuple[Figure, Figure]:
        """(members who own tasks, divisions that own tasks), each with the tasks they own as sources."""
        members = [i for i in self.items if i.owner_member_id]
        divisions = [i for i in self.items if i.owner_division_id]
        return (src.figure("duty_owner_members", len({i.owner_member_id for i in members}), "名",
                           "责任清单落实到的责任人", self._sources(members)),
                src.figure("duty_owner_divisions", len({i.owner_division_id for i in divisions}), "个",
                           "责任清单落实到的科室", self._sources(divisions)))

    def months(self) -> Figure:
        months = {m for i in self.items for m in month_list(i.months)}
        return src.figure("duty_months", len(months), "个月", "部署了重点任务的月份", self._sources(self.items))

    def completed(self) -> Figure:
        done = [i for i in self.items if self.progress[i.pk].complete]
        return src.figure("duty_completed", len(done), "项", "已完成的责任清单任务", self._sources(done))

    def behind(self) -> list[DutyItem]:
        return [i for i in self.items if self.progress[i.pk].behind]

    def owner_names(self) -> tuple[list[str], list[str]]:
        """(the members, the divisions) that own tasks, each once, in the list's order."""
        members = list(dict.fromkeys(owner_label(i) for i in self.items if i.owner_member_id))
        divisions = list(dict.fromkeys(owner_label(i) for i in self.items if i.owner_division_id))
        return members, divisions


def duty_facts(branch: Branch, year: int, today: date) -> DutyFacts:
    """The year's tasks with progress judged as the list judges it on `today` (December for a past year)."""
    items = year_items(branch, year)
    return DutyFacts(year, items, items_progress(items, today=today))


def plan_lines(items: list[DutyItem]) -> list[str]:
    """Next year's tasks as the plan's prefilled lines: what, who, when, how much."""
    lines = []
    for item in items:
        months = month_list(item.months)
        when = "全年" if len(months) == 12 else "、".join(f"{m}月" for m in months)
        target = f"，目标{item.target_count}" + ("人次" if item.measure == "talks" else "户" if item.measure == "visits"
                                                   else "次") if item.target_count else ""
        lines.append(f"{item.title}（责任人：{owner_label(item)}；部署：{when}{target}）")
    return lines
