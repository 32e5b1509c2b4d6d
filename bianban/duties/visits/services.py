"""Writes of household-visit campaigns (集中走访, issue 6 item 3): the campaign, its visits with who went, and the
problems and suggestions each visit collected.

Every issue a visit collected is registered in the ledger (问题台账) as a problem of source 走访 in the SAME
transaction as the visit (`problem_create_within`): the seed "对收集的问题和意见建议分类建立台账，逐条梳理", so a
visit never exists without its problems, and a problem the ledger refuses leaves no visit behind. Once registered,
a problem is followed up in the ledger (measures, 销号); the visit keeps only the link.

Problem category: every issue raised by the public is a 群众诉求 (ProblemCategory.PUBLIC_DEMAND) whatever its topic;
the topic (救助帮扶, 就业创业 …) stays on the VisitIssue and leads the problem's title, e.g. "【救助帮扶】…".
Deadline: settings.BIANBAN["VISIT_DEADLINE_WORKDAYS"] working days from the visit.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bianban.accounts.choices import Perm
from bianban.core.audit import audit, diff, redacted, snapshot
from bianban.core.exceptions import ValidationFailed
from bianban.duties.choices import IssueKind, IssueTopic, VisitGroup, VisitorRole
from bianban.duties.models import Visit, VisitCampaign, VisitIssue, VisitVisitor
from bianban.party.access import require_branch
from bianban.party.models import Branch, Member

Errors = dict[str, list[str]]
_CAMPAIGN_FIELDS = ["title", "starts_on", "ends_on", "scope", "requirement"]
_VISIT_FIELDS = ["visited_on", "team_role", "street", "community", "group", "households", "people",
                 "circumstances", "summary"]
_TEXT = ("title", "scope", "requirement", "street", "community", "circumstances", "summary")
# One visit record is one outing of a team: a count beyond this is a typing error (and past 2**63 the database
# cannot even store it), so it is refused with a message instead of reaching the database.
MAX_COUNT = 9999


@dataclass(frozen=True)
class VisitorIn:
    """Who went on a visit: a member of the branch, or someone from outside it (a 挂职第一书记) by name."""

    role: str
    member: Member | None = None
    name: str = ""


@dataclass(frozen=True)
class IssueIn:
    """A problem or suggestion a visit collected, and the department that must answer it (承办部门)."""

    kind: str
    topic: str
    content: str
    department: str


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], details=errors)


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v or "").strip() if k in _TEXT else v for k, v in values.items()}


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def deadline_workdays() -> int:
    """Working days a department has to answer what a visit raised."""
    bianban = settings.BIANBAN
    return int(bianban["VISIT_DEADLINE_WORKDAYS"])


# ---------------------------------------------------------------------------------------------------- campaigns

def _campaign_errors(values: dict[str, Any]) -> Errors:
    errors: Errors = {}
    if not values["title"]:
        errors["title"] = ["请填写活动名称"]
    elif len(values["title"]) > 200:
        errors["title"] = ["活动名称不能超过200个字"]
    starts_on, ends_on = values["starts_on"], values["ends_on"]
    if starts_on is None:
        errors["starts_on"] = ["请填写开始日期"]
    if ends_on is None:
        errors["ends_on"] = ["请填写结束日期"]
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = ["结束日期不能早于开始日期"]
    if not values["scope"]:
        errors["scope"] = ["请填写走访范围（街道、社区，以及重点走访的群体）"]
    return errors


@transaction.atomic(durable=True)
def campaign_create(*, actor: Any, branch: Branch, title: str, starts_on: date | None, ends_on: date | None,
                    scope: str, requirement: str = "") -> VisitCampaign:
    """Open a household-visit campaign of the branch for a period (it may lie ahead: a campaign is planned)."""
    require_branch(actor, branch)
    values = _clean({"title": title, "starts_on": starts_on, "ends_on": ends_on, "scope": scope,
                     "requirement": requirement})
    _raise(_campaign_errors(values))
    campaign = VisitCampaign.objects.create(branch=branch, created_by=_user(actor), **values)
    audit(actor=actor, action="visit_campaign.create", target=campaign, unit_id=branch.unit_id,
          changes=diff({}, snapshot(campaign, _CAMPAIGN_FIELDS)))
    return campaign


_KEEP: Any = object()


@transaction.atomic(durable=True)
def campaign_update(*, actor: Any, campaign: VisitCampaign, title: Any = _KEEP, starts_on: Any = _KEEP,
                    ends_on: Any = _KEEP, scope: Any = _KEEP, requirement: Any = _KEEP) -> VisitCampaign:
    """Correct a campaign; fields not given keep their value. The period may not shrink past a recorded visit."""
    campaign = VisitCampaign.objects.select_for_update().select_related("branch__unit").get(pk=campaign.pk)
    require_branch(actor, campaign.branch)
    given = {"title": title, "starts_on": starts_on, "ends_on": ends_on, "scope": scope, "requirement": requirement}
    values = _clean({k: getattr(campaign, k) if v is _KEEP else v for k, v in given.items()})
    errors = _campaign_errors(values)
    if not errors:
        outside = campaign.visits.exclude(visited_on__range=(values["starts_on"], values["ends_on"]))
        first = outside.order_by("visited_on").values_list("visited_on", flat=True).first()
        if first is not None:
            errors["starts_on" if first < values["starts_on"] else "ends_on"] = [
                f"已有{first:%Y-%m-%d}的走访记录，活动期间须包含所有已登记的走访"]
    _raise(errors)
    before = snapshot(campaign, _CAMPAIGN_FIELDS)
    for name, value in values.items():
        setattr(campaign, name, value)
    campaign.save(update_fields=list(values))
    changes = diff(before, snapshot(campaign, _CAMPAIGN_FIELDS))
    if changes:
        audit(actor=actor, action="visit_campaign.update", target=campaign, unit_id=campaign.branch.unit_id,
              changes=changes)
    return campaign


# ------------------------------------------------------------------------------------------------------- visits

def _member_on(member: Member, on: date) -> bool:
    """A member of their branch on `on` (access.member_on_q, in memory)."""
    return member.joined_on <= on and (member.left_on is None or member.left_on > on)


def _visit_errors(campaign: VisitCampaign, values: dict[str, Any]) -> Errors:
    errors: Errors = {}
    visited_on = values["visited_on"]
    if visited_on is None:
        errors["visited_on"] = ["请填写走访日期"]
    elif visited_on > timezone.localdate():
        errors["visited_on"] = ["走访日期不能晚于今天：只登记已经进行的走访"]
    elif not campaign.starts_on <= visited_on <= campaign.ends_on:
        errors["visited_on"] = [f"走访日期应在活动期间（{campaign.starts_on:%Y-%m-%d}至{campaign.ends_on:%Y-%m-%d}）内"]
    if values["team_role"] not in VisitorRole.values:
        errors["team_role"] = ["请选择走访力量（支部党员、领导班子成员或挂职第一书记）"]
    for name, label in (("street", "街道"), ("community", "社区")):
        if not values[name]:
            errors[name] = [f"请填写{label}"]
        elif len(values[name]) > 50:
            errors[name] = [f"{label}名称不能超过50个字"]
    if values["group"] not in VisitGroup.values:
        errors["group"] = ["请选择走访对象群体"]
    households, people = values["households"], values["people"]
    if households is None or households < 1:
        errors["households"] = ["走访户数应至少为1"]
    elif households > MAX_COUNT:
        errors["households"] = [f"走访户数不能超过{MAX_COUNT}户：每条记录登记一次走访"]
    if people is None or people < 1:
        errors["people"] = ["走访人数应至少为1"]
    elif people > MAX_COUNT:
        errors["people"] = [f"走访人数不能超过{MAX_COUNT}人：每条记录登记一次走访"]
    elif households is not None and 1 <= households <= MAX_COUNT and people < households:
        errors["people"] = [f"走访人数（{people}人）不能少于户数（{households}户）"]
    return errors


def _visitor(raw: Any) -> VisitorIn:
    """A visitor given as VisitorIn or as the pair (member or name, role) the demo loader writes."""
    if isinstance(raw, VisitorIn):
        return raw
    who, role = raw
    return VisitorIn(role=role, member=who) if isinstance(who, Member) else VisitorIn(role=role, name=who or "")


def _issue(raw: Any) -> IssueIn:
    """An issue given as IssueIn or as the tuple (kind, topic, content, department)."""
    return raw if isinstance(raw, IssueIn) else IssueIn(*raw)


def _visitor_errors(branch: Branch, visitors: Sequence[VisitorIn], on: date | None) -> Errors:
    messages: list[str] = []
    if not visitors:
        return {"visitors": ["请至少填写一名走访人员"]}
    seen: set[int] = set()
    for i, v in enumerate(visitors, 1):
        if v.role not in VisitorRole.values:
            messages.append(f"第{i}名走访人员：请选择身份")
        if v.member is None:
            name = (v.name or "").strip()
            if not name:
                messages.append(f"第{i}名走访人员：请选择党员或填写姓名")
            elif len(name) > 50:
                messages.append(f"第{i}名走访人员：姓名不能超过50个字")
            continue
        if v.member.pk in seen:
            messages.append(f"{v.member}重复填写")
        seen.add(v.member.pk)
        if v.member.branch_id != branch.pk:
            messages.append(f"{v.member}不是本支部党员")
        elif on is not None and not _member_on(v.member, on):
            messages.append(f"{v.member}在走访当日不是本支部党员")
    return {"visitors": messages} if messages else {}


def _issue_errors(issues: Sequence[IssueIn]) -> Errors:
    messages: list[str] = []
    for i, issue in enumerate(issues, 1):
        prefix = f"第{i}条问题："
        if issue.kind not in IssueKind.values:
            messages.append(f"{prefix}请选择类型（问题或意见建议）")
        if issue.topic not in IssueTopic.values:
            messages.append(f"{prefix}请选择分类")
        if not (issue.content or "").strip():
            messages.append(f"{prefix}请填写反映内容")
        department = (issue.department or "").strip()
        if not department:
            messages.append(f"{prefix}请填写承办部门")
        elif len(department) > 100:
            messages.append(f"{prefix}承办部门不能超过100个字")
    return {"issues": messages} if messages else {}


def _write_visitors(visit: Visit, visitors: Sequence[VisitorIn]) -> None:
    VisitVisitor.objects.bulk_create([
        VisitVisitor(visit=visit, member=v.member, name="" if v.member else v.name.strip(), role=v.role)
        for v in visitors])


def _visit_snapshot(visit: Visit) -> dict[str, Any]:
    """The visit's fields for the audit trail. Family circumstances are personal data and the trail is read by
    auditors who may not see them: only a digest is kept, enough to tell that they changed."""
    values = snapshot(visit, _VISIT_FIELDS)
    values["circumstances"] = redacted(values["circumstances"])
    return values


def _visitors_of(visit: Visit) -> list[list[Any]]:
    return [[m, n, r] for m, n, r in visit.visitors.order_by("pk").values_list("member_id", "name", "role")]


def _title(issue: IssueIn) -> str:
    """The problem's title: topic, then the first line of what was raised, shortened."""
    first = issue.content.strip().splitlines()[0].strip()
    return f"【{IssueTopic(issue.topic).label}】{first[:60]}{'…' if len(first) > 60 else ''}"


