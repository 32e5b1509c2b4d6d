"""A run's findings as xlsx: only the reader's units, filtered like the page, capped, audited."""

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from bianban.checks.services import check_run_execute, check_run_request
from bianban.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _rows(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content)).active
    return list(sheet.iter_rows(values_only=True))


def test_export_lists_the_readers_findings(district: Any, staff: Any, liaison: Any, client_for: Any) -> None:
    run = check_run_execute(run_id=check_run_request(actor=staff).pk)  # no charters anywhere: 4 findings
    response = client_for(staff).get(f"/checks/{run.pk}/export/")
    assert response.status_code == 200
    rows = _rows(response.content)
    assert rows[0][0].startswith(f"核查 #{run.pk}：全部机构") and rows[1][:3] == ("序号", "规则", "严重程度")
    assert sorted(r[3] for r in rows[2:]) == sorted(
        ["示例区教育局", "示例区第一中学", "示例区卫生健康局", "示例区人民医院"])
    assert {r[1] for r in rows[2:]} == {"无现行三定规定"}
    # The liaison sees the education subtree only.
    rows = _rows(client_for(liaison).get(f"/checks/{run.pk}/export/?rule=no_charter").content)
    assert sorted(r[3] for r in rows[2:]) == ["示例区教育局", "示例区第一中学"]
    assert AuditEvent.objects.filter(action="check_run.export", target_id=str(run.pk)).count() == 2
    # Filtered to a rule with nothing: the header rows only.
    assert len(_rows(client_for(staff).get(f"/checks/{run.pk}/export/?rule=over_quota").content)) == 2


def test_export_over_the_cap_is_refused(district: Any, staff: Any, client_for: Any, settings: Any) -> None:
    run = check_run_execute(run_id=check_run_request(actor=staff).pk)
    settings.BIANBAN = {**settings.BIANBAN, "EXPORT_MAX_ROWS": 3}
    response = client_for(staff).get(f"/checks/{run.pk}/export/", follow=True)
    assert "超过单次导出上限 3 条" in response.content.decode()
    assert not AuditEvent.objects.filter(action="check_run.export").exists()
