"""Roster workbooks for tests: rows given as {header: value}, defaults filling the rest."""

import itertools
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from stdnum.cn import ric

from bianban.staffing.roster.columns import HEADERS, SHEET

_seq = itertools.count(1)


def id_number(birth: date = date(1985, 5, 6), sex: str = "M") -> str:
    """A valid 18-digit ID number, never the same twice in a test run (the counter is in the region digits)."""
    n = next(_seq)
    body = f"33{n % 10000:04d}{birth:%Y%m%d}{(n % 500) * 2 + (1 if sex == 'M' else 0):03d}"
    return body + ric.calc_check_digit(body + "0")


def row(unit: Any = "示例区第一中学", **values: Any) -> dict[str, Any]:
    """One roster row: a 在编 teacher on the school's 事业编制·全额拨款 line unless told otherwise."""
    birth = values.pop("birth", date(1985, 5, 6))
    sex = values.pop("sex", "M")
    data = {
        "所在单位": getattr(unit, "name", unit), "姓名": "张三", "身份证号": id_number(birth, sex),
        "性别": "男" if sex == "M" else "女", "出生日期": birth, "民族": "汉族", "政治面貌": "中共党员",
        "学历": "大学本科", "参加工作时间": date(2008, 7, 1), "人员状态": "在编", "编制类型": "事业编制",
        "经费形式": "全额拨款", "内设机构": "", "职务": "教师", "入编时间": date(2024, 9, 1),
        "入编文号": "示人〔2024〕9号", "用编核准通知单号": "", "备注": "",
    }
    if "身份证号" in values:  # birth date and sex come from the given number unless also given
        data["出生日期"] = data["性别"] = ""
    data.update(values)
    return data


def workbook(path: Path, rows: list[dict[str, Any]], headers: list[str] | None = None,
             sheet: str = SHEET) -> Path:
    """Write the rows under the template's headers (ID numbers as text cells, as the template formats them)."""
    headers = headers or HEADERS
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(headers)
    for values in rows:
        ws.append([values.get(header, "") for header in headers])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.number_format = "@"
    wb.save(path)
    return path
