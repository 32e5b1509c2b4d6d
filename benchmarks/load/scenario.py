"""The Django side of `make load`: preparing the load's accounts, contended lines and party branch in the scratch
database after `bianban synth`, and verifying the register after the load (quota invariant, counters against a
recount from the journal, every acknowledged write present, no write nobody asked for).

Imported by run.py (and the restart test) only after Django is set up on the scratch database; run.py refuses to
prepare a database that already has load accounts, so this never writes into a real register by mistake.
"""

import random
from collections import Counter
from datetime import date
from typing import Any

from django.db.models import Count, F, Max, Sum

from bianban.accounts.choices import Role
from bianban.accounts.models import ApiToken
from bianban.accounts.services import api_token_create, user_create_with_grants
from bianban.bench.persons import PeopleMaker
from bianban.bench.synth import HOME_PROVINCES, _taken_id_bodies
from bianban.bench.workloads import set_vacancies
from bianban.ledger.models import Problem
from bianban.party.choices import MemberStatus
from bianban.party.members.services import branch_create, member_transfer_in
from bianban.party.models import Activity, Talk
from bianban.people.choices import RetirementCategory
from bianban.people.models import Person
from bianban.staffing.choices import ApprovalStatus, Enforcement
from bianban.staffing.models import Approval, Placement, PostQuota, QuotaLine, QuotaMovement
from bianban.staffing.rules import today
from bianban.units.choices import UnitKind, UnitStatus
from bianban.units.models import Unit

PASSWORD = "Load-口令-2026!"  # only ever used inside the throw-away load database
ROLES = {  # plan key → (username, role, bound to the scope unit?)
    "staff": ("load_staff", Role.OFFICE_STAFF, False),
    "liaison": ("load_liaison", Role.UNIT_LIAISON, True),
    "secretary": ("load_secretary", Role.BRANCH_SECRETARY, True),
    "reviewer": ("load_reviewer", Role.REVIEWER, False),
}
HOT_LINES = 20
VACANCIES = 3  # per hot line: a handful, so that concurrent 入编 fight for the last slots
MEMBERS = 30


def _contendable() -> Any:
    """Block-mode lines of active 事业单位 that need no 用编核准: 入编 on them is refused only for want of room."""
    return QuotaLine.objects.filter(enforcement=Enforcement.BLOCK, requires_approval=False,
                                    unit__status=UnitStatus.ACTIVE, unit__kind=UnitKind.INSTITUTION)


def _scope_unit() -> Unit:
    """The department whose institutions carry the contended lines (a 教育局 with its schools, say): the one with
    the most such lines among its direct children, ties to the lowest id, so the same for the same register."""
    lines = (_contendable().filter(unit__parent__isnull=False)
             .values("unit__parent_id").annotate(n=Count("id")).order_by("-n", "unit__parent_id"))
    best = lines.first()
    if best is None:
        raise RuntimeError("合成数据中没有可用于负载测试的编制")
    return Unit.objects.get(pk=best["unit__parent_id"])


def _hot_lines(scope: Unit, rng: random.Random) -> list[QuotaLine]:
    ids = list(_contendable().filter(unit__parent=scope).order_by("pk").values_list("pk", flat=True))
    chosen = sorted(rng.sample(ids, min(HOT_LINES, len(ids))))
    year = today().year
    return [set_vacancies(QuotaLine.objects.select_related("unit").get(pk=pk), VACANCIES,
                          f"负载测试核〔{year}〕{n}号") for n, pk in enumerate(chosen, start=1)]


def _identities(count: int, seed: int) -> list[dict[str, str]]:
    """New persons for 登记人员 (POST /people): valid, unused ID numbers (not yet in the register)."""
    on = today()
    maker = PeopleMaker(random.Random(f"load-{seed}"), province_code=HOME_PROVINCES[(seed + 7) % len(HOME_PROVINCES)],
                        cities=4, taken=_taken_id_bodies(), today=on, native_places=["本省"])
    out = []
    for n in range(count):
        male = n % 2 == 0
        born, _ = maker.birth(RetirementCategory.MALE_60 if male else RetirementCategory.FEMALE_55)
        out.append({"name": maker.name(male), "id_number": maker.id_number(born, male),
                    "birth_date": born.isoformat()})
    return out


