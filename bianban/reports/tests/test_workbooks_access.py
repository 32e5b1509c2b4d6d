"""The 统计报表 page, GET /api/v1/reports/statistics/* and `bianban report establishment|party`: who gets which
table, the Chinese file name, the audit record, and bad input refused in Chinese (form errors, 404 / 422, exit 2)
with nothing downloaded or written."""

import io
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from bianban.core.models import AuditEvent
from bianban.party.tests import activities_fixtures
from bianban.party.tests import conftest as party_fixtures
from bianban.staffing import services as staffing
from bianban.units.choices import Funding, QuotaKind

pytestmark = pytest.mark.django_db
branch, make_person, health = party_fixtures.branch, party_fixtures.make_person, activities_fixtures.health  # fixtures
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
API = "/api/v1/reports/statistics"


@pytest.fixture
def register(district: SimpleNamespace) -> SimpleNamespace:
    """One line in the school and one in the hospital, so a table shows whose units it holds."""
    on = timezone.localdate() - timedelta(days=100)
    for unit, n in ((district.school, 5), (district.hospital, 7)):
        staffing.quota_movement_create(actor=None, unit=unit, kind=QuotaKind.INSTITUTION, funding=Funding.FULL,
                                       type="SET", amount=n, document_no="示编〔2024〕1号", effective_on=on)
    return district


def names_in(data: bytes) -> list[str]:
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("单位汇总").to_python()
    return [r[1] for r in rows[4:]]


def years_ago(n: int) -> int:
    return timezone.localdate().year - n


# --- the page ------------------------------------------------------------------------------------------------


def test_the_page_offers_each_reader_the_tables_they_may_see(register: SimpleNamespace, admin: Any, liaison: Any,
                                                             secretary: Any, outsider: Any, client_for: Any) -> None:
    url = reverse("reports:statistics_index")
    page = client_for(admin).get(url).content.decode()
    assert 'data-testid="establishment-form"' in page and 'data-testid="party-card"' in page
    assert "全部单位" in page
    page = client_for(liaison).get(url).content.decode()
    assert "示例区第一中学" in page and "示例区人民医院" not in page and "本人权限范围内全部单位" in page
    assert 'data-testid="party-card"' not in page
    page = client_for(secretary).get(url).content.decode()
    assert 'data-testid="establishment-card"' not in page and 'data-testid="party-card"' in page
    assert 'data-testid="statistics-empty"' in client_for(outsider).get(url).content.decode()


def test_the_page_needs_a_login(client: Any, district: SimpleNamespace) -> None:
    assert client.get(reverse("reports:statistics_index")).status_code == 302


def test_a_download_has_its_chinese_name_and_is_audited(register: SimpleNamespace, admin: Any,
                                                        client_for: Any) -> None:
    day = timezone.localdate() - timedelta(days=10)
    response = client_for(admin).get(reverse("reports:statistics_establishment"),
                                     {"unit": register.edu.pk, "as_of": day.isoformat()})
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    name = quote(f"机构编制统计表-示例区教育局-{day:%Y%m%d}.xlsx")
    assert f"filename*=UTF-8''{name}" in response["Content-Disposition"]
    assert names_in(response.content) == ["示例区教育局", "示例区第一中学"]
    event = AuditEvent.objects.get(action="statistics.establishment_export")
    assert event.actor == admin and event.unit_id == register.edu.pk
    assert event.changes["as_of"] == [None, day.isoformat()] and event.changes["units"] == [None, 2]


@pytest.mark.parametrize(("params", "message"), [
    ({"as_of": "2999-01-01"}, "基准日不能晚于今天"),
    ({"as_of": "2024-13-01"}, "基准日格式应为 YYYY-MM-DD"),
    ({"as_of": "1900-01-01"}, "基准日不能早于1950年"),
])
def test_a_bad_date_is_a_form_error(register: SimpleNamespace, admin: Any, client_for: Any, params: dict[str, str],
                                    message: str) -> None:
    response = client_for(admin).get(reverse("reports:statistics_establishment"), params)
    assert response.status_code == 422 and message in response.content.decode()
    assert not AuditEvent.objects.filter(action="statistics.establishment_export").exists()


