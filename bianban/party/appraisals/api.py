"""/api/v1/appraisals: 民主评议党员. Reads are scoped by the branch's unit (404 outside it); stage changes, paper
ballots and the determination need 维护党建工作 (403 when only viewing); a member writes their own self-evaluation
and casts their own ballot with their own token (Member.user). No route returns a ballot: none is stored."""

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from bianban.core.exceptions import NotFound, ValidationFailed
from bianban.core.params import Id, Pagination, Year
from bianban.party.access import branch_get_for_user
from bianban.party.appraisals import selectors, services
from bianban.party.choices import AppraisalGrade, AppraisalStatus
from bianban.party.models import Activity, Appraisal, AppraisalResult, SelfEvaluation

router = Router(tags=["民主评议党员"])


# --- schemas -------------------------------------------------------------------------------------------------------


class AppraisalOut(Schema):
    id: int
    branch_id: Id
    branch_name: str = Field(alias="branch.name")
    year: int
    status: str
    status_label: str
    started_on: date
    voting_closed_on: date | None
    published_on: date | None
    meeting_id: Id | None
    note: str

    @staticmethod
    def resolve_status_label(obj: Appraisal) -> str:
        return obj.get_status_display()


class MyPartOut(Schema):
    member_id: Id | None
    appraised: bool
    may_vote: bool
    has_voted: bool
    self_evaluation_submitted: bool


class GradeOut(Schema):
    value: str
    label: str


class AppraisalDetailOut(AppraisalOut):
    roster: list[dict[str, Any]]
    voters_due: int
    ballots_entered: int
    ballot_mode: str = Field(description="electronic 在线投票 / paper 纸质选票录入 / 空：尚无选票")
    excellent_max: int
    grades: list[GradeOut]
    me: MyPartOut


class AppraisalIn(Schema):
    branch_id: Id
    year: Year
    started_on: date
    note: str = ""
    meeting_id: Id | None = Field(None, description="评议会议（本支部的活动id）")


class AppraisalTransitionIn(Schema):
    to_status: AppraisalStatus = Field(description="voting 开始互评 / closed 结束互评 / published 公布结果")
    on: date | None = Field(None, description="互评截止或公布日期，不填为今天")


class SelfEvaluationIn(Schema):
    text: str
    grade: AppraisalGrade | None = None


class SelfEvaluationOut(Schema):
    member_id: Id
    name: str = Field(alias="member.person.name")
    text: str
    grade: str


class BallotLine(Schema):
    member_id: Id
    grade: str


class BallotIn(Schema):
    grades: list[BallotLine] = Field(description="每位被评议党员一个等次；在线投票不含本人，纸质选票本人一栏可空缺")
    paper: bool = Field(False, description="true：录入一张收回的纸质选票（不登记投票人，须维护党建工作权限）")


class BallotOut(Schema):
    voters_due: int
    ballots_entered: int
    ballot_mode: str


class TallyOut(Schema):
    member_id: Id
    name: str
    excellent: int
    qualified: int
    basic: int
    unqualified: int
    total: int


class ResultLine(Schema):
    member_id: Id
    grade: str
    note: str = ""


class ResultsIn(Schema):
    results: list[ResultLine]


class ResultOut(Schema):
    member_id: Id
    name: str = Field(alias="member.person.name")
    grade: str
    grade_label: str
    note: str

    @staticmethod
    def resolve_grade_label(obj: AppraisalResult) -> str:
        return obj.get_grade_display()


# --- helpers -------------------------------------------------------------------------------------------------------


def _detail(request: HttpRequest, appraisal: Appraisal) -> Appraisal:
    """The appraisal with what its detail shows attached: the roster, the ballots in, the caller's own part."""
    members = selectors.roster(appraisal)
    progress = selectors.ballot_progress(appraisal, members)
    position = selectors.position_of(request.user, appraisal, members)
    voting = {m.pk for m in selectors.voters_due(appraisal, members)}
    appraisal.roster = [{"member_id": m.pk, "name": m.person.name, "status": m.status, "votes": m.pk in voting}
                        for m in members]
    appraisal.voters_due = progress.voters_due
    appraisal.ballots_entered = progress.entered
    appraisal.ballot_mode = progress.mode
    appraisal.excellent_max = selectors.excellent_max(len(members))
    appraisal.grades = [{"value": g.value, "label": g.label} for g in selectors.active_grades()]
    appraisal.me = {"member_id": position.member.pk if position.member else None, "appraised": position.appraised,
                    "may_vote": position.may_vote, "has_voted": position.has_voted,
                    "self_evaluation_submitted": position.self_evaluation is not None}
    return appraisal


def _meeting(meeting_id: Id | None) -> Activity | None:
    if meeting_id is None:
        return None
    meeting = Activity.objects.filter(pk=meeting_id).first()
    if meeting is None:
        raise ValidationFailed.on("meeting_id", "评议会议不存在")
    return meeting


def _grades(lines: list[BallotLine]) -> dict[int, str]:
    grades: dict[int, str] = {}
    for line in lines:
        if line.member_id in grades:
            raise ValidationFailed.on("grades", "同一党员只能选择一个等次")
        grades[line.member_id] = line.grade
    return grades


# --- routes --------------------------------------------------------------------------------------------------------