def _branch(scope: Unit, persons: list[Person]) -> tuple[Any, list[int]]:
    on = today()
    branch = branch_create(actor=None, name=f"{scope.name}负载测试党支部", code="load-branch", unit=scope,
                           parent_committee=f"{scope.name}机关党委", founded_on=date(on.year - 6, 1, 1), term_years=3)
    members = []
    for person in persons:
        members.append(member_transfer_in(
            actor=None, branch=branch, person=person, status=MemberStatus.FULL, admitted_on=date(on.year - 4, 7, 1),
            full_on=date(on.year - 3, 7, 1), joined_on=date(on.year - 2, 3, 1), joined_from="原单位党支部",
        ).pk)
    return branch, members


def prepare(*, seconds: int, seed: int) -> dict[str, Any]:
    """Everything the locust users and the restart phase need, as plain JSON (ids, tokens, identities)."""
    if ApiToken.objects.filter(user__username__startswith="load_").exists():
        raise RuntimeError("该数据库已做过负载测试准备，请使用新的数据库")
    rng = random.Random(seed)
    scope = _scope_unit()
    hot = _hot_lines(scope, rng)
    tokens = {}
    for key, (username, role, bound) in ROLES.items():
        user = user_create_with_grants(actor=None, username=username, password=PASSWORD, full_name=f"负载测试{key}",
                                       grants=[(role, scope if bound else None)])
        tokens[key] = api_token_create(actor=None, user=user, name="负载测试")[1]
    in_scope = list(Placement.objects.filter(unit__path__startswith=scope.path, ended_on__isnull=True)
                    .exclude(line_id__in=[line.pk for line in hot]).order_by("pk")
                    .values_list("person_id", flat=True)[:2000])
    rng.shuffle(in_scope)
    branch, members = _branch(scope, list(Person.objects.filter(pk__in=in_scope[:MEMBERS]).order_by("pk")))
    scope_units = list(Unit.objects.filter(path__startswith=scope.path, status=UnitStatus.ACTIVE)
                       .order_by("pk").values_list("pk", flat=True))
    all_units = list(Unit.objects.order_by("pk").values_list("pk", flat=True))
    return {
        "on": today().isoformat(), "seed": seed, "scope": scope.pk, "scope_name": scope.name,
        "tokens": tokens, "branch": branch.pk, "members": members,
        "hot_lines": [{"line": ln.pk, "unit": ln.unit_id, "kind": ln.kind, "funding": ln.funding} for ln in hot],
        "scope_units": scope_units, "units": rng.sample(all_units, min(5000, len(all_units))),
        "liaison_persons": in_scope[MEMBERS:MEMBERS + 600],
        "identities": _identities(max(2000, seconds * 60), seed),
        "baseline": baseline(),
    }


def baseline() -> dict[str, int]:
    """The highest ids before the load: rows above them were written by the load (or must be explained)."""
    def top(model: Any) -> int:
        return model.objects.aggregate(n=Max("pk"))["n"] or 0

    return {"placement": top(Placement), "person": top(Person), "problem": top(Problem), "talk": top(Talk),
            "activity": top(Activity)}


def hot_state(line_ids: list[int]) -> dict[str, list[int]]:
    return {str(pk): [a, o, r] for pk, a, o, r in
            QuotaLine.objects.filter(pk__in=line_ids).values_list("pk", "approved", "occupied", "reserved")}


# --- verification -------------------------------------------------------------------------------------------