def _register(actor: Any, visit: Visit, branch: Branch, issue: IssueIn) -> VisitIssue:
    """Save the issue and register it in the ledger, inside the caller's transaction."""
    from bianban.ledger.choices import ProblemCategory, ProblemSource
    from bianban.ledger.services import problem_create_within

    row = VisitIssue.objects.create(visit=visit, kind=issue.kind, topic=issue.topic,
                                    content=issue.content.strip(), department=issue.department.strip())
    where = f"{visit.street}{visit.community}"
    description = (f"{row.content}\n（{visit.visited_on:%Y-%m-%d}走访{where}时"
                   f"{'收集的意见建议' if row.kind == IssueKind.SUGGESTION else '群众反映'}）")
    problem = problem_create_within(
        actor=actor, source=ProblemSource.VISIT, title=_title(issue), description=description,
        category=ProblemCategory.PUBLIC_DEMAND, unit=branch.unit, responsible=row.department,
        raised_on=visit.visited_on, deadline_workdays=deadline_workdays(), source_obj=row,
        authority=Perm.PARTY_CHANGE)
    VisitIssue.objects.filter(pk=row.pk).update(problem=problem)
    row.problem = problem
    return row


@transaction.atomic(durable=True)
def visit_create(*, actor: Any, campaign: VisitCampaign, visited_on: date | None, team_role: str, street: str,
                 community: str, group: str, households: int | None, people: int | None,
                 visitors: Sequence[VisitorIn | tuple[Any, str]], issues: Sequence[IssueIn | tuple] = (),
                 circumstances: str = "", summary: str = "") -> Visit:
    """Record a visit that took place during the campaign, who went, and what was raised: each issue becomes a
    ledger problem (source 走访) in the same transaction, linked back to it."""
    # The campaign row is locked so that its period cannot change under the visit (campaign_update).
    campaign = VisitCampaign.objects.select_for_update(of=("self",)).select_related("branch__unit").get(pk=campaign.pk)
    branch = campaign.branch
    require_branch(actor, branch)
    values = _clean({"visited_on": visited_on, "team_role": team_role, "street": street, "community": community,
                     "group": group, "households": households, "people": people, "circumstances": circumstances,
                     "summary": summary})
    people_in = [_visitor(v) for v in visitors]
    issues_in = [_issue(i) for i in issues]
    errors = _visit_errors(campaign, values)
    errors.update(_visitor_errors(branch, people_in, values["visited_on"]))
    errors.update(_issue_errors(issues_in))
    _raise(errors)
    visit = Visit.objects.create(campaign=campaign, created_by=_user(actor), **values)
    _write_visitors(visit, people_in)
    rows = [_register(actor, visit, branch, issue) for issue in issues_in]
    audit(actor=actor, action="visit.create", target=visit, unit_id=branch.unit_id,
          changes=diff({}, {**_visit_snapshot(visit), "visitors": _visitors_of(visit),
                            "issues": [[r.pk, r.problem_id] for r in rows]}))
    return visit


