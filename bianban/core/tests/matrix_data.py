"""The data set the permission matrix walks (test_permission_matrix.py): a small demo district plus one object of
every kind a route names, on both sides of the unit liaison's scope, and the personas who walk it.

Sides: `in` holds register objects of 区教育局's subtree (the liaison's scope), `out` the same kinds of 区委编办's
subtree; `party` holds the demo branch's records (its unit is 区委编办). The branch secretary appears twice more as a
unit-bound grant: over 区委编办 (the branch is in scope) and over 区教育局 (it is not), so every Party page is walked
in and out of a unit-bound scope as well.

Markers are strings written into the data that only some personas may read: visited households' family
circumstances, members' self-evaluations and what was said in a talk. Also here: the rights worked out from the
grants (`may`), independently of the app's scoping code, and sample API request bodies built from the schema.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from io import BytesIO
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Case, When
from django.utils import timezone

from bianban.accounts import services as account_services
from bianban.accounts.choices import ROLE_PERMS, Role
from bianban.demo import catalog as c
from bianban.demo.party import BRANCH_CODE
from bianban.units.models import Unit

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# Family circumstances of visited households and self-evaluations: personal data with a reader list of its own.
CIRCUMSTANCES = ("矩阵标记户甲：独居老人，患慢性病，子女在外地务工", "矩阵标记户乙：低保户，家中有一名残疾人")
SELF_EVALUATION = "矩阵标记自评：本人对照党员标准查找差距，今后改进"
TALK_SUMMARY = "矩阵标记谈话内容：谈及家庭困难和身体状况，请组织上保密"
SELF_EVALUATORS = {"dangyuan": "赵", "zhiwei": "杨"}  # login → the suffix that marks their self-evaluation


@dataclass(frozen=True)
class Persona:
    """A login and its grants: (role, unit catalog key or None for the whole district). `username` of a demo login,
    or a new one made for the matrix."""

    name: str
    grants: tuple[tuple[str, str | None], ...]
    demo: bool = True
    superuser: bool = False


PERSONAS: tuple[Persona, ...] = (
    Persona("admin", (), superuser=True),
    Persona("bbadmin", ((Role.OFFICE_ADMIN, None),)),
    Persona("bbstaff", ((Role.OFFICE_STAFF, None),)),
    Persona("liaison_edu", ((Role.UNIT_LIAISON, c.EDUCATION_KEY),)),
    Persona("shuji", ((Role.BRANCH_SECRETARY, None), (Role.REVIEWER, None))),
    Persona("zhiwei", ((Role.COMMITTEE_MEMBER, None),)),
    Persona("dangyuan", ((Role.MEMBER, None),)),
    Persona("shenyue", ((Role.REVIEWER, None),)),
    Persona("sec_office", ((Role.BRANCH_SECRETARY, c.OFFICE_KEY),), demo=False),
    Persona("sec_edu", ((Role.BRANCH_SECRETARY, c.EDUCATION_KEY),), demo=False),
    Persona("outsider", (), demo=False),
)
BY_NAME = {p.name: p for p in PERSONAS}


@dataclass
class MatrixData:
    users: dict[str, Any]
    tokens: dict[str, str]
    units: dict[str, Unit]  # catalog key → unit (office, edu)
    sides: dict[str, dict[str, Any]]  # side → kind → object
    id_numbers: dict[str, str]  # every person's full ID number → the path of their unit
    branch_path: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def may(persona: Persona, perm: str, path: str | None) -> bool:
    """Whether the persona may `perm` on the unit at `path` (None: on records of no unit, which takes a district-wide
    grant) — worked out here from ROLE_PERMS and the grants, not through the app's scoping code."""
    if persona.superuser:
        return True
    for role, key in persona.grants:
        if perm not in ROLE_PERMS[role]:
            continue
        if key is None:
            return True
        if path is not None and path.startswith(_unit(key).path):
            return True
    return False


def may_anywhere(persona: Persona, perm: str) -> bool:
    return persona.superuser or any(perm in ROLE_PERMS[role] for role, _ in persona.grants)


