"""/api/v1/reports/duty: the 述职报告 as JSON sections with their figures and the records behind each, or as the
GB/T 9704 .docx (`&format=docx`). GET gives the stored draft when there is one, else composes one and writes nothing.
The stored draft is created, regenerated and edited paragraph by paragraph through the POST/PATCH routes.
Reads are scoped by the branch (404 outside it); writes need PARTY_CHANGE (403); a bad year is a 422."""

from datetime import date
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from bianban.core.exceptions import ValidationFailed
from bianban.core.params import Id, Int32, Year
from bianban.party.models import Branch
from bianban.reports.duty import document, selectors, services
from bianban.reports.duty.draft import Draft
from bianban.reports.models import DutyReport, ReportBlock

router = Router(tags=["报告与统计"])


class SourceOut(Schema):
    kind: str = Field(description="记录类型：activity、talk、visit……")
    id: int
    label: str
    url: str


class FigureOut(Schema):
    key: str
    value: int
    unit: str
    label: str
    sources: list[SourceOut]


class SectionOut(Schema):
    key: str
    section: str = Field(description="opening / summary / problems / plan")
    origin: str = Field(description="heading（标题）/ generated（根据记录生成）/ secretary（书记撰写）")
    level: int = Field(description="1：“一、”标题；2：“（一）”段首标题；0：正文")
    lead: str
    text: str
    figures: list[FigureOut]
    prompts: list[str] = Field(description="书记撰写部分的写作提示（不写入报告）")
    edited: bool
    stale: bool = Field(description="书记修改过本段后，记录又有变化（最新生成内容见 generated_text）")
    vanished: bool = False
    version: int | None = Field(None, description="已保存段落的当前版本号，修改时回传")
    generated_text: str = ""


class ReportBranchOut(Schema):
    id: int
    code: str
    name: str


class DutyReportOut(Schema):
    id: int | None = Field(None, description="已保存草稿的编号；未保存（根据记录新生成）时为 null")
    branch: ReportBranchOut
    year: int
    title: str
    signature: str
    dated: date
    stored: bool
    generated_at: str | None = None
    sections: list[SectionOut]


class DutyReportIn(Schema):
    branch: str = Field(description="党支部的编号或代码")
    year: Year


class DutyReportPatch(Schema):
    title: str | None = None
    signature: str | None = None
    dated: date | None = None


class BlockPatch(Schema):
    text: str
    lead: str | None = None
    version: Int32 = Field(description="编辑时看到的版本号；其间他人已修改则返回409")


class BlockRestoreIn(Schema):
    version: Int32 = Field(description="当前版本号")
    to: Int32 | None = Field(None, description="要恢复的版本号")
    generated: bool = Field(False, description="恢复为根据最新记录生成的内容")


class VersionOut(Schema):
    number: int
    lead: str
    text: str
    origin: str
    restored_from: int | None
    author: str
    created_at: str


class RegenerateOut(Schema):
    replaced: list[str]
    stale: list[str]
    added: list[str]
    removed: list[str]
    kept: list[str]
    message: str
    report: DutyReportOut


def _section(view: selectors.SectionView) -> dict[str, Any]:
    return {"key": view.key, "section": view.section, "origin": view.origin, "level": view.level,
            "lead": view.lead, "text": view.text, "figures": view.figures, "prompts": view.prompts,
            "edited": view.edited, "stale": view.stale, "vanished": view.vanished, "version": view.version,
            "generated_text": view.generated_text if view.stale else ""}


def report_json(source: DutyReport | Draft, branch: Branch) -> dict[str, Any]:
    stored = isinstance(source, DutyReport)
    return {"id": source.pk if stored else None, "branch": {"id": branch.pk, "code": branch.code, "name": branch.name},
            "year": source.year, "title": source.title, "signature": source.signature, "dated": source.dated,
            "stored": stored, "generated_at": source.generated_at.isoformat() if stored else None,
            "sections": [_section(v) for v in selectors.sections_of(source)]}


def _branch(user: Any, key: str) -> Branch:
    return selectors.branch_for_user(user, key)


def _report(request: HttpRequest, report_id: Id) -> DutyReport:
    return selectors.report_get_for_user(request.user, report_id)