@transaction.atomic(durable=True)
def visit_update(*, actor: Any, visit: Visit, visited_on: Any = _KEEP, team_role: Any = _KEEP, street: Any = _KEEP,
                 community: Any = _KEEP, group: Any = _KEEP, households: Any = _KEEP, people: Any = _KEEP,
                 circumstances: Any = _KEEP, summary: Any = _KEEP, visitors: Any = _KEEP) -> Visit:
    """Correct a visit; fields not given keep their value, new visitors replace the old. Issues are added with
    `issue_add`; the problems already registered are followed up (and corrected) in the ledger."""
    # Lock the campaign, then the visit: the order visit_create and campaign_update take them in.
    VisitCampaign.objects.select_for_update().filter(pk=visit.campaign_id).values_list("pk").first()
    visit = Visit.objects.select_for_update(of=("self",)).select_related("campaign__branch__unit").get(pk=visit.pk)
    campaign, branch = visit.campaign, visit.campaign.branch
    require_branch(actor, branch)
    given = {"visited_on": visited_on, "team_role": team_role, "street": street, "community": community,
             "group": group, "households": households, "people": people, "circumstances": circumstances,
             "summary": summary}
    values = _clean({k: getattr(visit, k) if v is _KEEP else v for k, v in given.items()})
    errors = _visit_errors(campaign, values)
    if visitors is not _KEEP:
        new_visitors = [_visitor(v) for v in visitors]
        errors.update(_visitor_errors(branch, new_visitors, values["visited_on"]))
    elif values["visited_on"] != visit.visited_on:
        # The visitors must still have been members on the corrected day.
        kept = [VisitorIn(role=v.role, member=v.member, name=v.name)
                for v in visit.visitors.select_related("member__person")]
        errors.update(_visitor_errors(branch, kept, values["visited_on"]))
    _raise(errors)
    before = {**_visit_snapshot(visit), "visitors": _visitors_of(visit)}
    for name, value in values.items():
        setattr(visit, name, value)
    visit.save(update_fields=list(values))
    if visitors is not _KEEP:
        visit.visitors.all().delete()
        _write_visitors(visit, new_visitors)
    changes = diff(before, {**_visit_snapshot(visit), "visitors": _visitors_of(visit)})
    if changes:
        audit(actor=actor, action="visit.update", target=visit, unit_id=branch.unit_id, changes=changes)
    return visit


