"""The demo 编办 branch (中共示例区委编办党支部): about 15 members, a committee of five, two 党小组, and its records
from 2023 to the demo's date — the seed report's 2023 (述职报告 一（一）（二）（六）（七)), the years around it, and
a 民主评议 a year on paper ballots.

`plan_party` draws everything from the demo's seeded generator without touching the database (party_members.py:
who and when; party_records.py: what they did, from party_calendar.py); `load_party` writes it through the party
services, as the secretary would have, with the demo superuser as the actor. The demo logins of 区委编办's staff
(shuji 书记, zhiwei 支委, dangyuan 党员, bbadmin, bbstaff) are linked to their members, so they must exist first.
"""

import random
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model

from bianban.demo import catalog as c
from bianban.demo.party_members import (
    FOUNDED_ON,
    GROUP_NAMES,
    MemberSpec,
    Roster,
    TermSpec,
    group_leaders,
    plan_members,
)
from bianban.demo.party_records import AppraisalSpec, ExemptionSpec, Records, TalkSpec, plan_records
from bianban.demo.people import PersonSpec
from bianban.demo.staffing import StaffingPlan
from bianban.demo.tree import UnitSpec
from bianban.party.activities.services import AttendanceEntry, ResolutionEntry, activity_create
from bianban.party.appraisals.services import (
    ResultEntry,
    appraisal_start,
    appraisal_transition,
    ballot_enter_paper,
    result_determine,
    self_evaluation_save,
)
from bianban.party.choices import ActivityStatus, AppraisalStatus, LeaveReason, MemberCategory, MemberStatus
from bianban.party.compliance.services import exemption_create
from bianban.party.members.services import (
    branch_create,
    group_create,
    group_update,
    member_admit,
    member_leave,
    member_make_full,
    member_transfer_in,
    member_update,
    seat_assign,
    term_elect,
)
from bianban.party.models import Activity, Appraisal, Branch, CommitteeMember, ComplianceRule, Member, Talk
from bianban.party.talks.services import talk_create
from bianban.people.models import Person
from bianban.people.services import person_create
from bianban.units.models import Unit

BRANCH_NAME = "中共示例区委编办党支部"
BRANCH_CODE = "bianban"
PARENT_COMMITTEE = "中共示例区直属机关工作委员会"


@dataclass
class PartyPlan:
    members: list[MemberSpec]
    retirees: list[PersonSpec]  # persons to register first: retired members, without a unit
    terms: list[TermSpec]
    leaders: list[str]  # each group's leader (member keys)
    records: Records

    @property
    def roster(self) -> Roster:
        return Roster(self.members, self.terms)


def plan_party(rng: random.Random, units: list[UnitSpec], people: list[PersonSpec],
               staffing: StaffingPlan) -> PartyPlan | None:
    """The branch of the selected units' 区委编办, or None when the selection holds too little of the office (the
    small test districts)."""
    planned = plan_members(rng, units, people, staffing)
    if planned is None:
        return None
    members, retirees, terms = planned
    roster = Roster(members, terms)
    leaders = group_leaders(roster)
    return PartyPlan(members, retirees, terms, leaders, plan_records(rng, roster, leaders))


# --- loading -------------------------------------------------------------------------------------------------------