def test_a_unit_outside_the_liaisons_scope_is_a_form_error(register: SimpleNamespace, liaison: Any,
                                                           client_for: Any) -> None:
    client = client_for(liaison)
    response = client.get(reverse("reports:statistics_establishment"), {"unit": register.hospital.pk})
    assert response.status_code == 422 and "请选择有权查看的单位" in response.content.decode()
    response = client.get(reverse("reports:statistics_establishment"))
    assert response.status_code == 200 and names_in(response.content) == ["示例区教育局", "示例区第一中学"]


def test_a_party_download_needs_a_branch_the_reader_sees_and_a_sensible_year(
        branch: SimpleNamespace, health: SimpleNamespace, client_for: Any) -> None:
    url = reverse("reports:statistics_party")
    mine = client_for(branch.users.secretary)
    response = mine.get(url, {"branch": branch.branch.pk, "year": years_ago(1)})
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert quote(f"党建工作统计表-示例区教育局机关党支部-{years_ago(1)}.xlsx") in response["Content-Disposition"]
    event = AuditEvent.objects.get(action="statistics.party_export")
    assert event.changes["year"] == [None, years_ago(1)] and event.target_id == str(branch.branch.pk)
    for year, message in ((years_ago(-1), "年度应在2000年至"), ("二〇二三", "年度应为四位数字年份")):
        response = mine.get(url, {"branch": branch.branch.pk, "year": year})
        assert response.status_code == 422 and message in response.content.decode()
    response = client_for(health.secretary_user).get(url, {"branch": branch.branch.pk, "year": years_ago(1)})
    assert response.status_code == 422 and "请选择有权查看的党支部" in response.content.decode()


def test_a_member_gets_no_party_table_it_lists_every_members_record(branch: SimpleNamespace, client_for: Any,
                                                                     api_for: Any) -> None:
    member = branch.users.member
    page = client_for(member).get(reverse("reports:statistics_index")).content.decode()
    assert "党建工作统计表" not in page
    response = client_for(member).get(reverse("reports:statistics_party"), {"branch": branch.branch.pk, "year": 2023})
    assert response.status_code == 404
    assert api_for(member).get(f"{API}/party", {"branch": "edu", "year": 2023}).status_code == 404
    assert not AuditEvent.objects.filter(action="statistics.party_export").exists()


def test_a_reader_without_register_rights_gets_no_establishment_table(register: SimpleNamespace, secretary: Any,
                                                                      client_for: Any) -> None:
    assert client_for(secretary).get(reverse("reports:statistics_establishment")).status_code == 404


# --- the API -------------------------------------------------------------------------------------------------


def test_the_api_gives_the_readers_own_subtree_and_404_outside_it(register: SimpleNamespace, liaison: Any,
                                                                 api_for: Any) -> None:
    api = api_for(liaison)
    response = api.get(f"{API}/establishment", {"unit": register.school.pk})
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert names_in(response.content) == ["示例区第一中学"]
    assert names_in(api.get(f"{API}/establishment").content) == ["示例区教育局", "示例区第一中学"]
    response = api.get(f"{API}/establishment", {"unit": register.hospital.pk})
    assert response.status_code == 404 and response.json()["code"] == "not_found"


