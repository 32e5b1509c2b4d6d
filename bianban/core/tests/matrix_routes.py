"""The permission matrix's tables: every page (by URL name) and every API operation (by operationId), with the
objects that fill its URL and the right it needs. test_permission_matrix.py fails for a route missing here, so a new
route must be added with its rule before the suite passes again.

A page's rule, walked for every persona on every side it applies to (matrix_data.py):

1. anonymous: sent to the login page — or 405 where a method check comes before the login check;
2. no `perm_required` right anywhere (read off the view's decorator, not written here): 404, nothing leaks;
3. a GET-less page (`require_POST`): 405 to everyone who passed 2;
4. the object (the first of `kinds`, or of the query's objects) outside what the persona may see: 404;
5. `perm` missing over the object's unit (anywhere, for pages without an object): `denied` (403);
6. otherwise `get` (200; a number, or a function of the persona and the side).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bianban.accounts.choices import Perm

UV, UC, SC = Perm.UNITS_VIEW.value, Perm.UNITS_CHANGE.value, Perm.STAFFING_CHANGE.value
PV, PC = Perm.PEOPLE_VIEW.value, Perm.PEOPLE_CHANGE.value
LC, CR = Perm.LEDGER_CHANGE.value, Perm.CHECKS_RUN.value
TV, TC = Perm.PARTY_VIEW.value, Perm.PARTY_CHANGE.value
AM, AV = Perm.ACCOUNTS_MANAGE.value, Perm.AUDIT_VIEW.value

# What seeing an object of each kind takes (over the object's unit). Party kinds follow the branch's unit.
REGISTER_KINDS = {"unit": UV, "division": UV, "line": UV, "approval": UV, "placement": UV, "person": PV,
                  "problem": UV, "measure": UV, "evidence": UV, "run": UV, "finding": UV, "registration": UV,
                  "certificate": UV, "filing": UV, "annual": UV}
PARTY_KINDS = frozenset({
    "branch", "member", "own_member", "group", "term", "seat", "activity", "activity_file", "talk", "rule",
    "exemption", "appraisal", "item", "item_evidence", "project", "target", "milestone", "outcome", "campaign",
    "visit", "visit_issue", "risk", "risk_meeting", "sensitive", "keydate", "duty_report", "block"})
# Kinds of no unit: seen with a district-wide right, or by their owner (the persona named).
DISTRICT_KINDS = {"user": (AM, None), "grant": (AM, None), "workday": (AM, None), "token": (None, "shuji"),
                  "reminder": (None, "shuji"), "roster_import": (SC, "bbstaff")}

Get = int | dict[str, Any] | Callable[[Any, Any, dict[str, Any]], int]


@dataclass(frozen=True)
class Page:
    kinds: tuple[str, ...] = ()  # the objects filling the URL's kwargs, in order
    perm: str | None = None  # needed over the object's unit, beyond seeing it
    get: Get = 200  # or by side, or a function of the persona, the data set and the side's objects
    query: str = ""  # a query string naming objects of the side: "branch={branch}&year={year}"
    denied: int = 403
    outside: int = 404  # when the persona may not see the object
    sees: Callable[..., bool] | None = None  # who sees the object, where the kind's rule is not enough
    values: Callable[[dict[str, Any]], dict[str, str]] | None = None  # more values for the query string
    items: str | None = None  # API lists: the kind of their items
    body: tuple[tuple[str, str], ...] = ()  # API writes: (field, kind) of the objects their body names
    data: tuple[tuple[str, Any], ...] = ()  # API writes: literal body values (a step the state machine allows)
    allows: Callable[..., bool] | None = None  # who may, where `perm` over the unit is not the rule
    sides: tuple[str, ...] | None = None  # default: in and out for register kinds, party for party kinds
    anonymous: int | None = None  # default: the login redirect

    def query_kinds(self) -> tuple[str, ...]:
        import re

        return tuple(k for k in re.findall(r"\{(\w+)\}", self.query) if k not in YEARS + VALUES)

    def scope_kind(self) -> str | None:
        kinds = self.kinds + self.query_kinds() + tuple(kind for _, kind in self.body)
        return kinds[0] if kinds else None


def P(*kinds: str, perm: str | None = None, **kw: Any) -> Page:
    return Page(tuple(kinds), perm, **kw)


def _one_branch_redirects(persona: Any, data: Any, objects: dict[str, Any]) -> int:
    """Index pages that go straight to the branch when the reader sees exactly one (the demo has one)."""
    from bianban.core.tests.matrix_data import may

    return 302 if may(persona, TV, data.branch_path) else 200


def _needs_a_branch(persona: Any, data: Any, objects: dict[str, Any]) -> int:
    """Forms that offer only the branches the persona keeps: none in scope, nothing to offer."""
    from bianban.core.tests.matrix_data import may

    return 200 if may(persona, TC, data.branch_path) else 404


def _votes_now(persona: Any, data: Any, objects: dict[str, Any]) -> int:
    """The ballot page, for a voter of the branch who has not voted yet; others are sent back to the appraisal."""
    return 200 if persona.name in data.extra["voters_pending"] else 302


def _reads_the_self_evaluation(persona: Any, kind: str, path: str | None, objects: dict[str, Any]) -> bool:
    """A self-evaluation: its member, and those who keep the branch's records (appraisals/selectors.py)."""
    from bianban.core.tests.matrix_data import may

    member = objects["own_member"]
    return may(persona, TV, path) and (may(persona, TC, path) or persona.name == member.user.username)