def _load_members(actor: Any, plan: PartyPlan, branch: Branch, groups: list[Any],
                  persons: dict[str, Person]) -> dict[str, Member]:
    """Members in the order they joined: transferred in (正式, or 预备 made 正式 here) or accepted here; then the
    departures, so that every later sheet counts the right people."""
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=[m.username for m in plan.members if m.username])}
    members: dict[str, Member] = {}
    for spec in plan.members:
        common = {"actor": actor, "branch": branch, "person": persons[spec.key], "group": groups[spec.group],
                  "category": spec.category, "note": spec.note, "user": users.get(spec.username)}
        if not spec.joined_from:
            member = member_admit(admitted_on=spec.admitted_on, **common)
        elif spec.full_on is not None and spec.full_on <= spec.joined_on:
            member = member_transfer_in(status=MemberStatus.FULL, admitted_on=spec.admitted_on,
                                        joined_on=spec.joined_on, joined_from=spec.joined_from,
                                        full_on=spec.full_on, **common)
        else:
            member = member_transfer_in(status=MemberStatus.PROBATIONARY, admitted_on=spec.admitted_on,
                                        joined_on=spec.joined_on, joined_from=spec.joined_from, **common)
        if member.status == MemberStatus.PROBATIONARY and spec.full_on is not None:
            member = member_make_full(actor=actor, member=member, on=spec.full_on)
        if spec.left_on is not None:
            member = member_leave(actor=actor, member=member, on=spec.left_on, reason=LeaveReason.TRANSFER_OUT,
                                  destination=spec.left_to)
        members[spec.key] = member
    return members


def _load_activities(actor: Any, plan: PartyPlan, branch: Branch, groups: list[Any], members: dict[str, Member],
                     progress: Any) -> dict[str, Activity]:
    by_key: dict[str, Activity] = {}
    for spec in plan.records.activities:
        held = spec.status == ActivityStatus.HELD
        activity = activity_create(
            actor=actor, branch=branch, kind=spec.kind, held_on=spec.held_on, topic=spec.topic, status=spec.status,
            group=groups[spec.group] if spec.group is not None else None, start_time=spec.start_time,
            place=spec.place, host=members.get(spec.host), recorder=members.get(spec.recorder), speaker=spec.speaker,
            content=spec.content, decisions=spec.decisions, materials=spec.materials, study_hours=spec.study_hours,
            service_field=spec.service_field, service_hours=spec.service_hours if held else None,
            attendance=[AttendanceEntry(member_id=members[key].pk, status=status, reason=reason)
                        for key, status, reason in spec.attendance] if held else None,
            resolutions=[ResolutionEntry(text=text, votes_for=votes) for text, votes in spec.resolutions])
        if spec.key:
            by_key[spec.key] = activity
        progress.step()
    return by_key


def _load_talk(actor: Any, spec: TalkSpec, branch: Branch, members: dict[str, Member]) -> None:
    talk_create(actor=actor, branch=branch, kind=spec.kind, held_on=spec.held_on, topic=spec.topic,
                talker=members[spec.talker], talked_to=[members[k] for k in spec.talked], place=spec.place,
                summary=spec.summary)


def _load_appraisal(actor: Any, spec: AppraisalSpec, branch: Branch, members: dict[str, Member],
                    meetings: dict[str, Activity]) -> None:
    """个人自评 → 党员互评 on paper ballots (纸质票录入) → 评定 → 公布 (domain.md §6.4)."""
    appraisal = appraisal_start(actor=actor, branch=branch, year=spec.year, started_on=spec.started_on,
                                meeting=meetings[spec.meeting], note="结合年度组织生活会开展，采用纸质选票无记名互评")
    for key, text, grade in spec.self_evaluations:
        self_evaluation_save(actor=actor, appraisal=appraisal, member=members[key], text=text, grade=grade)
    appraisal = appraisal_transition(actor=actor, appraisal=appraisal, to_status=AppraisalStatus.VOTING)
    for ballot in spec.ballots:
        ballot_enter_paper(actor=actor, appraisal=appraisal, grades={members[k].pk: g for k, g in ballot})
    appraisal = appraisal_transition(actor=actor, appraisal=appraisal, to_status=AppraisalStatus.CLOSED,
                                     on=spec.closed_on)
    result_determine(actor=actor, appraisal=appraisal,
                     results=[ResultEntry(member_id=members[k].pk, grade=g) for k, g in spec.results])
    appraisal_transition(actor=actor, appraisal=appraisal, to_status=AppraisalStatus.PUBLISHED,
                         on=spec.published_on)


