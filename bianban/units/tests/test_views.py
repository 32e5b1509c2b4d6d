from datetime import date

import pytest
from django.urls import reverse

from bianban.units import services
from bianban.units.choices import UnitEventKind, UnitKind, UnitStatus
from bianban.units.models import Charter, Division, Unit, UnitEvent

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, **kwargs) -> str:
    return reverse(f"units:{name}", kwargs=kwargs or None)


class TestTree:
    def test_it_shows_the_top_level_units_with_expanders(self, district, staff, client_for):
        response = client_for(staff).get(url("list"))
        assert response.status_code == 200
        html = response.content.decode()
        assert "示例区教育局" in html and "示例区卫生健康局" in html
        assert url("children", pk=district.edu.pk) in html
        # the children come on demand, not with the page
        assert "示例区第一中学" not in html

    def test_children_come_as_an_htmx_fragment(self, district, staff, client_for):
        response = client_for(staff).get(url("children", pk=district.edu.pk), **HTMX)
        assert response.status_code == 200
        html = response.content.decode()
        assert "示例区第一中学" in html
        assert "<html" not in html
        # a leaf has no expander
        assert url("children", pk=district.school.pk) not in html

    def test_abolished_units_leave_the_tree(self, district, staff, client_for):
        services.unit_abolish(actor=None, unit=district.hospital, on=date.today(), document_no="示编〔2024〕1号")
        html = client_for(staff).get(url("children", pk=district.health.pk)).content.decode()
        assert "示例区人民医院" not in html
        assert "没有可查看的机构" in html


class TestSearch:
    def test_a_keyword_shows_a_result_table(self, district, staff, client_for):
        html = client_for(staff).get(url("list"), {"q": "医院"}).content.decode()
        assert 'data-testid="unit-results"' in html
        assert "示例区人民医院" in html
        assert "示例区第一中学" not in html

    def test_an_htmx_search_returns_only_the_results_fragment(self, district, staff, client_for):
        response = client_for(staff).get(url("list"), {"q": "12110105400123456L"}, **HTMX)
        html = response.content.decode()
        assert "<html" not in html
        assert 'data-testid="unit-results"' in html
        assert "示例区第一中学" in html
        assert "HX-Request" in response["Vary"]

    def test_clearing_the_search_brings_back_the_tree_fragment(self, district, staff, client_for):
        html = client_for(staff).get(url("list"), {"q": ""}, **HTMX).content.decode()
        assert 'data-testid="unit-tree"' in html
        assert "<html" not in html

    def test_it_filters_by_kind_and_status(self, district, staff, client_for):
        client = client_for(staff)
        html = client.get(url("list"), {"kind": "institution"}).content.decode()
        assert "示例区第一中学" in html and "示例区人民医院" in html
        assert "示例区教育局</a>" not in html
        services.unit_abolish(actor=None, unit=district.hospital, on=date.today(), document_no="示编〔2024〕1号")
        html = client.get(url("list"), {"status": "abolished"}).content.decode()
        assert "示例区人民医院" in html
        assert "示例区第一中学" not in html

    def test_results_are_paginated(self, district, staff, client_for, settings):
        settings.BIANBAN = {**settings.BIANBAN, "PAGE_SIZE": 2}
        client = client_for(staff)
        first = client.get(url("list"), {"q": "示例区"}).content.decode()
        assert "1 / 2" in first
        assert 'hx-boost="true"' in first
        second = client.get(url("list"), {"q": "示例区", "page": 2}, **HTMX).content.decode()
        assert "2 / 2" in second

    def test_a_history_restore_gets_the_whole_page(self, district, staff, client_for):
        html = client_for(staff).get(url("list"), {"q": "医院"}, HTTP_HX_REQUEST="true",
                                     HTTP_HX_HISTORY_RESTORE_REQUEST="true").content.decode()
        assert "<html" in html