@pytest.mark.parametrize(("params", "field", "message"), [
    ({"as_of": "2999-12-31"}, "as_of", "基准日不能晚于今天"),
    ({"as_of": "yesterday"}, "as_of", "基准日格式应为"),
    ({"unit": "abc"}, "unit", "单位应为单位编号"),
])
def test_the_api_refuses_bad_input_with_422(register: SimpleNamespace, admin: Any, api_for: Any,
                                            params: dict[str, str], field: str, message: str) -> None:
    response = api_for(admin).get(f"{API}/establishment", params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error" and message in body["message"] and field in body["details"]


def test_the_api_refuses_an_abolished_unit_as_of_after_its_abolition(register: SimpleNamespace, admin: Any,
                                                                    api_for: Any) -> None:
    from bianban.units.services import unit_abolish

    day = timezone.localdate() - timedelta(days=5)
    unit_abolish(actor=None, unit=register.hospital, on=day, document_no="示编〔2025〕9号")
    response = api_for(admin).get(f"{API}/establishment", {"unit": register.hospital.pk})
    assert response.status_code == 422 and "撤销" in response.json()["message"]
    before = (day - timedelta(days=1)).isoformat()
    response = api_for(admin).get(f"{API}/establishment", {"unit": register.hospital.pk, "as_of": before})
    assert response.status_code == 200 and names_in(response.content) == ["示例区人民医院"]


def test_the_api_party_table_is_scoped_and_checked(branch: SimpleNamespace, health: SimpleNamespace,
                                                   api_for: Any) -> None:
    mine = api_for(branch.users.secretary)
    response = mine.get(f"{API}/party", {"branch": "edu", "year": years_ago(1)})
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert api_for(health.secretary_user).get(f"{API}/party", {"branch": "edu", "year": 2023}).status_code == 404
    assert mine.get(f"{API}/party", {"branch": "9" * 25, "year": 2023}).status_code == 404
    assert mine.get(f"{API}/party", {"branch": "²", "year": 2023}).status_code == 404
    for year in ("1999", "abc", str(years_ago(-1))):
        response = mine.get(f"{API}/party", {"branch": "edu", "year": year})
        assert response.status_code == 422 and "year" in response.json()["details"]


def test_the_api_establishment_table_needs_register_rights(register: SimpleNamespace, secretary: Any,
                                                           api_for: Any) -> None:
    assert api_for(secretary).get(f"{API}/establishment").status_code == 404


# --- the command line ----------------------------------------------------------------------------------------


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def test_the_command_writes_the_whole_register_or_a_subtree(register: SimpleNamespace, tmp_path: Path) -> None:
    out = tmp_path / "统计.xlsx"
    printed = run("establishment", "--out", str(out))
    assert sorted(names_in(out.read_bytes())) == sorted(u.name for u in vars(register).values())
    assert "4 个单位、2 条编制，核定 12 名" in printed
    run("establishment", "--unit", str(register.health.pk), "--as-of",
        (timezone.localdate() - timedelta(days=1)).isoformat(), "--out", str(out))
    assert names_in(out.read_bytes()) == ["示例区卫生健康局", "示例区人民医院"]
    event = AuditEvent.objects.filter(action="statistics.establishment_export").latest("pk")
    assert event.actor is None and event.unit_id == register.health.pk


def test_the_party_command_writes_the_branchs_year(branch: SimpleNamespace, tmp_path: Path) -> None:
    out = tmp_path / "party.xlsx"
    printed = run("party", "--branch", "edu", "--year", str(years_ago(1)), "--out", str(out))
    assert "党员 7 人" in printed
    book = CalamineWorkbook.from_path(str(out))
    assert book.sheet_names == ["活动统计", "出席情况", "党员情况", "谈心谈话", "问题台账"]


@pytest.mark.parametrize(("args", "message"), [
    (["establishment", "--as-of", "2999-01-01"], "基准日不能晚于今天"),
    (["establishment", "--as-of", "31/12/2024"], "基准日格式应为"),
    (["establishment", "--unit", "abc"], "单位应为单位编号"),
    (["establishment", "--unit", "999999"], "单位“999999”不存在"),
    (["party", "--branch", "nosuch", "--year", "2023"], "党支部不存在"),
    (["party", "--branch", "edu", "--year", "1999"], "年度应在2000年至"),
])
def test_bad_arguments_exit_2_with_a_chinese_message_and_no_file(branch: SimpleNamespace, tmp_path: Path,
                                                                 args: list[str], message: str) -> None:
    with pytest.raises(CommandError) as caught:
        run(*args, "--out", str(tmp_path / "x.xlsx"))
    assert caught.value.returncode == 2 and message in str(caught.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("out", ["x.csv", "missing/x.xlsx"])
def test_a_bad_output_path_exits_2_before_any_work(district: SimpleNamespace, tmp_path: Path, out: str) -> None:
    with pytest.raises(CommandError) as caught:
        run("establishment", "--out", str(tmp_path / out))
    assert caught.value.returncode == 2 and list(tmp_path.iterdir()) == []