def _load_exemption(actor: Any, spec: ExemptionSpec, branch: Branch, groups: list[Any]) -> None:
    exemption_create(actor=actor, rule=ComplianceRule.objects.get(branch=branch, code=spec.rule), year=spec.year,
                     index=spec.index, reason=spec.reason,
                     group=groups[spec.group] if spec.group is not None else None)


def load_party(*, actor: Any, plan: PartyPlan, units: dict[str, Unit], persons: dict[str, Person],
               progress: Any) -> Branch:
    """Write the plan through the party services: the retired members' persons, the branch, its groups and members,
    the two committee terms, then the records in date order. `persons` maps the register's id numbers to persons;
    `progress` steps once per activity and talk."""
    persons = dict(persons)
    for spec in plan.retirees:
        persons[spec.id_number] = person_create(actor=actor, unit=None, **spec.person_kwargs())
    branch = branch_create(actor=actor, name=BRANCH_NAME, code=BRANCH_CODE, unit=units[c.OFFICE_KEY],
                           parent_committee=PARENT_COMMITTEE, founded_on=FOUNDED_ON, term_years=3)
    groups = [group_create(actor=actor, branch=branch, name=name, sort_order=n)
              for n, name in enumerate(GROUP_NAMES, start=1)]
    members = _load_members(actor, plan, branch, groups, persons)
    for group, leader in zip(groups, plan.leaders, strict=True):
        group_update(actor=actor, group=group, leader=members[leader])
    for spec in plan.terms:
        term = term_elect(actor=actor, branch=branch, elected_on=spec.elected_on, number=spec.number,
                          document_no=spec.document_no)
        for seat in spec.seats:
            seat_assign(actor=actor, term=term, member=members[seat.member], role=seat.role, since=spec.elected_on)
    meetings = _load_activities(actor, plan, branch, groups, members, progress)
    for exemption in plan.records.exemptions:
        _load_exemption(actor, exemption, branch, groups)
    for talk in plan.records.talks:
        _load_talk(actor, talk, branch, members)
        progress.step()
    for appraisal in plan.records.appraisals:
        _load_appraisal(actor, appraisal, branch, members, meetings)
    for spec in plan.members:  # staff who retired from the register during the years shown
        if spec.retired_on is not None and spec.left_on is None:
            member_update(actor=actor, member=members[spec.key], category=MemberCategory.RETIRED,
                          note=f"{spec.retired_on.year}年{spec.retired_on.month}月退休")
    return branch


# --- the summary ---------------------------------------------------------------------------------------------------


@dataclass
class PartyTotals:
    branch: str = ""
    members: int = 0
    probationary: int = 0
    groups: int = 0
    committee: int = 0
    activities: int = 0
    planned: int = 0
    talks: int = 0
    appraisals: int = 0


def party_totals() -> PartyTotals | None:
    """What the database holds of the demo branch (None: not loaded, as in the small test districts)."""
    branch = Branch.objects.filter(code=BRANCH_CODE).first()
    if branch is None:
        return None
    current = Member.objects.filter(branch=branch, left_on__isnull=True)
    activities = Activity.objects.filter(branch=branch)
    return PartyTotals(
        branch=branch.name, members=current.count(),
        probationary=current.filter(status=MemberStatus.PROBATIONARY).count(),
        groups=branch.groups.filter(dissolved_on__isnull=True).count(),
        committee=CommitteeMember.objects.filter(term__branch=branch, term__closed_on__isnull=True,
                                                 until__isnull=True).count(),
        activities=activities.filter(status=ActivityStatus.HELD).count(),
        planned=activities.filter(status=ActivityStatus.PLANNED).count(),
        talks=Talk.objects.filter(branch=branch).count(),
        appraisals=Appraisal.objects.filter(branch=branch, status=AppraisalStatus.PUBLISHED).count(),
    )