@router.get("/reports/duty", response=DutyReportOut, summary="述职报告（JSON，或 format=docx / pdf 下载文件）")
def duty_report_get(request: HttpRequest, branch: str, year: str,
                    format: Literal["json", "docx", "pdf"] = "json") -> Any:
    party_branch = _branch(request.user, branch)
    number = services.check_year(year)
    source: DutyReport | Draft = (selectors.report_for(request.user, party_branch, number)
                                  or selectors.composed_draft(party_branch, number))
    if format == "json":
        return report_json(source, party_branch)
    data = document.docx_bytes(source)
    if format == "pdf":
        data = document.pdf_bytes(data)
    name = f"{document.file_stem(party_branch.name, number)}.{format}"
    return document.attachment(data, document.DOCX_TYPE if format == "docx" else document.PDF_TYPE, name)


@router.post("/reports/duty", response={201: DutyReportOut}, summary="根据记录生成并保存述职报告草稿")
def duty_report_create(request: HttpRequest, payload: DutyReportIn) -> Status:
    branch = _branch(request.user, payload.branch)
    report = services.duty_report_create(actor=request.user, branch=branch, year=payload.year)
    return Status(201, report_json(report, branch))


@router.get("/reports/duty/{report_id}", response=DutyReportOut, summary="已保存的述职报告草稿")
def duty_report_detail(request: HttpRequest, report_id: Id) -> dict[str, Any]:
    report = _report(request, report_id)
    return report_json(report, report.branch)


@router.patch("/reports/duty/{report_id}", response=DutyReportOut, summary="修改标题、署名、成文日期")
def duty_report_update(request: HttpRequest, report_id: Id, payload: DutyReportPatch) -> dict[str, Any]:
    report = _report(request, report_id)
    given = {k: v for k, v in payload.dict(exclude_unset=True).items()}
    if any(v is None for v in given.values()):
        field = next(k for k, v in given.items() if v is None)
        raise ValidationFailed.on(field, "不能为空")
    report = services.duty_report_update(actor=request.user, report=report, **given)
    return report_json(report, report.branch)


@router.post("/reports/duty/{report_id}/regenerate", response=RegenerateOut,
             summary="按最新记录重新生成数据段落（保留书记修改过的内容）")
def duty_report_regenerate(request: HttpRequest, report_id: Id) -> dict[str, Any]:
    report = _report(request, report_id)
    summary = services.duty_report_regenerate(actor=request.user, report=report)
    report = _report(request, report_id)
    return {**summary.__dict__, "message": summary.message, "report": report_json(report, report.branch)}


def _block(request: HttpRequest, report_id: Id, key: str) -> ReportBlock:
    report = _report(request, report_id)
    block = selectors.block_get_for_user(request.user, report.pk, key=key)
    block.report = report
    return block


def _block_json(block: ReportBlock) -> dict[str, Any]:
    return _section(selectors.stored_view(ReportBlock.objects.get(pk=block.pk)))


@router.patch("/reports/duty/{report_id}/blocks/{key}", response=SectionOut,
              summary="修改一个段落（回传编辑时的版本号，其间他人已修改则返回409）")
def block_edit(request: HttpRequest, report_id: Id, key: str, payload: BlockPatch) -> dict[str, Any]:
    block = _block(request, report_id, key)
    kwargs = {} if payload.lead is None else {"lead": payload.lead}
    block = services.block_edit(actor=request.user, block=block, text=payload.text, version=payload.version,
                                **kwargs)
    return _block_json(block)


@router.get("/reports/duty/{report_id}/blocks/{key}/versions", response=list[VersionOut],
            summary="段落的修改记录（新的在前）")
def block_versions(request: HttpRequest, report_id: Id, key: str) -> list[dict[str, Any]]:
    block = _block(request, report_id, key)
    return [{"number": v.number, "lead": v.lead, "text": v.text, "origin": v.origin,
             "restored_from": v.restored_from,
             "author": (v.author.get_full_name() or v.author.username) if v.author else "",
             "created_at": v.created_at.isoformat()} for v in selectors.versions_of(block)]


@router.post("/reports/duty/{report_id}/blocks/{key}/restore", response=SectionOut,
             summary="恢复段落的某个版本，或恢复为生成内容")
def block_restore(request: HttpRequest, report_id: Id, key: str, payload: BlockRestoreIn) -> dict[str, Any]:
    block = _block(request, report_id, key)
    block = services.block_restore(actor=request.user, block=block, version=payload.version, to=payload.to,
                                   generated=payload.generated)
    return _block_json(block)