@transaction.atomic(durable=True)
def issue_add(*, actor: Any, visit: Visit, kind: str, topic: str, content: str, department: str) -> VisitIssue:
    """Add what a recorded visit collected (补录), registering it in the ledger in the same transaction."""
    visit = Visit.objects.select_for_update().select_related("campaign__branch__unit").get(pk=visit.pk)
    branch = visit.campaign.branch
    require_branch(actor, branch)
    issue = IssueIn(kind=kind, topic=topic, content=content or "", department=department or "")
    # One issue: its fields are named as such, so a form can show each message where it belongs.
    _raise(_issue_field_errors(issue))
    row = _register(actor, visit, branch, issue)
    audit(actor=actor, action="visit.issue_add", target=visit, unit_id=branch.unit_id,
          changes={"issue": [None, row.pk], "problem": [None, row.problem_id], "content": [None, row.content]})
    return row


def _issue_field_errors(issue: IssueIn) -> Errors:
    errors: Errors = {}
    if issue.kind not in IssueKind.values:
        errors["kind"] = ["请选择类型（问题或意见建议）"]
    if issue.topic not in IssueTopic.values:
        errors["topic"] = ["请选择分类"]
    if not issue.content.strip():
        errors["content"] = ["请填写反映内容"]
    if not issue.department.strip():
        errors["department"] = ["请填写承办部门"]
    elif len(issue.department.strip()) > 100:
        errors["department"] = ["承办部门不能超过100个字"]
    return errors