class TestDetail:
    def test_it_shows_the_basic_data_charter_divisions_and_history(self, district, staff, client_for):
        services.division_create(actor=None, unit=district.edu, name="基础教育科")
        services.charter_create(actor=None, unit=district.edu, title="教育局三定规定", document_no="示办发〔2019〕1号",
                                issued_on=date(2019, 1, 1), effective_on=date(2019, 1, 1),
                                quota=[{"kind": "administrative", "funding": "none", "count": 10}],
                                posts=[{"level": "unit", "principal": 1, "deputy": 3}])
        services.charter_create(actor=None, unit=district.edu, title="教育局三定规定（2024）",
                                document_no="示办发〔2024〕2号", issued_on=date(2024, 1, 1),
                                effective_on=date(2024, 1, 1))
        html = client_for(staff).get(url("detail", pk=district.edu.pk)).content.decode()
        assert "11330100000123457T" in html
        assert "基础教育科" in html
        assert "教育局三定规定（2024）" in html and "现行" in html
        assert "历史版本" in html and "示办发〔2019〕1号" in html
        assert "行政编制" in html and "10名" in html and "副职3名" in html
        assert "设立“示例区教育局”" in html
        assert "示例区第一中学" in html  # the child list

    def test_a_code_with_a_confirmed_reason_carries_a_warning_badge(self, district, staff, client_for):
        unit = services.unit_create(actor=None, name="示例区老试点局", kind=UnitKind.ORGAN, uscc="11330100000123457A",
                                    uscc_checksum_reason="早期试点代码")
        html = client_for(staff).get(url("detail", pk=unit.pk)).content.decode()
        assert "校验位不符" in html
        assert "早期试点代码" in html
        assert "校验位不符" not in client_for(staff).get(url("detail", pk=district.edu.pk)).content.decode()

    def test_staff_see_the_change_buttons(self, district, staff, client_for):
        html = client_for(staff).get(url("detail", pk=district.edu.pk)).content.decode()
        for link in (url("edit", pk=district.edu.pk), url("abolish", pk=district.edu.pk),
                     url("division_create", pk=district.edu.pk), url("charter_create", pk=district.edu.pk)):
            assert link in html

    def test_an_abolished_unit_offers_no_changes(self, district, staff, client_for):
        services.unit_abolish(actor=None, unit=district.hospital, on=date.today(), document_no="示编〔2024〕1号")
        client = client_for(staff)
        html = client.get(url("detail", pk=district.hospital.pk)).content.decode()
        assert "已撤销" in html
        assert url("edit", pk=district.hospital.pk) not in html
        response = client.get(url("edit", pk=district.hospital.pk))
        assert response.status_code == 302


class TestCreateForm:
    def test_it_creates_a_unit_under_the_given_parent(self, district, staff, client_for):
        client = client_for(staff)
        page = client.get(url("create") + f"?parent={district.edu.pk}").content.decode()
        assert f'value="{district.edu.pk}" selected' in page
        response = client.post(url("create"), {
            "name": "示例区第二中学", "kind": "institution", "institution_class": "public_1", "rank": "unranked",
            "parent": district.edu.pk, "sort_order": 0, "established_on": "2002-09-01",
        })
        unit = Unit.objects.get(name="示例区第二中学")
        assert response.status_code == 302
        assert response["Location"] == url("detail", pk=unit.pk)
        assert unit.parent == district.edu
        assert unit.path == f"{district.edu.path}{unit.pk}/"

    def test_it_shows_chinese_errors_next_to_the_fields(self, district, staff, client_for):
        response = client_for(staff).post(url("create"), {
            "name": "示例区第一中学", "kind": "organ", "rank": "unranked", "parent": district.edu.pk, "sort_order": 0,
            "uscc": "11330100000123457A", "institution_class": "public_1",
        })
        assert response.status_code == 200
        html = response.content.decode()
        assert "已有名为“示例区第一中学”的机构" in html
        assert "第18位应为“T”" in html
        assert "只有事业单位和参公单位才有事业单位类别" in html
        assert "is-invalid" in html
        assert Unit.objects.count() == 4

    def test_it_asks_for_required_fields_in_chinese(self, district, staff, client_for):
        html = client_for(staff).post(url("create"), {"rank": "unranked", "sort_order": 0}).content.decode()
        assert "这个字段是必填项。" in html

    def test_a_reason_lets_a_failed_checksum_through(self, district, staff, client_for):
        response = client_for(staff).post(url("create"), {
            "name": "示例区老试点局", "kind": "organ", "rank": "unranked", "sort_order": 0,
            "uscc": "11330100000123457A", "uscc_checksum_reason": "早期试点代码，已核实",
        })
        assert response.status_code == 302
        assert Unit.objects.get(name="示例区老试点局").uscc_checksum_reason == "早期试点代码，已核实"


