"""How a counted record is named and linked in a figure's sources: one function per kind of record, taking the
values a facts query already fetched (no query per record). The register records a 书记项目 counts are named the
way the project's own page names them (duties/projects/records.py)."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.urls import reverse

from bianban.duties.projects.records import SOURCES as OUTCOME_SOURCES
from bianban.party.choices import ActivityKind, TalkKind
from bianban.reports.duty.draft import Figure, Source

ACTIVITY_LABELS = dict(ActivityKind.choices)
TALK_LABELS = dict(TalkKind.choices)


def _day(on: date) -> str:
    return f"{on:%Y-%m-%d}"


def activity(pk: int, held_on: date, kind: str, topic: str) -> Source:
    label = str(ACTIVITY_LABELS.get(kind, kind))
    # Many subjects already open with their kind ("专题研讨：…"): say it once.
    named = topic if topic.startswith(label) else f"{label}：{topic}"
    return Source("activity", pk, f"{_day(held_on)} {named}", reverse("party:activity_detail", args=[pk]))


def talk(pk: int, held_on: date, kind: str, persons: int) -> Source:
    # Named by date, kind and 人次 only: what a talk was about stays with its participants (talks_for_user).
    return Source("talk", pk, f"{_day(held_on)} {TALK_LABELS.get(kind, kind)}（{persons}人次）",
                  reverse("party:talk_detail", args=[pk]))


def visit(pk: int, visited_on: date, street: str, community: str, households: int, people: int) -> Source:
    return Source("visit", pk, f"{_day(visited_on)} {street}{community} 走访{households}户{people}人",
                  reverse("duties:visit_detail", args=[pk]))


def campaign(pk: int, title: str) -> Source:
    return Source("visit_campaign", pk, title, reverse("duties:campaign_detail", args=[pk]))


def problem(pk: int, title: str, status_label: str) -> Source:
    return Source("problem", pk, f"{title}（{status_label}）", reverse("ledger:detail", args=[pk]))


def duty_item(pk: int, title: str) -> Source:
    return Source("duty_item", pk, title, reverse("duties:item_detail", args=[pk]))


def project(pk: int, year: int, title: str) -> Source:
    return Source("secretary_project", pk, f"{year}年度书记项目：{title}",
                  reverse("duties:project_detail", args=[pk]))


def outcome_record(kind: str, record: Any) -> Source:
    """A register record linked to a 书记项目 (a quota movement, a 三定, a division change, a check run, a problem)."""
    source = OUTCOME_SOURCES[kind]
    return Source(kind, record.pk, source.label(record), source.url(record))


def appraisal(pk: int, year: int) -> Source:
    return Source("appraisal", pk, f"{year}年度民主评议党员", reverse("party:appraisal_detail", args=[pk]))


def risk_point(pk: int, title: str) -> Source:
    return Source("risk_point", pk, f"意识形态风险点：{title}", reverse("duties:risk_detail", args=[pk]))


def risk_review(pk: int, reviewed_on: date, title: str, risk_point_id: int) -> Source:
    # A review has no page of its own: it is listed on its risk point's page.
    return Source("risk_review", pk, f"{_day(reviewed_on)} 研判：{title}",
                  reverse("duties:risk_detail", args=[risk_point_id]))


def key_date(pk: int, on: date, name: str, branch_id: int, year: int) -> Source:
    # Key dates are listed, not shown one by one: the year's list of the branch.
    return Source("key_date", pk, f"{_day(on)} {name}廉政提醒",
                  f"{reverse('duties:keydate_index')}?branch={branch_id}&year={year}")


def figure(key: str, value: int, unit: str, label: str, sources: Iterable[Source] = ()) -> Figure:
    return Figure(key=key, value=int(value), unit=unit, label=label, sources=tuple(sources))