def register_invariants() -> dict[str, Any]:
    """The quota invariant and every counter of the register against a recount from the journal (all lines and
    posts, set-based: four aggregate queries)."""
    over_block = list(QuotaLine.objects.filter(enforcement=Enforcement.BLOCK)
                      .filter(approved__lt=F("occupied") + F("reserved")).values_list("pk", flat=True)[:20])
    over_posts = list(PostQuota.objects.filter(enforcement=Enforcement.BLOCK, filled__gt=F("approved"))
                      .values_list("pk", flat=True)[:20])
    approved = dict(QuotaMovement.objects.values("line_id").annotate(n=Sum("delta")).values_list("line_id", "n"))
    occupied = dict(Placement.objects.filter(on_quota=True, ended_on__isnull=True).values("line_id")
                    .annotate(n=Count("id")).values_list("line_id", "n"))
    reserved: Counter = Counter()
    for line_id, count, used in Approval.objects.filter(status=ApprovalStatus.OPEN).values_list("line_id", "count",
                                                                                                 "used"):
        reserved[line_id] += count - used
    mismatched = [pk for pk, a, o, r in QuotaLine.objects.values_list("pk", "approved", "occupied", "reserved")
                  if (a, o, r) != (approved.get(pk) or 0, occupied.get(pk, 0), reserved.get(pk, 0))]
    filled = dict(Placement.objects.filter(ended_on__isnull=True, post__isnull=False).values("post_id")
                  .annotate(n=Count("id")).values_list("post_id", "n"))
    posts_mismatched = [pk for pk, f in PostQuota.objects.values_list("pk", "filled") if f != filled.get(pk, 0)]
    used = dict(Placement.objects.filter(approval__isnull=False).values("approval_id").annotate(n=Count("id"))
                .values_list("approval_id", "n"))
    approvals_mismatched = [pk for pk, u in Approval.objects.values_list("pk", "used") if u != used.get(pk, 0)]
    return {"over_block_lines": over_block, "over_block_posts": over_posts, "line_counter_mismatches": mismatched[:20],
            "post_counter_mismatches": posts_mismatched[:20], "approval_counter_mismatches": approvals_mismatched[:20],
            "lines": QuotaLine.objects.count()}