_UNITS: dict[str, Unit] = {}


def _unit(key: str) -> Unit:
    if key not in _UNITS:
        _UNITS[key] = Unit.objects.get(name=c.name_of(key), parent__isnull=True)
    return _UNITS[key]


def forget_units() -> None:
    _UNITS.clear()


# --- building ------------------------------------------------------------------------------------------------------


def _users(admin: Any) -> dict[str, Any]:
    users = {}
    for persona in PERSONAS:
        if persona.demo:
            users[persona.name] = get_user_model().objects.get(username=persona.name)
            continue
        users[persona.name] = account_services.user_create_with_grants(
            actor=admin, username=persona.name, password="Matrix!2026", full_name=f"矩阵{persona.name}",
            grants=[(role, _unit(key) if key else None) for role, key in persona.grants])
    return users


def _register_side(admin: Any, top: Unit, today: date) -> dict[str, Any]:
    """One object of every register kind inside `top`'s subtree (made where the demo has none)."""
    from bianban.checks.models import Finding
    from bianban.checks.services import check_run_execute, check_run_request
    from bianban.ledger import services as ledger
    from bianban.ledger.choices import ProblemSource
    from bianban.registration.models import AnnualReport, Certificate, Filing, Registration
    from bianban.staffing import services as staffing
    from bianban.staffing.choices import ApprovalStatus
    from bianban.staffing.models import Approval, Placement, QuotaLine
    from bianban.units.choices import InstitutionClass, UnitKind
    from bianban.units.models import Division
    from bianban.units.services import unit_create

    inside = Unit.objects.filter(path__startswith=top.path)
    registration = Registration.objects.filter(unit__in=inside).order_by("pk").first()
    unit = registration.unit
    placement = Placement.objects.filter(unit=unit, ended_on__isnull=True).select_related("person").order_by("pk")[0]
    line = QuotaLine.objects.filter(unit=unit).order_by("pk")[0]
    approval = Approval.objects.filter(line__unit__in=inside, status=ApprovalStatus.OPEN).order_by("pk").first()
    if approval is None:
        approval = staffing.approval_create(actor=admin, unit=unit, kind=line.kind, funding=line.funding, count=1,
                                            document_no="矩阵核〔2026〕1号", valid_until=today + timedelta(days=90))
    problem = ledger.problem_create(actor=admin, source=ProblemSource.MANUAL, title=f"矩阵问题（{unit.name}）",
                                    unit=unit, person=placement.person, deadline=today + timedelta(days=60))
    measure = ledger.measure_create(actor=admin, problem=problem, description="矩阵整改措施",
                                    deadline=today + timedelta(days=30))
    evidence = ledger.evidence_add(actor=admin, measure=measure, note="",
                                   uploaded_file=SimpleUploadedFile("佐证.pdf", PDF))
    # A unit without 三定 gives the side's own verification run a finding inside the side.
    bare = unit_create(actor=admin, name=f"{top.name}矩阵试点中心", kind=UnitKind.INSTITUTION, parent=top,
                       institution_class=InstitutionClass.PUBLIC_1)
    run = check_run_execute(run_id=check_run_request(actor=admin, root=top).pk)
    finding = Finding.objects.filter(run=run, unit=bare).order_by("pk")[0]
    filing = Filing.objects.filter(unit__in=inside).order_by("pk")[0]
    return {
        "unit": unit, "division": Division.objects.filter(unit__in=inside).order_by("pk")[0],
        "person": placement.person, "placement": placement, "line": line, "approval": approval,
        "problem": problem, "measure": measure, "evidence": evidence, "run": run, "finding": finding,
        "registration": registration,
        "certificate": Certificate.objects.filter(registration=registration).order_by("pk")[0],
        # An annual report still open to editing where the side has one (the demo's late 2025 drafts).
        "filing": filing, "annual": AnnualReport.objects.filter(registration__unit__in=inside).order_by(
            Case(When(status="draft", then=0), default=1), "pk")[0],
    }