@transaction.atomic(durable=True)
def visit_delete(*, actor: Any, visit: Visit) -> None:
    """Delete a visit recorded by mistake — only one that raised nothing. Once its issues are in the ledger they
    are part of the 问题台账: the ledger has no way to withdraw a problem (every problem is answered and closed,
    with its history), and deleting the visit would leave problems pointing at nothing. Such a visit is corrected
    with `visit_update` instead, and its problems are handled in the ledger."""
    visit = Visit.objects.select_for_update().select_related("campaign__branch__unit").get(pk=visit.pk)
    branch = visit.campaign.branch
    require_branch(actor, branch)
    if visit.issues.exists():
        moved = visit.issues.filter(problem__isnull=False).exclude(problem__status="open").exists()
        detail = "且已有问题进入整改" if moved else ""
        raise ValidationFailed.on("visit", f"该走访收集的问题已登记到问题台账{detail}，不能删除；"
                                           "如登记有误，请修改走访记录，问题在问题台账中处理")
    before = {**_visit_snapshot(visit), "visitors": _visitors_of(visit), "campaign": visit.campaign_id}
    audit(actor=actor, action="visit.delete", target=visit, unit_id=branch.unit_id,
          changes={k: [v, None] for k, v in before.items()})
    visit.delete()


@transaction.atomic(durable=True)
def visits_export(*, actor: Any, campaign: VisitCampaign, count: int, masked: bool) -> None:
    """Record that the actor exported the campaign's visits (how many, and whether family circumstances were
    masked): the workbook carries personal data of visited households."""
    audit(actor=actor, action="visit.export", target=campaign, unit_id=campaign.branch.unit_id,
          changes={"count": [None, count], "masked": [None, masked]})
