"""/api/v1/reports/statistics/*: the statistics workbooks as .xlsx downloads. Scoped like the pages: a unit or branch
the caller may not see is a 404 (as is the whole route for a caller with no register or Party rights at all); a bad
date, year or unit number a 422 with a Chinese message. Each download is audited."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import has_perm
from bianban.core.exceptions import NotFound
from bianban.reports.workbooks import establishment, party, services
from bianban.reports.workbooks.sheets import XLSX_TYPE, xlsx_response

router = Router()  # tagged 报告与统计 by reports/api.py, which mounts it
# The routes answer with a file, not JSON: say so in the OpenAPI document.
_XLSX: dict[str, Any] = {"responses": {200: {"description": "Excel 文件（.xlsx），文件名见 Content-Disposition",
                                             "content": {XLSX_TYPE: {"schema": {"type": "string",
                                                                                "format": "binary"}}}}}}


@router.get("/reports/statistics/establishment", summary="机构编制统计表（.xlsx）", openapi_extra=_XLSX)
def establishment_statistics(
    request: HttpRequest,
    unit: str = Query("", description="单位编号：统计该单位及其全部下属单位；为空时为本人权限范围内全部单位"),
    as_of: str = Query("", description="基准日（YYYY-MM-DD），默认今天，不能晚于今天"),
) -> HttpResponse:
    """某单位及其下属单位（`unit` 为空时为本人权限范围内全部单位）在基准日 `as_of`（YYYY-MM-DD，默认今天）的
    机构编制统计表：单位汇总、编制明细（核定、实有、已核准未入编、空编、超编）、领导职数（核定、实配），以及按编制
    类型、经费形式、单位类型、系统类别的合计。历史基准日的编制数按编制变动、用编核准和人员编制记录还原。"""
    if not has_perm(request.user, Perm.UNITS_VIEW):
        raise NotFound("无权查看机构编制统计")
    root, as_of_day = services.establishment_inputs(request.user, unit, as_of)
    data, figures = establishment.build_establishment(request.user, root, as_of_day)
    services.establishment_export(actor=request.user, root=root, as_of=as_of_day, units=len(figures.units),
                                  lines=len(figures.lines))
    return xlsx_response(data, establishment.file_name(root, as_of_day))


@router.get("/reports/statistics/party", summary="党建工作统计表（.xlsx）", openapi_extra=_XLSX)
def party_statistics(
    request: HttpRequest,
    branch: str = Query(..., description="党支部编号或代码"),
    year: str = Query(..., description="年度（2000年至今年）"),
) -> HttpResponse:
    """党支部（编号或代码）某年度的党建工作统计表：各类活动按月统计、出席率（按活动类型和按党员）、学时、志愿服务
    时长、谈心谈话覆盖和人次、支部工作登记的问题台账按状态统计。"""
    party_branch = services.party_branch(request.user, branch)
    number = services.check_year(year)
    data, figures = party.build_party(party_branch, number)
    services.party_export(actor=request.user, branch=party_branch, year=number, members=len(figures.members))
    return xlsx_response(data, party.file_name(party_branch, number))