def _party_side(admin: Any, users: dict[str, Any], today: date) -> dict[str, Any]:
    """The demo branch's records, one of each kind, plus what the demo lacks: a file, hand-ticked evidence, a duty
    report, visited households with family circumstances, a talk's content and an appraisal in its secret ballot."""
    from bianban.duties.items import services as items
    from bianban.duties.models import (
        DutyItem,
        KeyDate,
        ProjectMilestone,
        ProjectOutcome,
        ProjectTarget,
        RiskPoint,
        RiskReview,
        SecretaryProject,
        SensitivePeriod,
        Visit,
        VisitCampaign,
        VisitIssue,
    )
    from bianban.duties.visits.services import visit_update
    from bianban.party.activities.services import activity_file_add
    from bianban.party.appraisals import services as appraisals
    from bianban.party.appraisals.selectors import roster
    from bianban.party.choices import AppraisalGrade, AppraisalStatus
    from bianban.party.models import (
        Activity,
        Appraisal,
        Branch,
        CommitteeMember,
        CommitteeTerm,
        ComplianceExemption,
        Member,
        PartyGroup,
        Talk,
    )
    from bianban.party.talks.services import talk_update
    from bianban.reports.duty.services import duty_report_create

    branch = Branch.objects.get(code=BRANCH_CODE)
    members = {m.user.username: m for m in Member.objects.filter(branch=branch, user__isnull=False)}
    plain = Member.objects.filter(branch=branch, user__isnull=True, left_on__isnull=True).order_by("pk")[0]
    activity = Activity.objects.filter(branch=branch, status="held").order_by("-held_on", "-pk")[0]
    activity_file = activity_file_add(actor=admin, activity=activity,
                                      uploaded_file=SimpleUploadedFile("会议记录.pdf", PDF))
    manual = DutyItem.objects.filter(branch=branch, measure="manual").order_by("-year", "pk").first()
    if manual is None:
        manual = items.item_create(actor=admin, branch=branch, year=today.year, title="矩阵手工任务", months=[1],
                                   measure="manual", owner_member=plain)
    item_evidence = items.evidence_add(actor=admin, item=manual, uploaded_file=SimpleUploadedFile("佐证.pdf", PDF))
    visits = list(Visit.objects.filter(campaign__branch=branch).order_by("pk")[:2])
    for visit, text in zip(visits, CIRCUMSTANCES, strict=True):
        visit_update(actor=admin, visit=visit, circumstances=text)
    project = SecretaryProject.objects.filter(branch=branch).order_by("pk")[0]
    exemption = ComplianceExemption.objects.filter(rule__branch=branch).select_related("rule").order_by("pk")[0]
    term = CommitteeTerm.objects.filter(branch=branch).order_by("-elected_on")[0]
    report = duty_report_create(actor=admin, branch=branch, year=today.year - 1)
    # An appraisal in its mutual evaluation: self-evaluations written, one ballot cast (the published ones of earlier
    # years come from the demo). Held late in its year or early in the next: this year's, or last year's where the
    # demo holds this year's.
    year = next(y for y in (today.year, today.year - 1) if not Appraisal.objects.filter(branch=branch, year=y).exists())
    voting = appraisals.appraisal_start(actor=admin, branch=branch, year=year, started_on=today)
    for username, suffix in SELF_EVALUATORS.items():
        appraisals.self_evaluation_save(actor=users[username], appraisal=voting, member=members[username],
                                        text=f"{SELF_EVALUATION}（{suffix}）")
    voting = appraisals.appraisal_transition(actor=admin, appraisal=voting, to_status=AppraisalStatus.VOTING)
    others = [m for m in roster(voting) if m.pk != members["dangyuan"].pk]
    appraisals.ballot_cast(actor=users["dangyuan"], appraisal=voting,
                           grades={m.pk: AppraisalGrade.QUALIFIED for m in others})
    published = Appraisal.objects.filter(branch=branch, status=AppraisalStatus.PUBLISHED).order_by("-year")[0]
    # A talk the member persona took no part in, saying something only its participants and the committee read.
    talk = Talk.objects.filter(branch=branch).exclude(participants__member=members["dangyuan"]).order_by("pk")[0]
    talk = talk_update(actor=admin, talk=talk, summary=TALK_SUMMARY)
    risk = RiskPoint.objects.filter(branch=branch).order_by("pk")[0]
    return {
        "branch": branch, "member": plain, "own_member": members["dangyuan"],
        "group": PartyGroup.objects.filter(branch=branch).order_by("pk")[0],
        "term": term, "seat": CommitteeMember.objects.filter(term=term).order_by("pk")[0],
        "activity": activity, "activity_file": activity_file,
        "talk": talk,
        "rule": exemption.rule, "exemption": exemption,
        "appraisal": published, "appraisal_voting": voting,
        "item": manual, "item_evidence": item_evidence,
        "project": project, "target": ProjectTarget.objects.filter(project=project).order_by("pk")[0],
        "milestone": ProjectMilestone.objects.filter(project=project).order_by("pk")[0],
        "outcome": ProjectOutcome.objects.filter(project=project).order_by("pk")[0],
        "campaign": VisitCampaign.objects.filter(branch=branch).order_by("pk")[0], "visit": visits[0],
        "visit_issue": VisitIssue.objects.filter(visit__campaign__branch=branch).order_by("pk")[0],
        "risk": risk, "risk_meeting": RiskReview.objects.filter(risk_point=risk, activity__isnull=False)
        .order_by("pk")[0].activity,
        "sensitive": SensitivePeriod.objects.filter(branch=branch).order_by("pk")[0],
        "keydate": KeyDate.objects.filter(branch=branch).order_by("pk")[0],
        "duty_report": report, "block": report.blocks.order_by("pk")[0],
    }