class TestEditForm:
    def test_it_renames_and_records_the_document(self, district, staff, client_for):
        client = client_for(staff)
        page = client.get(url("edit", pk=district.edu.pk)).content.decode()
        assert 'value="示例区教育局"' in page
        # the unit itself and its descendants are not offered as a new parent
        assert f'<option value="{district.school.pk}"' not in page
        data = {"name": "示例区教育和体育局", "short_name": "区教体局", "kind": "organ", "rank": "unranked",
                "uscc": "11330100000123457T", "sort_order": 0, "document_no": "示编〔2024〕5号",
                "occurred_on": "2024-03-01"}
        response = client.post(url("edit", pk=district.edu.pk), data)
        assert response.status_code == 302
        event = UnitEvent.objects.get(unit=district.edu, kind=UnitEventKind.RENAME)
        assert event.document_no == "示编〔2024〕5号"
        assert event.occurred_on == date(2024, 3, 1)

    def test_it_refuses_a_move_under_a_descendant(self, district, staff, client_for):
        branch = services.unit_create(actor=None, name="分校", kind=UnitKind.INSTITUTION, parent=district.school)
        data = {"name": "示例区第一中学", "kind": "institution", "rank": "unranked", "sort_order": 0,
                "parent": branch.pk, "uscc": "12110105400123456L"}
        html = client_for(staff).post(url("edit", pk=district.school.pk), data).content.decode()
        assert "选择一个有效的选项" in html  # descendants are not offered at all
        assert Unit.objects.get(pk=district.school.pk).parent == district.edu


class TestAbolishForm:
    def test_it_abolishes_after_confirmation(self, district, staff, client_for):
        client = client_for(staff)
        page = client.get(url("abolish", pk=district.hospital.pk)).content.decode()
        assert "data-confirm" in page
        response = client.post(url("abolish", pk=district.hospital.pk),
                               {"on": date.today().isoformat(), "document_no": "示编〔2024〕6号"})
        assert response.status_code == 302
        assert Unit.objects.get(pk=district.hospital.pk).status == UnitStatus.ABOLISHED

    def test_it_explains_why_a_unit_with_children_cannot_be_abolished(self, district, staff, client_for):
        response = client_for(staff).post(url("abolish", pk=district.edu.pk),
                                          {"on": date.today().isoformat(), "document_no": "示编〔2024〕6号"})
        assert response.status_code == 200
        assert "该机构下还有存续的下级机构（示例区第一中学）" in response.content.decode()


class TestDivisionPages:
    def test_create_edit_and_abolish_a_division(self, district, staff, client_for):
        client = client_for(staff)
        response = client.post(url("division_create", pk=district.edu.pk),
                               {"name": "基础教育科", "rank": "vice_section", "sort_order": 1})
        assert response.status_code == 302
        division = Division.objects.get(name="基础教育科")
        response = client.post(url("division_edit", pk=division.pk),
                               {"name": "基础教育股", "rank": "vice_section", "sort_order": 1})
        assert response.status_code == 302
        response = client.post(url("division_abolish", pk=division.pk),
                               {"on": date.today().isoformat(), "document_no": "示编〔2024〕7号"})
        assert response.status_code == 302
        division.refresh_from_db()
        assert (division.name, division.status) == ("基础教育股", UnitStatus.ABOLISHED)

    def test_a_duplicate_division_name_is_shown_on_the_field(self, district, staff, client_for):
        services.division_create(actor=None, unit=district.edu, name="办公室")
        html = client_for(staff).post(url("division_create", pk=district.edu.pk),
                                      {"name": "办公室", "rank": "unranked", "sort_order": 0}).content.decode()
        assert "本单位已有名为“办公室”的内设机构" in html

    def test_a_liaison_gets_404_for_division_pages(self, district, liaison, client_for):
        division = services.division_create(actor=None, unit=district.edu, name="办公室")
        client = client_for(liaison)
        assert client.get(url("division_edit", pk=division.pk)).status_code == 404
        assert client.post(url("division_abolish", pk=division.pk),
                           {"on": "2024-01-01", "document_no": "x"}).status_code == 404