def _reads_the_talk(persona: Any, kind: str, path: str | None, objects: dict[str, Any]) -> bool:
    """What was said stays with the participants and the committee: a member of the branch who does not keep its
    records reads only their own talks; readers from outside the branch read all (party/talks/selectors.py)."""
    from bianban.core.tests.matrix_data import may

    talk = objects["talk"]
    members = {m.user.username for m in talk.branch.members.filter(user__isnull=False, left_on__isnull=True)}
    took_part = {p.member.user.username for p in talk.participants.all() if p.member.user_id}
    return may(persona, TV, path) and (may(persona, TC, path) or persona.name not in members
                                       or persona.name in took_part)


def _editable_annual(persona: Any, data: Any, objects: dict[str, Any]) -> int:
    """An annual report's form, while it may be edited; a published one sends the reader back to it."""
    from bianban.registration.annual.services import EDITABLE

    return 200 if objects["annual"].status in EDITABLE else 302


def _next_filing_step(objects: dict[str, Any]) -> dict[str, str]:
    from bianban.registration.filings.services import next_steps

    return {"to": next_steps(objects["filing"])[0]}


APPRAISAL = ("party", "voting")
VALUES = ("to",)  # query placeholders filled by a page's `values`, not by objects
YEARS = ("year", "older")  # last year (the data set's duty report is of it), the year before
BRANCH_YEAR = "branch={branch}&year={year}"