def _roster_import(staff: Any, unit: Unit) -> Any:
    """A validated (dry-run) upload of the unit's own roster, by office staff."""
    from bianban.staffing.roster.exporter import roster_export
    from bianban.staffing.roster.services import roster_import_request, roster_import_run

    content = roster_export(actor=staff, unit=unit)
    job = roster_import_request(actor=staff, dry_run=True, upload=SimpleUploadedFile(
        "花名册.xlsx", content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    roster_import_run(import_id=job.pk)
    job.refresh_from_db()
    return job


def build(admin: Any | None = None) -> MatrixData:
    """Everything the matrix walks, on top of a loaded small demo (see test_permission_matrix.DEMO)."""
    from bianban.core.services import workday_override_set
    from bianban.duties.models import Reminder
    from bianban.people.models import Person

    forget_units()
    admin = admin or get_user_model().objects.get(username="admin")
    today = timezone.localdate()
    users = _users(admin)
    office, edu = _unit(c.OFFICE_KEY), _unit(c.EDUCATION_KEY)
    sides = {"in": _register_side(admin, edu, today), "out": _register_side(admin, office, today),
             "party": _party_side(admin, users, today)}
    tokens, token_rows = {}, {}
    for name, user in users.items():
        token_rows[name], tokens[name] = account_services.api_token_create(actor=user, user=user, name="matrix")
    staff = users["bbstaff"]
    reminder = Reminder.objects.filter(user=users["shuji"]).order_by("pk").first()
    district = {
        "user": users["dangyuan"],
        "grant": users["sec_edu"].grants.order_by("pk")[0],
        "token": token_rows["shuji"],
        "workday": workday_override_set(actor=admin, day=date(today.year, 12, 26), is_workday=True, note="矩阵"),
        "reminder": reminder,
        "roster_import": _roster_import(staff, edu),
    }
    sides["district"] = district
    party = sides["party"]
    voting = party["appraisal_voting"]
    from bianban.party.appraisals.selectors import voters_pending
    from bianban.party.models import Member

    branch_members = set(Member.objects.filter(branch=party["branch"], user__isnull=False, left_on__isnull=True)
                         .values_list("user__username", flat=True))
    took_part = set(party["talk"].participants.filter(member__user__isnull=False)
                    .values_list("member__user__username", flat=True))
    extra = {
        # Logins of members who may vote in this year's appraisal and have not (the ballot page opens for them).
        "voters_pending": {m.user.username for m in voters_pending(voting) if m.user_id},
        # Logins of the branch's members who took no part in the marked talk: without the right to keep the
        # branch's records, they may not read it.
        "talk_outsiders": branch_members - took_part,
    }
    return MatrixData(
        users=users, extra=extra, tokens=tokens, units={c.OFFICE_KEY: office, c.EDUCATION_KEY: edu}, sides=sides,
        id_numbers=dict(Person.objects.values_list("id_number", "unit__path")),
        branch_path=sides["party"]["branch"].unit.path,
    )


def xlsx_text(content: bytes) -> str:
    """Every XML part of an Office Open XML file (xlsx, docx), as text: what a search for a value must read."""
    import zipfile

    with zipfile.ZipFile(BytesIO(content)) as archive:
        return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
                       if name.endswith(".xml"))


# --- API request bodies --------------------------------------------------------------------------------------------


def resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    """The schema a `$ref` points to (components of the OpenAPI document)."""
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    return schema


# Body fields naming an object, filled with the side's object of that kind when the rule does not say.
FIELD_KINDS = {"unit_id": "unit", "person_id": "person", "member_id": "member", "branch_id": "branch",
               "campaign_id": "campaign", "registration_id": "registration", "certificate_id": "certificate",
               "group_id": "group", "unit": "unit", "person": "person", "placement": "placement", "to_unit": "unit",
               "branch": "branch"}


def _sample(name: str, schema: dict[str, Any], components: dict[str, Any], objects: dict[str, Any],
            named: dict[str, str]) -> Any:
    """A value the schema accepts: the side's object for fields naming one, else the simplest of its type."""
    from django.utils import timezone

    schema = resolve(schema, components)
    kind = named.get(name) or FIELD_KINDS.get(name)
    if kind and kind in objects:
        texts = [o for o in [schema, *schema.get("anyOf", [])] if o.get("type") == "string"]
        return str(objects[kind].pk) if texts else objects[kind].pk
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [o for o in schema[key] if resolve(o, components).get("type") != "null"]
            return _sample(name, options[0], components, objects, named)
    if "enum" in schema:
        return schema["enum"][0]
    kind_of = schema.get("type")
    if kind_of == "string":
        day = timezone.localdate()  # today passes both "not in the future" and "not before it was issued"
        return {"date": day.isoformat(), "date-time": f"{day.isoformat()}T10:00:00+08:00"}.get(
            schema.get("format", ""), "矩阵测试")
    if kind_of == "integer":
        return max(1, schema.get("minimum", 1))
    if kind_of == "number":
        return 1
    if kind_of == "boolean":
        return False
    if kind_of == "array":
        count = schema.get("minItems", 0)
        return [_sample(name, schema.get("items", {}), components, objects, named) for _ in range(count)]
    if kind_of == "object":
        return sample_body(schema, components, objects, named)
    return None


def _is_text(schema: dict[str, Any], components: dict[str, Any]) -> bool:
    schema = resolve(schema, components)
    options = [resolve(o, components) for o in schema.get("anyOf", [schema])]
    return any(o.get("type") == "string" and not o.get("format") and "enum" not in o for o in options)


def sample_body(schema: dict[str, Any], components: dict[str, Any], objects: dict[str, Any],
                named: dict[str, str]) -> dict[str, Any]:
    """The required fields, the fields naming objects, and — so that a patch changes something — one text field."""
    properties = schema.get("properties", {})
    wanted = [*schema.get("required", []), *[f for f in properties if f in named]]
    if not wanted:
        wanted = [f for f, s in properties.items() if _is_text(s, components)][:1]
    return {f: _sample(f, properties[f], components, objects, named) for f in dict.fromkeys(wanted)
            if f in properties}