def acknowledged_present(outcome: dict[str, Any], base: dict[str, int]) -> dict[str, Any]:
    """Every write the clients saw acknowledged (2xx) is in the database with what was acknowledged, and every row
    the load added belongs to a request that was acknowledged or whose answer was lost (in flight at a kill)."""
    missing: dict[str, list] = {}
    unexplained: dict[str, list] = {}
    amb = outcome.get("ambiguous", {})

    enrolled = {row[0]: row for row in outcome["enrolled"]}
    found = {pk: (person, line, ended) for pk, person, line, ended in
             Placement.objects.filter(pk__in=enrolled).values_list("pk", "person_id", "line_id", "ended_on")}
    missing["enrolled"] = [pk for pk, (_, person, line) in enrolled.items()
                           if found.get(pk, (None, None))[:2] != (person, line)][:20]
    released = set(outcome["released"])
    ended = dict(Placement.objects.filter(pk__in=released).values_list("pk", "ended_on"))
    missing["released"] = [pk for pk in released if ended.get(pk) is None][:20]
    # Placements acknowledged as enrolled and neither released nor possibly released must still be active.
    maybe_released = released | set(amb.get("release", []))
    missing["still_active"] = [pk for pk, (_, _, end) in found.items() if pk not in maybe_released and end][:20]
    persons = {pk: number for pk, number in outcome["persons"]}
    found_persons = dict(Person.objects.filter(pk__in=persons).values_list("pk", "id_number"))
    missing["persons"] = [pk for pk, number in persons.items() if found_persons.get(pk) != number][:20]
    problems = {pk: title for pk, title in outcome["problems"]}
    found_problems = dict(Problem.objects.filter(pk__in=problems).values_list("pk", "title"))
    missing["problems"] = [pk for pk, title in problems.items() if found_problems.get(pk) != title][:20]
    for key, model in (("talks", Talk), ("activities", Activity)):
        ids = set(outcome.get(key, []))
        missing[key] = sorted(ids - set(model.objects.filter(pk__in=ids).values_list("pk", flat=True)))[:20]
    phones = {int(pk): phone for pk, phone in outcome.get("phones", {}).items()}
    found_phones = dict(Person.objects.filter(pk__in=phones).values_list("pk", "phone"))
    ambiguous_phones = set(amb.get("phone", []))
    missing["phones"] = [pk for pk, phone in phones.items()
                         if found_phones.get(pk) != phone and pk not in ambiguous_phones][:20]

    # Rows the load added that no acknowledged (or lost) answer explains: a write nobody was told about.
    enrol_people = {person for _, person, _ in enrolled.values()} | set(amb.get("enrol", []))
    new = Placement.objects.filter(pk__gt=base["placement"])
    unexplained["placements"] = list(new.exclude(person_id__in=enrol_people).values_list("pk", flat=True)[:20])
    known_numbers = set(persons.values()) | set(amb.get("person", []))
    unexplained["persons"] = [pk for pk, n in Person.objects.filter(pk__gt=base["person"])
                              .values_list("pk", "id_number") if n not in known_numbers][:20]
    titles = set(problems.values()) | set(amb.get("problem", []))
    unexplained["problems"] = [pk for pk, t in Problem.objects.filter(pk__gt=base["problem"]).values_list("pk", "title")
                               if t not in titles][:20]
    for key, model, base_key in (("talks", Talk, "talk"), ("activities", Activity, "activity")):
        known = set(outcome.get(key, []))
        topics = set(amb.get(key, []))
        unexplained[key] = [pk for pk, topic in model.objects.filter(pk__gt=base[base_key]).values_list("pk", "topic")
                            if pk not in known and topic not in topics][:20]
    return {"missing": {k: v for k, v in missing.items() if v},
            "unexplained": {k: v for k, v in unexplained.items() if v},
            "counts": {"enrolled": len(enrolled), "released": len(released), "persons": len(persons),
                       "problems": len(problems), "talks": len(outcome.get("talks", [])),
                       "activities": len(outcome.get("activities", [])), "phones": len(phones)}}


def settle_lost(outcome: dict[str, Any], before: dict[str, list[int]]) -> dict[str, Any]:
    """The writes whose answer was lost (a server killed mid-request), settled from the database: a lost 入编
    happened if the person now has a placement on a contended line from that day, a lost 出编 if the placement has
    ended. Used only for the per-line accounting, never to excuse a missing acknowledged write."""
    amb = outcome.get("ambiguous", {})
    enrolled = list(outcome["enrolled"])
    enrolled += [list(row) for row in Placement.objects.filter(
        person_id__in=amb.get("enrol", []), started_on=outcome["on"], line_id__in=[int(k) for k in before],
    ).values_list("pk", "person_id", "line_id")]
    released = list(outcome["released"]) + list(
        Placement.objects.filter(pk__in=amb.get("release", []), ended_on__isnull=False).values_list("pk", flat=True))
    return {**outcome, "enrolled": enrolled, "released": released}


def hot_accounting(before: dict[str, list[int]], outcome: dict[str, Any]) -> list[dict[str, Any]]:
    """Each contended line's occupied number moved by exactly the acknowledged 入编 minus 出编 on it (only
    meaningful when no answer was lost)."""
    after = hot_state([int(pk) for pk in before])
    delta: Counter = Counter()
    line_of = {}
    for pk, _, line in outcome["enrolled"]:
        delta[line] += 1
        line_of[pk] = line
    placements = dict(Placement.objects.filter(pk__in=outcome["released"]).values_list("pk", "line_id"))
    for pk in outcome["released"]:
        delta[placements.get(pk, line_of.get(pk))] -= 1
    wrong = []
    for pk, (_, occupied, _) in before.items():
        expected = occupied + delta[int(pk)]
        if after[pk][1] != expected:
            wrong.append({"line": int(pk), "before": occupied, "after": after[pk][1], "expected": expected})
    return wrong