def charter_post(**extra):
    data = {
        "title": "示例区教育局职能配置、内设机构和人员编制规定", "document_no": "示办发〔2019〕12号",
        "issued_on": "2019-03-01", "effective_on": "2019-03-01", "functions": "负责全区教育工作。",
        "unit_principal": "1", "unit_deputy": "3",
        "quota-TOTAL_FORMS": "3", "quota-INITIAL_FORMS": "0",
        "quota-0-kind": "administrative", "quota-0-funding": "none", "quota-0-count": "12",
        "divisions-TOTAL_FORMS": "3", "divisions-INITIAL_FORMS": "0",
        "divisions-0-name": "办公室", "divisions-0-principal": "1",
    }
    return {**data, **extra}


class TestCharterPage:
    def test_it_registers_a_charter_with_rows(self, district, staff, client_for):
        response = client_for(staff).post(url("charter_create", pk=district.edu.pk), charter_post())
        assert response.status_code == 302, response.content.decode()
        charter = Charter.objects.get(unit=district.edu)
        assert charter.quota == [{"kind": "administrative", "funding": "none", "count": 12}]
        assert charter.posts == [{"level": "unit", "principal": 1, "deputy": 3}]
        assert charter.divisions == [{"name": "办公室", "principal": 1, "deputy": 0}]

    def test_the_form_is_prefilled_from_the_current_charter(self, district, staff, client_for):
        client = client_for(staff)
        client.post(url("charter_create", pk=district.edu.pk), charter_post())
        html = client.get(url("charter_create", pk=district.edu.pk)).content.decode()
        assert 'value="12"' in html and 'value="办公室"' in html
        assert "现行为第1版" in html

    def test_row_and_service_errors_are_shown_in_chinese(self, district, staff, client_for):
        client = client_for(staff)
        html = client.post(url("charter_create", pk=district.edu.pk),
                           charter_post(**{"quota-1-kind": "institution"})).content.decode()
        assert "本行请填写经费形式、编制数" in html
        html = client.post(url("charter_create", pk=district.edu.pk),
                           charter_post(**{"document_no": "", "quota-0-funding": "full"})).content.decode()
        assert "这个字段是必填项。" in html
        html = client.post(url("charter_create", pk=district.edu.pk),
                           charter_post(**{"quota-0-funding": "full"})).content.decode()
        assert "行政编制不区分经费形式" in html
        assert not Charter.objects.exists()


def test_creating_under_an_abolished_unit_is_turned_away(district, staff, client_for):
    services.unit_abolish(actor=None, unit=district.hospital, on=date.today(), document_no="示编〔2024〕1号")
    response = client_for(staff).get(url("create") + f"?parent={district.hospital.pk}", follow=True)
    assert "已撤销，不能在其下设立机构" in response.content.decode()


def test_the_admin_lists_the_register_read_only(district, client_for, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="Bianban!2026")
    client = client_for(root)
    services.division_create(actor=None, unit=district.edu, name="办公室")
    for model in ("unit", "division", "charter", "unitevent"):
        response = client.get(f"/admin/units/{model}/")
        assert response.status_code == 200, model
    assert client.get("/admin/units/unit/add/").status_code == 403
    page = client.get(f"/admin/units/unit/{district.edu.pk}/change/").content.decode()
    assert "示例区教育局" in page
    assert 'name="_save"' not in page


def test_the_history_tab_pages_through_a_long_history(district, staff, client_for):
    from bianban.units.services import unit_update

    for n in range(35):
        unit_update(actor=None, unit=district.edu, functions=f"职责第{n}版", document_no=f"示编〔2025〕{n}号")
    client = client_for(staff)
    first = client.get(f"/units/{district.edu.pk}/").content.decode()
    assert "共 36 条" in first and "示编〔2025〕34号" in first and "示编〔2025〕0号" not in first
    older = client.get(f"/units/{district.edu.pk}/events/?page=2", headers={"HX-Request": "true"}).content.decode()
    assert "示编〔2025〕0号" in older and "<html" not in older