PAGES: dict[str, Page] = {
    "home": P(),
    "accounts:login": P(get=302, anonymous=200),
    "accounts:logout": P(get=405, anonymous=405),
    "accounts:tokens": P(),
    "accounts:token_revoke": P("token"),
    "accounts:users": P(),
    "accounts:user_detail": P("user"),
    "accounts:grant_delete": P("grant"),
    # units
    "units:list": P(),
    "units:create": P(),
    "units:detail": P("unit"),
    "units:children": P("unit"),
    "units:events": P("unit"),
    "units:edit": P("unit", perm=UC),
    "units:abolish": P("unit", perm=UC),
    "units:division_create": P("unit", perm=UC),
    "units:division_edit": P("division", perm=UC),
    "units:division_abolish": P("division", perm=UC),
    "units:charter_create": P("unit", perm=UC),
    # people
    "people:list": P(),
    "people:export": P(),
    "people:create": P(),
    "people:detail": P("person"),
    "people:edit": P("person", perm=PC),
    # staffing
    "staffing:overview": P(),
    "staffing:unit": P("unit"),
    "staffing:unit_panel": P("unit"),
    "staffing:unit_history": P("unit"),
    "staffing:approvals": P("unit"),
    "staffing:movement_create": P("unit", perm=SC),
    "staffing:post_quota": P("unit", perm=SC),
    "staffing:approval_create": P("unit", perm=SC),
    "staffing:enrol": P("unit", perm=SC),
    "staffing:line_configure": P("line", perm=SC),
    "staffing:approval_withdraw": P("approval", perm=SC),
    "staffing:release": P("placement", perm=SC),
    "staffing:transfer": P("placement", perm=SC),
    "staffing:change_post": P("placement", perm=SC),
    "roster:imports": P(),
    "roster:template": P(),
    "roster:upload": P(),
    "roster:import_detail": P("roster_import"),
    "roster:import_errors": P("roster_import"),
    "roster:import_file": P("roster_import"),
    "roster:export": P(query="unit={unit}"),
    # ledger and verification
    "ledger:list": P(),
    "ledger:export": P(),
    "ledger:create": P(),
    "ledger:detail": P("problem"),
    "ledger:edit": P("problem", perm=LC),
    "ledger:transition": P("problem"),
    "ledger:measure_create": P("problem", perm=LC),
    "ledger:measure_edit": P("problem", "measure", perm=LC),
    "ledger:measure_complete": P("problem", "measure", perm=LC),
    "ledger:evidence_upload": P("problem", "measure", perm=LC),
    "ledger:evidence": P("evidence"),
    "checks:list": P(),
    "checks:rules": P(),
    "checks:detail": P("run"),
    "checks:status": P("run"),
    "checks:export": P("run"),
    "checks:finding": P("finding", get=302),  # to the run's page, filtered to the finding
    # registration
    "registration:registration_list": P(),
    "registration:registration_create": P(),
    "registration:registration_export": P(),
    "registration:registration_import": P(),
    "registration:registration_import_template": P(),
    "registration:registration_import_errors": P(get=404),
    "registration:registration_detail": P("registration"),
    "registration:registration_correct": P("registration", perm=UC),
    "registration:certificate_issue": P("registration", perm=UC),
    "registration:certificate_collect": P("certificate", perm=UC),
    "registration:filing_list": P(),
    "registration:filing_create": P(),
    "registration:filing_detail": P("filing"),
    "registration:filing_transition": P("filing", perm=UC, query="to={to}", values=_next_filing_step),
    "registration:filing_materials": P("filing", perm=UC),
    "registration:annual_list": P(),
    "registration:annual_export": P(),
    "registration:annual_create": P(),
    "registration:annual_detail": P("annual"),
    "registration:annual_edit": P("annual", perm=UC, get=_editable_annual),
    "registration:annual_submit": P("annual", perm=UC),
    "registration:annual_sponsor_approve": P("annual", perm=UC),
    "registration:annual_publish": P("annual", perm=UC),
    "registration:annual_return": P("annual", perm=UC),
    "registration:calendar": P(),
    # party: branches and members
    "party:branch_list": P(get=_one_branch_redirects),
    "party:branch_create": P(),
    "party:branch_detail": P("branch"),
    "party:branch_edit": P("branch", perm=TC),
    "party:member_admit": P("branch", perm=TC),
    "party:member_transfer_in": P("branch", perm=TC),
    "party:group_create": P("branch", perm=TC),
    "party:term_list": P("branch"),
    "party:term_elect": P("branch", perm=TC),
    "party:member_detail": P("member"),
    "party:member_edit": P("member", perm=TC),
    "party:member_leave": P("member", perm=TC),
    "party:member_make_full": P("member", perm=TC),
    "party:member_extend": P("member", perm=TC),
    "party:group_edit": P("group", perm=TC),
    "party:group_dissolve": P("group", perm=TC),
    "party:term_seat_assign": P("term", perm=TC),
    "party:term_seat_end": P("seat", perm=TC),
    # party: activities, talks, compliance
    "party:activity_list": P(),
    "party:activity_create": P(),
    "party:activity_sheet": P(query="activity={activity}"),
    "party:activity_calendar": P(query="branch={branch}"),
    "party:activity_study": P(query=BRANCH_YEAR),
    "party:activity_study_export": P(query=BRANCH_YEAR),
    "party:activity_detail": P("activity"),
    "party:activity_edit": P("activity", perm=TC),
    "party:activity_file_upload": P("activity", perm=TC),
    "party:activity_file": P("activity_file"),
    "party:activity_file_delete": P("activity_file", perm=TC),
    "party:talk_list": P(),
    "party:talk_create": P(),
    "party:talk_detail": P("talk", sees=_reads_the_talk),
    "party:talk_edit": P("talk", perm=TC, sees=_reads_the_talk),
    "party:talk_problem": P("talk", perm=TC, sees=_reads_the_talk),
    "party:talk_coverage": P("branch"),
    "party:compliance_index": P(get=_one_branch_redirects),
    "party:compliance_year": P("branch"),
    "party:compliance_rules": P("branch"),
    "party:compliance_rules_install": P("branch", perm=TC),
    "party:compliance_rule_edit": P("branch", "rule", perm=TC),
    "party:compliance_exemption_create": P("branch", "rule", perm=TC),
    "party:compliance_exemption_delete": P("branch", "exemption", perm=TC),
    # party: 民主评议, walked on a published appraisal and on this year's, in its secret ballot
    "party:appraisal_index": P(get=_one_branch_redirects),
    "party:appraisal_list": P("branch"),
    "party:appraisal_start": P("branch", perm=TC),
    "party:appraisal_detail": P("appraisal", sides=APPRAISAL),
    "party:appraisal_edit": P("appraisal", perm=TC, sides=APPRAISAL),
    "party:appraisal_transition": P("appraisal", perm=TC, sides=APPRAISAL, get={"party": 302, "voting": 200}),
    "party:appraisal_self_evaluation": P("appraisal", "own_member", sides=APPRAISAL, sees=_reads_the_self_evaluation),
    "party:appraisal_ballot": P("appraisal", sides=APPRAISAL, get={"party": 302, "voting": _votes_now}),
    "party:appraisal_paper_ballot": P("appraisal", perm=TC, sides=APPRAISAL),
    # Never while voting runs, not even to the secretary: nobody watches the counts move as members vote.
    "party:appraisal_tallies": P("appraisal", perm=TC, sides=APPRAISAL, get={"party": 200, "voting": 302}),
    "party:appraisal_determination": P("appraisal", perm=TC, sides=APPRAISAL, get=302),  # published; not closed
    "party:appraisal_results": P("appraisal", sides=APPRAISAL, get={"party": 200, "voting": 302}),
    "party:appraisal_export": P("appraisal", sides=APPRAISAL, get={"party": 200, "voting": 404}),
    # duties
    "duties:item_index": P(query=BRANCH_YEAR),
    "duties:item_month": P(query="branch={branch}&year={year}&month=3"),
    "duties:item_export": P(query=BRANCH_YEAR),
    "duties:item_create": P(query="branch={branch}", perm=TC),
    "duties:item_detail": P("item"),
    "duties:item_edit": P("item", perm=TC),
    "duties:item_delete": P("item", perm=TC),
    "duties:item_complete": P("item", perm=TC),
    "duties:item_reopen": P("item", perm=TC),
    "duties:item_evidence_upload": P("item", perm=TC),
    "duties:item_evidence": P("item_evidence"),
    "duties:item_evidence_delete": P("item_evidence", perm=TC),
    "duties:project_index": P(),
    "duties:project_create": P(query="branch={branch}", perm=TC),
    "duties:project_detail": P("project"),
    "duties:project_edit": P("project", perm=TC),
    "duties:project_target_add": P("project", perm=TC),
    "duties:project_target_edit": P("project", "target", perm=TC),
    "duties:project_target_delete": P("project", "target", perm=TC),
    "duties:project_milestone_add": P("project", perm=TC),
    "duties:project_milestone_edit": P("project", "milestone", perm=TC),
    "duties:project_milestone_status": P("project", "milestone", perm=TC),
    "duties:project_milestone_delete": P("project", "milestone", perm=TC),
    "duties:project_outcome_add": P("project", perm=TC),
    "duties:project_outcome_delete": P("project", "outcome", perm=TC),
    "duties:visit_index": P(),
    "duties:campaign_create": P(),
    "duties:campaign_detail": P("campaign"),
    "duties:campaign_edit": P("campaign", perm=TC),
    "duties:campaign_export": P("campaign"),
    "duties:visit_create": P("campaign", perm=TC),
    "duties:visit_detail": P("visit"),
    "duties:visit_edit": P("visit", perm=TC),
    "duties:visit_delete": P("visit", perm=TC),
    "duties:visit_issue_add": P("visit", perm=TC),
    "duties:visit_issue": P("visit_issue", get=302),  # to its visit
    "duties:risk_index": P(),
    "duties:risk_create": P(get=_needs_a_branch),
    "duties:risk_detail": P("risk"),
    "duties:risk_edit": P("risk", perm=TC),
    "duties:risk_review": P("risk", perm=TC),
    "duties:risk_close": P("risk", perm=TC),
    "duties:risk_reopen": P("risk", perm=TC),
    "duties:risk_meeting": P("risk_meeting"),
    "duties:sensitive_create": P(get=_needs_a_branch),
    "duties:sensitive_edit": P("sensitive", perm=TC),
    "duties:sensitive_delete": P("sensitive", perm=TC),
    "duties:keydate_index": P(),
    "duties:keydate_create": P(get=_needs_a_branch),
    "duties:keydate_generate": P(),
    "duties:keydate_edit": P("keydate", perm=TC),
    "duties:keydate_done": P("keydate", perm=TC),
    "duties:keydate_delete": P("keydate", perm=TC),
    "duties:volunteer_index": P(query=BRANCH_YEAR),
    "duties:volunteer_export": P(query=BRANCH_YEAR),
    "duties:reminder_list": P(),
    "duties:reminder_dismiss": P("reminder"),
    "duties:reminder_restore": P("reminder"),
    # reports
    "reports:duty_index": P(),
    "reports:duty_create": P(),
    "reports:duty_preview": P(query="branch={branch}&year={older}"),  # a year with no stored report
    "reports:duty_file": P(query=BRANCH_YEAR + "&format=docx"),
    "reports:duty_detail": P("duty_report"),
    "reports:duty_update": P("duty_report", perm=TC),
    "reports:duty_regenerate": P("duty_report", perm=TC),
    "reports:duty_block": P("duty_report", "block", get=302),  # a fragment: without htmx, to the report
    "reports:duty_block_edit": P("duty_report", "block", perm=TC),
    "reports:duty_block_history": P("duty_report", "block"),
    "reports:duty_block_restore": P("duty_report", "block", perm=TC),
    "reports:duty_block_keep": P("duty_report", "block", perm=TC),
    "reports:duty_block_remove": P("duty_report", "block", perm=TC),
    "reports:statistics_index": P(),
    "reports:statistics_establishment": P(),
    # A form's choice, not an object's URL: a branch outside scope is an invalid choice like any other (422).
    "reports:statistics_party": P(query=BRANCH_YEAR, outside=422),
    "reports:dashboard_office": P(),
    "reports:dashboard_branch_index": P(get=_one_branch_redirects),
    "reports:dashboard_branch": P("branch"),
    # core
    "core:audit": P(),
    "core:workdays": P(),
    "core:workday_delete": P("workday"),
}


