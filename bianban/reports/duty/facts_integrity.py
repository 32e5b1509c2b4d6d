"""The year's integrity work (seed 一（六）): the key dates (元旦春节、中秋国庆 …) whose reminders were done, read with
the integrity app's own rule for which key dates belong to a year (integrity/selectors.py year_q: a 元旦 period
that starts in December belongs to the next year). One query; the talks are in facts_talks."""

from dataclasses import dataclass
from datetime import date

from bianban.duties.integrity.selectors import year_q
from bianban.duties.models import KeyDate
from bianban.party.models import Branch
from bianban.reports.duty import facts_sources as src
from bianban.reports.duty.draft import Figure


@dataclass
class KeyDateFacts:
    branch_id: int
    year: int
    rows: list[tuple[int, date, str, date | None]]  # (pk, on, name, done_on)

    def done(self) -> list[tuple[int, date, str, date | None]]:
        return [r for r in self.rows if r[3] is not None]

    def undone(self, today: date) -> list[tuple[int, date, str, date | None]]:
        """Key dates whose day has passed without the reminder marked done."""
        return [r for r in self.rows if r[3] is None and r[1] < today]

    def reminders(self) -> Figure:
        return src.figure("integrity_reminders", len(self.done()), "次", "重要节点廉政提醒",
                          (src.key_date(pk, on, name, self.branch_id, self.year) for pk, on, name, _ in self.done()))

    def names(self) -> list[str]:
        return [name for _, _, name, _ in self.done()]


def keydate_facts(branch: Branch, year: int) -> KeyDateFacts:
    rows = list(KeyDate.objects.filter(year_q(year), branch=branch).order_by("on", "pk")
                .values_list("pk", "on", "name", "done_on"))
    return KeyDateFacts(branch.pk, year, rows)