@router.get("/appraisals", response=list[AppraisalOut], summary="查询民主评议")
@paginate(Pagination)
def appraisal_list(request: HttpRequest, branch: Id | None = None, year: Year | None = None,
                   status: AppraisalStatus | None = None) -> QuerySet[Appraisal]:
    return selectors.appraisal_search(request.user, branch=branch, year=year, status=status or "")


@router.post("/appraisals", response={201: AppraisalDetailOut}, summary="开展民主评议（个人自评阶段）")
def appraisal_create(request: HttpRequest, payload: AppraisalIn) -> Status:
    try:
        branch = branch_get_for_user(request.user, payload.branch_id)
    except NotFound:
        raise NotFound("党支部不存在或无权访问", details={"branch_id": ["党支部不存在或无权访问"]}) from None
    appraisal = services.appraisal_start(actor=request.user, branch=branch, year=payload.year,
                                         started_on=payload.started_on, note=payload.note,
                                         meeting=_meeting(payload.meeting_id))
    return Status(201, _detail(request, selectors.appraisal_get_for_user(request.user, appraisal.pk)))


@router.get("/appraisals/{appraisal_id}", response=AppraisalDetailOut, summary="民主评议详情")
def appraisal_detail(request: HttpRequest, appraisal_id: Id) -> Appraisal:
    return _detail(request, selectors.appraisal_get_for_user(request.user, appraisal_id))


@router.post("/appraisals/{appraisal_id}/transitions", response=AppraisalDetailOut, summary="进入下一阶段")
def appraisal_transition(request: HttpRequest, appraisal_id: Id, payload: AppraisalTransitionIn) -> Appraisal:
    appraisal = selectors.appraisal_get_for_user(request.user, appraisal_id)
    services.appraisal_transition(actor=request.user, appraisal=appraisal, to_status=payload.to_status,
                                  on=payload.on)
    return _detail(request, selectors.appraisal_get_for_user(request.user, appraisal_id))


@router.get("/appraisals/{appraisal_id}/self-evaluations", response=list[SelfEvaluationOut],
            summary="个人自评（维护人员可见全部，党员可见本人）")
def self_evaluation_list(request: HttpRequest, appraisal_id: Id) -> list[SelfEvaluation]:
    appraisal = selectors.appraisal_get_for_user(request.user, appraisal_id)
    return selectors.self_evaluations_for_user(request.user, appraisal)


@router.put("/appraisals/{appraisal_id}/self-evaluations/{member_id}", response=SelfEvaluationOut,
            summary="提交或修改个人自评")
def self_evaluation_put(request: HttpRequest, appraisal_id: Id, member_id: Id,
                        payload: SelfEvaluationIn) -> SelfEvaluation:
    appraisal = selectors.appraisal_get_for_user(request.user, appraisal_id)
    member = next((m for m in selectors.roster(appraisal) if m.pk == member_id), None)
    if member is None:
        raise NotFound("党员不在本次评议名单中")
    return services.self_evaluation_save(actor=request.user, appraisal=appraisal, member=member, text=payload.text,
                                         grade=payload.grade or "")


@router.post("/appraisals/{appraisal_id}/ballots", response={201: BallotOut}, summary="投票（或录入纸质选票）")
def ballot_create(request: HttpRequest, appraisal_id: Id, payload: BallotIn) -> Status:
    appraisal = selectors.appraisal_get_for_user(request.user, appraisal_id)
    grades = _grades(payload.grades)
    if payload.paper:
        services.ballot_enter_paper(actor=request.user, appraisal=appraisal, grades=grades)
    else:
        services.ballot_cast(actor=request.user, appraisal=appraisal, grades=grades)
    progress = selectors.ballot_progress(appraisal)
    return Status(201, {"voters_due": progress.voters_due, "ballots_entered": progress.entered,
                        "ballot_mode": progress.mode})


@router.get("/appraisals/{appraisal_id}/tallies", response=list[TallyOut], summary="互评计票（互评结束后）")
def tally_list(request: HttpRequest, appraisal_id: Id) -> list[dict[str, Any]]:
    appraisal = selectors.appraisal_get_for_user(request.user, appraisal_id)
    return [{"member_id": t.member.pk, "name": t.member.person.name, "excellent": t.excellent,
             "qualified": t.qualified, "basic": t.basic, "unqualified": t.unqualified, "total": t.total}
            for t in selectors.tallies_for_user(request.user, appraisal)]


@router.get("/appraisals/{appraisal_id}/results", response=list[ResultOut], summary="评议结果（公布后党员可见）")
def result_list(request: HttpRequest, appraisal_id: Id) -> list[AppraisalResult]:
    appraisal = selectors.appraisal_get_for_user(request.user, appraisal_id)
    return selectors.results_for_user(request.user, appraisal)


@router.put("/appraisals/{appraisal_id}/results", response=list[ResultOut], summary="评定等次（替换全部评定）")
def result_put(request: HttpRequest, appraisal_id: Id, payload: ResultsIn) -> list[AppraisalResult]:
    appraisal = selectors.appraisal_get_for_user(request.user, appraisal_id)
    services.result_determine(actor=request.user, appraisal=appraisal,
                              results=[services.ResultEntry(r.member_id, r.grade, r.note) for r in payload.results])
    return selectors.results_for_user(request.user, appraisal)