# --- the API ---------------------------------------------------------------------------------------------------------
#
# The same rules, keyed by "METHOD /path" under /api/v1 (the token is the login): anonymous callers get 401; an
# object outside what the persona may see, 404; a right missing over it, 403. `items` names the kind a list returns:
# no object of it outside the persona's scope may be in the list. `body` names the objects a write's body refers to
# (the first is the scope of a write with no object in its path). Writes are sent only by personas the rules refuse:
# they must be refused and leave the database as it was.


def A(*kinds: str, perm: str | None = None, items: str | None = None, **kw: Any) -> Page:
    return Page(tuple(kinds), perm, items=items, **kw)


REPORT_YEAR = "branch={branch}&year={year}"

OPERATIONS: dict[str, Page] = {
    "GET /me": A(),
    "GET /units": A(items="unit"),
    "GET /units/{unit_id}": A("unit"),
    "GET /units/{unit_id}/divisions": A("unit", items="division"),
    "GET /units/{unit_id}/charters": A("unit"),
    "GET /units/{unit_id}/events": A("unit"),
    "GET /people": A(items="person"),
    "GET /people/{person_id}": A("person"),
    "GET /units/{unit_id}/staffing": A("unit"),
    "GET /units/{unit_id}/roster": A("unit", items="placement"),
    "GET /placements/{placement_id}": A("placement"),
    "GET /approvals": A(items="approval"),
    "GET /approvals/{approval_id}": A("approval"),
    "GET /problems": A(items="problem"),
    "GET /problems/{problem_id}": A("problem"),
    "GET /check-rules": A(),
    "GET /check-runs": A(items="run"),
    "GET /check-runs/{run_id}": A("run"),
    "GET /check-runs/{run_id}/findings": A("run", items="finding"),
    "GET /branches": A(items="branch"),
    "GET /branches/{branch_id}": A("branch"),
    "GET /branches/{branch_id}/committee": A("branch"),
    "GET /members": A(items="member"),
    "GET /members/{member_id}": A("member"),
    "GET /members/{member_id}/year": A("member"),
    "GET /activities": A(items="activity"),
    "GET /activities/{activity_id}": A("activity"),
    "GET /activities/{activity_id}/files/{file_id}": A("activity", "activity_file"),
    "GET /branches/{branch}/study": A("branch"),
    "GET /talks": A(items="talk"),
    "GET /talks/{talk_id}": A("talk", sees=_reads_the_talk),
    "GET /branches/{branch_id}/talk-coverage": A("branch"),
    "GET /branches/{branch_id}/compliance": A("branch"),
    "GET /branches/{branch_id}/compliance-rules": A("branch"),
    "GET /appraisals": A(items="appraisal"),
    "GET /appraisals/{appraisal_id}": A("appraisal", sides=APPRAISAL),
    "GET /appraisals/{appraisal_id}/self-evaluations": A("appraisal", sides=APPRAISAL),
    # Never while voting runs, not even to the secretary (409).
    "GET /appraisals/{appraisal_id}/tallies": A("appraisal", perm=TC, sides=APPRAISAL,
                                                get={"party": 200, "voting": 409}),
    "GET /appraisals/{appraisal_id}/results": A("appraisal", sides=APPRAISAL, get={"party": 200, "voting": 403}),
    "GET /duty-items": A(items="item"),
    "GET /duty-items/{item_id}": A("item"),
    "GET /secretary-projects": A(items="project"),
    "GET /secretary-projects/{project_id}": A("project"),
    "GET /secretary-projects/{project_id}/outcome-candidates": A("project", query="kind=check_run"),
    "GET /visit-campaigns": A(items="campaign"),
    "GET /visit-campaigns/{campaign_id}": A("campaign"),
    "GET /visits": A(items="visit"),
    "GET /visits/{visit_id}": A("visit"),
    "GET /risk-points": A(items="risk"),
    "GET /risk-points/{point_id}": A("risk"),
    "GET /sensitive-periods": A(items="sensitive"),
    "GET /sensitive-periods/{period_id}": A("sensitive"),
    "GET /key-dates": A(items="keydate"),
    "GET /key-dates/{key_date_id}": A("keydate"),
    "GET /branches/{branch_id}/integrity-talks": A("branch"),
    "GET /volunteer-activities": A(items="activity"),
    "GET /branches/{branch}/volunteer-stats": A("branch"),
    "GET /reminders": A(items="reminder"),
    "GET /reports/duty": A(query=REPORT_YEAR),
    "GET /reports/duty/{report_id}": A("duty_report"),
    "GET /reports/duty/{report_id}/blocks/{key}/versions": A("duty_report", "block"),
    "GET /reports/statistics/establishment": A(query="unit={unit}"),
    "GET /reports/statistics/party": A(query=REPORT_YEAR, perm=TC, denied=404),  # branches kept, not seen
    "GET /dashboards/office": A(perm=UV),
    "GET /dashboards/branches/{branch_id}": A("branch"),
    "GET /registrations": A(items="registration"),
    "GET /registrations/{registration_id}": A("registration"),
    "GET /registrations/{registration_id}/certificates": A("registration", items="certificate"),
    "GET /filings": A(items="filing"),
    "GET /filings/{filing_id}": A("filing"),
    "GET /annual-reports/status": A(),
    "GET /annual-reports": A(items="annual"),
    "GET /annual-reports/{report_id}": A("annual"),
}


