"""The year's volunteer service record (志愿服务台账) as an xlsx workbook: the activities with their participants
and hours, then the totals by 服务领域 and by member."""

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bianban.duties.volunteer.selectors import VolunteerStats
from bianban.party.models import Activity

ACTIVITY_COLUMNS = ["序号", "日期", "服务领域", "活动主题", "地点", "参加人数", "服务时长（小时）", "参加党员", "状态"]
ACTIVITY_WIDTHS = [6, 12, 14, 36, 24, 10, 14, 48, 8]


def _sheet(ws: Worksheet, title: str, columns: list[str], widths: list[int]) -> None:
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    ws.append(columns)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width


def _names(activity: Activity) -> str:
    return "、".join(f"{a.member.person.name}（{a.service_hours}）" if a.service_hours is not None
                    else a.member.person.name for a in activity.present)


def volunteer_workbook(stats: VolunteerStats, activities: Iterable[Activity]) -> bytes:
    """`activities` come from selectors.volunteer_activities_for_user (annotated, participants prefetched)."""
    name = f"{stats.branch.name}{stats.year}年度"
    wb = Workbook()
    ws = wb.active
    ws.title = "志愿服务活动"
    _sheet(ws, f"{name}志愿服务活动台账", ACTIVITY_COLUMNS, ACTIVITY_WIDTHS)
    for index, a in enumerate(activities, 1):
        ws.append([index, a.held_on, a.get_service_field_display() if a.service_field else "", a.topic, a.place,
                   a.participants, float(a.hours), _names(a), a.get_status_display()])
        ws.cell(row=ws.max_row, column=2).number_format = "yyyy-mm-dd"
        ws.cell(row=ws.max_row, column=8).alignment = Alignment(wrap_text=True, vertical="top")
    ws.append(["合计", "", "", f"已开展{stats.activities}次", "", stats.participations, float(stats.hours),
               f"{stats.members}名党员参加", ""])
    by_field = wb.create_sheet("按服务领域")
    _sheet(by_field, f"{name}志愿服务按领域统计", ["服务领域", "活动（次）", "参加（人次）", "服务时长（小时）"],
           [16, 12, 14, 16])
    for row in stats.by_field:
        by_field.append([row.label, row.activities, row.participations, float(row.hours)])
    by_member = wb.create_sheet("按党员")
    _sheet(by_member, f"{name}党员志愿服务时长", ["排名", "姓名", "党小组", "参加（次）", "服务时长（小时）"],
           [8, 12, 14, 12, 16])
    for rank, row in enumerate(stats.by_member, 1):
        member = row.member
        by_member.append([rank, member.person.name, member.group.name if member.group else "", row.participations,
                          float(row.hours)])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
