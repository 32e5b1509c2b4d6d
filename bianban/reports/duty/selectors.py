"""Reads of the 述职报告, scoped to the user through the branch (party.access.branches_for_user): the stored drafts,
their blocks and versions, a freshly composed draft, and one shape (`SectionView`) that the page, the API and the
Word document all read, whether the draft is stored or only composed."""

from dataclasses import dataclass, field
from datetime import date
from string import Formatter
from typing import Any

from django.db.models import Count, Q, QuerySet

from bianban.accounts.choices import Perm
from bianban.core.exceptions import NotFound
from bianban.core.params import id_in_range
from bianban.party.access import branches_for_user
from bianban.party.models import Branch
from bianban.reports import inputs
from bianban.reports.duty.compose import compose_draft
from bianban.reports.duty.draft import Block, BlockOrigin, Draft, Figure
from bianban.reports.models import DutyReport, ReportBlock, ReportBlockVersion


def composed_draft(branch: Branch, year: int, *, today: date | None = None) -> Draft:
    """The draft the records give today (composing only reads). Services, views, the API and the command all come
    here, so tests of the storage can hand them drafts built by hand."""
    return compose_draft(branch, year, today=today)


def branch_for_user(user: Any, key: str) -> Branch:
    """A branch the user may read, by id or code (as the API, pages and links give it)."""
    return inputs.branch_for_user(user, key)


def reports_for_user(user: Any, *, branch: Branch | int | None = None, year: int | None = None,
                     perm: str = Perm.PARTY_VIEW) -> QuerySet[DutyReport]:
    qs = DutyReport.objects.filter(branch__in=branches_for_user(user, perm).values("pk"))
    if branch is not None:
        qs = qs.filter(branch=branch)
    if year:
        qs = qs.filter(year=year)
    return qs.select_related("branch__unit", "created_by").order_by("branch__name", "-year")


def report_get_for_user(user: Any, pk: int, perm: str = Perm.PARTY_VIEW) -> DutyReport:
    report = reports_for_user(user, perm=perm).filter(pk=pk).first() if id_in_range(pk) else None
    if report is None:
        raise NotFound("述职报告不存在或无权访问")
    return report


def report_for(user: Any, branch: Branch, year: int) -> DutyReport | None:
    """The stored draft of the branch and year, when the user may read it and one exists."""
    return reports_for_user(user, branch=branch, year=year).first()


def stored_report(branch: Branch, year: int) -> DutyReport | None:
    """The stored draft regardless of any user: for system callers (the `bianban report duty` command)."""
    return DutyReport.objects.filter(branch=branch, year=year).select_related("branch__unit").first()


def with_block_counts(qs: QuerySet[DutyReport]) -> QuerySet[DutyReport]:
    return qs.annotate(stale_count=Count("blocks", filter=Q(blocks__stale=True)),
                       edited_count=Count("blocks", filter=Q(blocks__edited=True)))


def blocks_of(report: DutyReport) -> QuerySet[ReportBlock]:
    return report.blocks.order_by("position", "pk")


def block_get_for_user(user: Any, report_id: int, *, pk: int | None = None, key: str | None = None,
                       perm: str = Perm.PARTY_VIEW) -> ReportBlock:
    """A block of a report the user may read, by id or by key."""
    if not id_in_range(report_id) or (pk is not None and not id_in_range(pk)):
        raise NotFound("段落不存在或无权访问")
    qs = ReportBlock.objects.filter(report__in=reports_for_user(user, perm=perm).filter(pk=report_id).values("pk"))
    block = qs.filter(pk=pk).first() if pk is not None else qs.filter(key=key or "").first()
    if block is None:
        raise NotFound("段落不存在或无权访问")
    return block


def versions_of(block: ReportBlock) -> QuerySet[ReportBlockVersion]:
    return block.versions.select_related("author").order_by("-number")


def report_years(today: date, stored: list[int]) -> list[int]:
    """The years the index offers: this year and the two before (述职 runs from November to the next January),
    plus any year a draft is stored for; newest first."""
    return sorted({today.year, today.year - 1, today.year - 2, *stored}, reverse=True)


# The shape every reader of a draft uses ------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A run of a paragraph: plain text, or a figure (then `figure` is its JSON form)."""

    text: str
    figure: dict[str, Any] | None = None


@dataclass
class SectionView:
    key: str
    section: str
    origin: str
    level: int
    lead: str
    text: str
    figures: list[dict[str, Any]]
    prompts: list[str]
    template: str = ""
    edited: bool = False
    stale: bool = False
    vanished: bool = False
    version: int | None = None
    block_id: int | None = None
    generated_lead: str = ""
    generated_text: str = ""
    segments: list[Segment] = field(default_factory=list)

    @property
    def composed(self) -> bool:
        return self.origin != BlockOrigin.SECRETARY

    @property
    def highlighted(self) -> bool:
        """Whether the text is still exactly the generated one, so its figures can be marked where they stand."""
        return bool(self.segments)

    @property
    def empty(self) -> bool:
        return not self.lead.strip() and not self.text.strip()


def figure_json(figure: Figure) -> dict[str, Any]:
    return {"key": figure.key, "value": figure.value, "unit": figure.unit, "label": figure.label,
            "sources": [{"kind": s.kind, "id": s.record_id, "label": s.label, "url": s.url} for s in figure.sources]}


def segments(template: str, figures: list[dict[str, Any]]) -> list[Segment]:
    """The template split into text and figures. [] when the template does not render (a key it names is
    missing), so the caller falls back to the plain text instead of failing."""
    by_key = {f["key"]: f for f in figures}
    runs: list[Segment] = []
    try:
        for literal, name, _spec, _conversion in Formatter().parse(template):
            if literal:
                runs.append(Segment(literal))
            if name is not None:
                figure = by_key[name]
                runs.append(Segment(f"{figure['value']}{figure['unit']}", figure))
    except (KeyError, ValueError):
        return []
    return runs


def block_view(block: Block) -> SectionView:
    """A composed (unsaved) block."""
    figures = [figure_json(f) for f in block.figures]
    view = SectionView(key=block.key, section=str(block.section), origin=str(block.origin), level=block.level,
                       lead=block.lead, text=block.text, figures=figures, prompts=list(block.prompts),
                       template=block.template, generated_lead=block.lead, generated_text=block.text)
    if block.origin != BlockOrigin.SECRETARY and block.figures:
        view.segments = segments(block.template, figures)
    return view


def stored_view(block: ReportBlock) -> SectionView:
    view = SectionView(key=block.key, section=block.section, origin=block.origin, level=block.level,
                       lead=block.lead, text=block.text, figures=list(block.figures or []),
                       prompts=list(block.prompts or []), template=block.template, edited=block.edited,
                       stale=block.stale, vanished=block.vanished, version=block.version, block_id=block.pk,
                       generated_lead=block.generated_lead, generated_text=block.generated_text)
    # The figures are marked in place only while the text is the generated one; once edited, the numbers may have
    # been rewritten, and the figures are listed beside the paragraph instead.
    if block.composed and not block.edited and block.figures and block.text == block.generated_text:
        view.segments = segments(block.template, view.figures)
    return view


def sections_of(source: DutyReport | Draft) -> list[SectionView]:
    if isinstance(source, Draft):
        return [block_view(b) for b in source.blocks]
    return [stored_view(b) for b in blocks_of(source)]