def W(*kinds: str, perm: str | None = None, body: dict[str, str] | None = None, data: dict[str, Any] | None = None,
      **kw: Any) -> Page:
    return Page(tuple(kinds), perm, body=tuple((body or {}).items()), data=tuple((data or {}).items()), **kw)


def _keeps_the_branch_of_the_unit(persona: Any, kind: str, path: str | None, objects: dict[str, Any]) -> bool:
    """A new branch's unit is looked up among the units whose Party work the persona sees."""
    from bianban.core.tests.matrix_data import may

    return may(persona, TV, path)


def _writes_the_self_evaluation(persona: Any, path: str | None, objects: dict[str, Any]) -> bool:
    from bianban.core.tests.matrix_data import may

    return may(persona, TC, path) or persona.name == objects["own_member"].user.username


# Objects a write's body names that are outside the persona's scope are refused as a bad field value (422, with the
# same "不存在或无权访问" as for an id that does not exist), not as a missing page.
BODY = 422


OPERATIONS.update({
    # register
    "POST /units": W(perm=UC, body={"parent_id": "unit"}),
    "PATCH /units/{unit_id}": W("unit", perm=UC),
    "POST /people": W(perm=PC, body={"unit_id": "unit"}, outside=BODY),
    "PATCH /people/{person_id}": W("person", perm=PC),
    "POST /approvals": W(perm=SC, body={"unit": "unit"}, outside=BODY),
    "POST /units/{unit_id}/quota-movements": W("unit", perm=SC),
    "POST /units/{unit_id}/posts": W("unit", perm=SC),
    "POST /approvals/{approval_id}/withdraw": W("approval", perm=SC),
    "POST /enrolments": W(perm=SC, body={"unit": "unit", "person": "person"}, outside=BODY),
    "POST /releases": W(perm=SC, body={"placement": "placement"}, outside=BODY),
    "POST /transfers": W(perm=SC, body={"placement": "placement", "to_unit": "unit"}, outside=BODY),
    "POST /problems": W(perm=LC, body={"unit_id": "unit"}),
    "PATCH /problems/{problem_id}": W("problem", perm=LC),
    "POST /problems/{problem_id}/transitions": W("problem", perm=LC, data={"to_status": "in_progress"}),
    "POST /problems/{problem_id}/measures": W("problem", perm=LC),
    "POST /problems/{problem_id}/measures/{measure_id}/complete": W("problem", "measure", perm=LC),
    "POST /problems/{problem_id}/measures/{measure_id}/evidence": W("problem", "measure", perm=LC),
    "PATCH /problems/{problem_id}/measures/{measure_id}": W("problem", "measure", perm=LC),
    "POST /check-runs": W(perm=CR, body={"root_unit_id": "unit"}),
    "POST /registrations": W(perm=UC, body={"unit_id": "unit", "sponsor_id": "unit"}),
    "POST /registrations/import": W(perm=UC),
    "PATCH /registrations/{registration_id}": W("registration", perm=UC),
    "POST /registrations/{registration_id}/certificates": W("registration", perm=UC),
    "POST /registrations/{registration_id}/certificates/collect": W("registration", perm=UC,
                                                                     body={"certificate_id": "certificate"}),
    "POST /filings": W(perm=UC, body={"unit_id": "unit", "registration_id": "registration"}),  # 404, not 422
    "POST /filings/{filing_id}/transitions": W("filing", perm=UC),
    "PATCH /filings/{filing_id}/materials": W("filing", perm=UC),
    "POST /annual-reports": W(perm=UC, body={"registration_id": "registration"}),
    "PATCH /annual-reports/{report_id}": W("annual", perm=UC),
    "POST /annual-reports/{report_id}/submit": W("annual", perm=UC),
    "POST /annual-reports/{report_id}/sponsor-approve": W("annual", perm=UC),
    "POST /annual-reports/{report_id}/publish": W("annual", perm=UC),
    "POST /annual-reports/{report_id}/return": W("annual", perm=UC),
    # party: branches, members, activities, talks, compliance
    "POST /branches": W(perm=TC, body={"unit_id": "unit"}, sees=_keeps_the_branch_of_the_unit),
    "PATCH /branches/{branch_id}": W("branch", perm=TC),
    "POST /branches/{branch_id}/terms": W("branch", perm=TC),
    "POST /branches/{branch_id}/seats": W("branch", perm=TC, body={"member_id": "member"}),
    "POST /branches/{branch_id}/seats/{seat_id}/end": W("branch", "seat", perm=TC),
    "POST /members": W(perm=TC, body={"branch_id": "branch", "person_id": "person"}),
    "PATCH /members/{member_id}": W("member", perm=TC),
    "POST /members/{member_id}/make-full": W("member", perm=TC),
    "POST /members/{member_id}/extend-probation": W("member", perm=TC),
    "POST /members/{member_id}/leave": W("member", perm=TC),
    "POST /activities": W(perm=TC, body={"branch_id": "branch"}),
    "PATCH /activities/{activity_id}": W("activity", perm=TC),
    "PUT /activities/{activity_id}/attendance": W("activity", perm=TC),
    "POST /activities/{activity_id}/resolutions": W("activity", perm=TC),
    "POST /activities/{activity_id}/files": W("activity", perm=TC),
    "POST /talks": W(perm=TC, body={"branch_id": "branch"}),
    "PATCH /talks/{talk_id}": W("talk", perm=TC, sees=_reads_the_talk),
    "PATCH /branches/{branch_id}/compliance-rules/{code}": W("branch", "rule", perm=TC),
    "POST /branches/{branch_id}/compliance-rules/{code}/exemptions": W("branch", "rule", perm=TC),
    "DELETE /branches/{branch_id}/compliance-rules/{code}/exemptions/{exemption_id}": W("branch", "rule", "exemption",
                                                                                       perm=TC),
    # party: 民主评议. A ballot is cast by a voter of the branch, a self-evaluation by its member or the committee.
    "POST /appraisals": W(perm=TC, body={"branch_id": "branch"}),
    "POST /appraisals/{appraisal_id}/transitions": W("appraisal", perm=TC, sides=APPRAISAL),
    "PUT /appraisals/{appraisal_id}/self-evaluations/{member_id}": W("appraisal", "own_member", sides=APPRAISAL,
                                                                     allows=_writes_the_self_evaluation),
    "POST /appraisals/{appraisal_id}/ballots": W("appraisal", sides=APPRAISAL),
    "PUT /appraisals/{appraisal_id}/results": W("appraisal", perm=TC, sides=APPRAISAL),
    # duties
    "POST /duty-items": W(perm=TC, body={"branch_id": "branch"}),
    "PATCH /duty-items/{item_id}": W("item", perm=TC),
    "DELETE /duty-items/{item_id}": W("item", perm=TC),
    "POST /duty-items/{item_id}/evidence": W("item", perm=TC),
    "POST /duty-items/{item_id}/complete": W("item", perm=TC),
    "POST /duty-items/{item_id}/reopen": W("item", perm=TC),
    "POST /secretary-projects": W(perm=TC, body={"branch_id": "branch"}),
    "PATCH /secretary-projects/{project_id}": W("project", perm=TC),
    "POST /secretary-projects/{project_id}/targets": W("project", perm=TC),
    "PATCH /secretary-projects/{project_id}/targets/{target_id}": W("project", "target", perm=TC),
    "DELETE /secretary-projects/{project_id}/targets/{target_id}": W("project", "target", perm=TC),
    "POST /secretary-projects/{project_id}/milestones": W("project", perm=TC),
    "PATCH /secretary-projects/{project_id}/milestones/{milestone_id}": W("project", "milestone", perm=TC),
    "DELETE /secretary-projects/{project_id}/milestones/{milestone_id}": W("project", "milestone", perm=TC),
    "POST /secretary-projects/{project_id}/outcomes": W("project", perm=TC),
    "DELETE /secretary-projects/{project_id}/outcomes/{outcome_id}": W("project", "outcome", perm=TC),
    "POST /visit-campaigns": W(perm=TC, body={"branch_id": "branch"}),
    "PATCH /visit-campaigns/{campaign_id}": W("campaign", perm=TC),
    "POST /visits": W(perm=TC, body={"campaign_id": "campaign"}),
    "PATCH /visits/{visit_id}": W("visit", perm=TC),
    "DELETE /visits/{visit_id}": W("visit", perm=TC),
    "POST /visits/{visit_id}/issues": W("visit", perm=TC),
    "POST /risk-points": W(perm=TC, body={"branch_id": "branch"}),
    "PATCH /risk-points/{point_id}": W("risk", perm=TC),
    "POST /risk-points/{point_id}/reviews": W("risk", perm=TC),
    "POST /risk-points/{point_id}/reopen": W("risk", perm=TC),
    "POST /sensitive-periods": W(perm=TC, body={"branch_id": "branch"}),
    "PATCH /sensitive-periods/{period_id}": W("sensitive", perm=TC),
    "DELETE /sensitive-periods/{period_id}": W("sensitive", perm=TC),
    "POST /key-dates": W(perm=TC, body={"branch_id": "branch"}),
    "POST /key-dates/generate": W(perm=TC, body={"branch_id": "branch"}),
    "PATCH /key-dates/{key_date_id}": W("keydate", perm=TC),
    "DELETE /key-dates/{key_date_id}": W("keydate", perm=TC),
    "POST /key-dates/{key_date_id}/done": W("keydate", perm=TC),
    "POST /reminders/{reminder_id}/dismiss": W("reminder"),
    "POST /reminders/{reminder_id}/restore": W("reminder"),
    # reports
    "POST /reports/duty": W(perm=TC, body={"branch": "branch"}, data={"year": 2024}),
    "PATCH /reports/duty/{report_id}": W("duty_report", perm=TC),
    "POST /reports/duty/{report_id}/regenerate": W("duty_report", perm=TC),
    "PATCH /reports/duty/{report_id}/blocks/{key}": W("duty_report", "block", perm=TC),
    "POST /reports/duty/{report_id}/blocks/{key}/restore": W("duty_report", "block", perm=TC),
})
