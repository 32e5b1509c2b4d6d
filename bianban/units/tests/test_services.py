from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from bianban.core.exceptions import PermissionDenied, ValidationFailed
from bianban.core.models import AuditEvent
from bianban.units import services
from bianban.units.choices import Funding, InstitutionClass, QuotaKind, UnitEventKind, UnitKind, UnitRank, UnitStatus
from bianban.units.models import Charter, Division, Unit, UnitEvent
from bianban.units.validation import check_uscc

pytestmark = pytest.mark.django_db

VALID_ORGAN_USCC = "11330100000123457T"
VALID_INSTITUTION_USCC = "12110105400123456L"
FAILING_PILOT_USCC = "91350100M0001TGQXM"


def organ(name: str, parent: Unit | None = None, **kwargs) -> Unit:
    return services.unit_create(actor=None, name=name, kind=UnitKind.ORGAN, parent=parent, **kwargs)


def counts() -> tuple[int, int, int]:
    return Unit.objects.count(), UnitEvent.objects.count(), AuditEvent.objects.count()


class TestUnitCreate:
    def test_it_sets_the_materialised_path_and_depth(self, district):
        assert district.edu.path == f"/{district.edu.pk}/"
        assert district.edu.depth == 0
        assert district.school.path == f"/{district.edu.pk}/{district.school.pk}/"
        assert district.school.depth == 1
        grandchild = services.unit_create(actor=None, name="示例区第一中学分校", kind=UnitKind.INSTITUTION,
                                          parent=district.school)
        grandchild.refresh_from_db()
        assert grandchild.path == f"{district.school.path}{grandchild.pk}/"
        assert grandchild.depth == 2

    def test_it_records_the_establishment_in_the_history_and_the_audit_trail(self, admin):
        unit = services.unit_create(actor=admin, name="示例区司法局", kind=UnitKind.ORGAN,
                                    established_on=date(2019, 3, 1), document_no="示编〔2019〕3号")
        event = UnitEvent.objects.get(unit=unit)
        assert event.kind == UnitEventKind.ESTABLISH
        assert event.occurred_on == date(2019, 3, 1)
        assert event.document_no == "示编〔2019〕3号"
        assert event.actor == admin
        audit = AuditEvent.objects.get(action="unit.create", target_id=str(unit.pk))
        assert audit.actor == admin
        assert audit.unit_id == unit.pk
        assert audit.changes["name"] == [None, "示例区司法局"]

    def test_the_establishment_date_defaults_to_today(self, db):
        unit = organ("示例区统计局")
        assert UnitEvent.objects.get(unit=unit).occurred_on == date.today()

    def test_it_rejects_a_missing_name_and_writes_nothing(self, district):
        before = counts()
        with pytest.raises(ValidationFailed) as exc:
            organ("   ")
        assert exc.value.details["name"] == ["请填写机构全称"]
        assert counts() == before

    def test_it_rejects_a_duplicate_name_under_the_same_parent(self, district):
        before = counts()
        with pytest.raises(ValidationFailed) as exc:
            services.unit_create(actor=None, name="示例区第一中学", kind=UnitKind.INSTITUTION, parent=district.edu)
        assert "已有名为“示例区第一中学”的机构" in exc.value.details["name"][0]
        assert counts() == before

    def test_it_rejects_a_duplicate_top_level_name(self, district):
        with pytest.raises(ValidationFailed) as exc:
            organ("示例区教育局")
        assert "顶层" in exc.value.details["name"][0]

    def test_the_same_name_is_allowed_under_different_parents(self, district):
        a = organ("办公室", parent=district.edu)
        b = organ("办公室", parent=district.health)
        assert a.pk != b.pk

    def test_the_database_refuses_a_duplicate_name_even_past_the_service(self, district):
        with pytest.raises(IntegrityError), transaction.atomic():
            Unit.objects.create(name="示例区第一中学", kind=UnitKind.INSTITUTION, parent=district.edu)

    def test_it_refuses_a_parent_that_is_abolished(self, district):
        services.unit_abolish(actor=None, unit=district.hospital, on=date.today(), document_no="示编〔2024〕1号")
        with pytest.raises(ValidationFailed) as exc:
            services.unit_create(actor=None, name="分院", kind=UnitKind.INSTITUTION, parent=district.hospital)
        assert "已撤销" in exc.value.details["parent"][0]

    def test_it_refuses_an_institution_class_for_an_organ(self, db):
        with pytest.raises(ValidationFailed) as exc:
            organ("示例区审计局", institution_class=InstitutionClass.PUBLIC_1)
        assert "只有事业单位和参公单位" in exc.value.details["institution_class"][0]

    def test_it_refuses_unknown_choices(self, db):
        with pytest.raises(ValidationFailed) as exc:
            services.unit_create(actor=None, name="某单位", kind="company", rank="colonel")
        assert set(exc.value.details) >= {"kind", "rank"}

    def test_an_actor_without_a_district_grant_cannot_create_a_top_level_unit(self, district, liaison):
        with pytest.raises(PermissionDenied):
            services.unit_create(actor=liaison, name="示例区新局", kind=UnitKind.ORGAN)
        assert not Unit.objects.filter(name="示例区新局").exists()


class TestUscc:
    def test_a_valid_code_of_an_organ_is_accepted(self, db):
        unit = organ("示例区档案局", uscc=VALID_ORGAN_USCC)
        assert unit.uscc == VALID_ORGAN_USCC
        assert unit.uscc_checksum_reason == ""

    def test_a_valid_code_of_an_institution_is_accepted(self, db):
        unit = services.unit_create(actor=None, name="示例区档案馆", kind=UnitKind.INSTITUTION,
                                    uscc=VALID_INSTITUTION_USCC)
        assert unit.uscc == VALID_INSTITUTION_USCC

    def test_the_code_is_normalised(self, db):
        unit = organ("示例区档案局", uscc=" 11330100000123457t ")
        assert unit.uscc == VALID_ORGAN_USCC

    def test_the_national_sample_code_passes_its_checksum_but_not_as_an_organ(self, db):
        # 91350100M000100Y43 is a valid code of an enterprise (9 = 工商), so an organ may not carry it.
        with pytest.raises(ValidationFailed) as exc:
            organ("示例区某局", uscc="91350100M000100Y43")
        messages = exc.value.details["uscc"]
        assert len(messages) == 1
        assert "应以“11”开头" in messages[0]

    def test_a_failed_checksum_needs_a_reason(self, db):
        with pytest.raises(ValidationFailed) as exc:
            services.unit_create(actor=None, name="试点单位", kind=UnitKind.MASS_ORG, uscc=FAILING_PILOT_USCC)
        message = exc.value.details["uscc"][0]
        assert "第18位应为“1”" in message
        assert "说明" in message
        assert not Unit.objects.filter(name="试点单位").exists()

    def test_a_failed_checksum_with_a_reason_is_accepted_when_the_prefix_fits(self, db):
        code = "11330100000123457A"  # a 机关 code whose check character is wrong
        unit = organ("示例区老试点局", uscc=code, uscc_checksum_reason="早期试点代码，经登记机关确认")
        assert unit.uscc == code
        assert unit.uscc_checksum_reason == "早期试点代码，经登记机关确认"

    def test_the_pilot_code_with_a_reason_only_fails_on_the_kind(self, db):
        with pytest.raises(ValidationFailed) as exc:
            services.unit_create(actor=None, name="试点单位", kind=UnitKind.INSTITUTION, uscc=FAILING_PILOT_USCC,
                                 uscc_checksum_reason="福建早期试点代码")
        assert exc.value.details["uscc"] == [
            "事业单位的统一社会信用代码应以“12”开头（机构编制部门登记），当前为“91”，请核对代码或单位类型"
        ]

    def test_a_reason_is_dropped_when_the_checksum_passes(self, db):
        unit = organ("示例区档案局", uscc=VALID_ORGAN_USCC, uscc_checksum_reason="多余的说明")
        assert unit.uscc_checksum_reason == ""

    def test_an_organ_with_an_institution_code_is_refused(self, db):
        with pytest.raises(ValidationFailed) as exc:
            organ("示例区某局", uscc=VALID_INSTITUTION_USCC)
        assert "机关的统一社会信用代码应以“11”开头" in exc.value.details["uscc"][0]

    @pytest.mark.parametrize("code", ["1133010000012345", "11330100000123457I", "11ABCDEF000123457T"])
    def test_malformed_codes_are_hard_errors_even_with_a_reason(self, db, code):
        with pytest.raises(ValidationFailed) as exc:
            organ("示例区某局", uscc=code, uscc_checksum_reason="理由")
        assert exc.value.details["uscc"]

    def test_a_code_may_belong_to_one_unit_only(self, district):
        with pytest.raises(ValidationFailed) as exc:
            organ("示例区另一局", uscc=VALID_ORGAN_USCC)
        assert "已被“示例区教育局”使用" in exc.value.details["uscc"][0]

    @settings(max_examples=50, deadline=None)
    @given(body=st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=9, max_size=9),
           region=st.text(alphabet="0123456789", min_size=6, max_size=6),
           kind=st.sampled_from([UnitKind.ORGAN, UnitKind.INSTITUTION]))
    def test_any_well_formed_code_with_the_right_check_character_and_prefix_passes(self, body, region, kind):
        from stdnum.cn import uscc

        first17 = ("11" if kind == UnitKind.ORGAN else "12") + region + body
        unit = Unit(name="x", kind=kind, uscc=first17 + uscc.calc_check_digit(first17))
        errors: dict = {}
        check_uscc(errors, unit)
        assert errors == {}
        wrong = next(c for c in "0123456789" if c != unit.uscc[-1])
        unit = Unit(name="x", kind=kind, uscc=first17 + wrong)
        check_uscc(errors, unit)
        assert list(errors) == ["uscc"]


class TestUnitUpdate:
    def test_renaming_writes_a_rename_event(self, district, staff):
        unit = services.unit_update(actor=staff, unit=district.edu, name="示例区教育和体育局",
                                    document_no="示编〔2024〕8号", occurred_on=date(2024, 5, 1))
        assert unit.name == "示例区教育和体育局"
        event = UnitEvent.objects.filter(unit=unit).exclude(kind=UnitEventKind.ESTABLISH).get()
        assert event.kind == UnitEventKind.RENAME
        assert event.summary == "由“示例区教育局”更名为“示例区教育和体育局”"
        assert event.occurred_on == date(2024, 5, 1)
        assert event.document_no == "示编〔2024〕8号"
        unit.refresh_from_db()
        assert unit.document_no == "示编〔2024〕8号"
        audit = AuditEvent.objects.filter(action="unit.update").get()
        assert audit.changes["name"] == ["示例区教育局", "示例区教育和体育局"]

    def test_other_changes_write_one_change_event_listing_them(self, district):
        services.unit_update(actor=None, unit=district.edu, rank=UnitRank.SECTION, functions="负责全区教育工作")
        event = UnitEvent.objects.filter(unit=district.edu).first()
        assert event.kind == UnitEventKind.CHANGE
        assert "机构规格" in event.summary and "主要职责" in event.summary
        assert event.changes["rank"] == [UnitRank.UNRANKED, UnitRank.SECTION]

    def test_no_change_writes_nothing(self, district):
        before = counts()
        services.unit_update(actor=None, unit=district.edu, name="示例区教育局", uscc=VALID_ORGAN_USCC.lower())
        assert counts() == before

    def test_it_refuses_unknown_fields(self, district):
        with pytest.raises(ValidationFailed) as exc:
            services.unit_update(actor=None, unit=district.edu, status=UnitStatus.ABOLISHED)
        assert "status" in exc.value.details

    def test_it_refuses_a_rename_onto_a_sibling(self, district):
        organ("示例区体育局")
        before = counts()
        with pytest.raises(ValidationFailed) as exc:
            services.unit_update(actor=None, unit=district.edu, name="示例区体育局")
        assert exc.value.details["name"]
        assert counts() == before

    def test_changing_the_kind_rechecks_the_credit_code(self, district):
        with pytest.raises(ValidationFailed) as exc:
            services.unit_update(actor=None, unit=district.edu, kind=UnitKind.INSTITUTION)
        assert "应以“12”开头" in exc.value.details["uscc"][0]

    def test_an_abolished_unit_cannot_be_changed(self, district):
        services.unit_abolish(actor=None, unit=district.hospital, on=date.today(), document_no="示编〔2024〕1号")
        with pytest.raises(ValidationFailed):
            services.unit_update(actor=None, unit=district.hospital, name="新名称")


class TestUnitMove:
    def test_moving_rewrites_the_paths_of_the_whole_subtree(self, district, admin):
        branch = services.unit_create(actor=None, name="示例区第一中学分校", kind=UnitKind.INSTITUTION,
                                      parent=district.school)
        services.unit_update(actor=admin, unit=district.school, parent=district.health, document_no="示编〔2024〕2号")
        school = Unit.objects.get(pk=district.school.pk)
        branch.refresh_from_db()
        assert school.parent_id == district.health.pk
        assert school.path == f"/{district.health.pk}/{school.pk}/"
        assert branch.path == f"/{district.health.pk}/{school.pk}/{branch.pk}/"
        assert (school.depth, branch.depth) == (1, 2)
        event = UnitEvent.objects.filter(unit=school).first()
        assert event.kind == UnitEventKind.MOVE
        assert event.summary == "隶属关系由“示例区教育局”调整为“示例区卫生健康局”"

    def test_moving_to_the_top_level_shortens_the_paths(self, district):
        branch = services.unit_create(actor=None, name="分校", kind=UnitKind.INSTITUTION, parent=district.school)
        services.unit_update(actor=None, unit=district.school, parent=None)
        branch.refresh_from_db()
        assert branch.path == f"/{district.school.pk}/{branch.pk}/"
        assert branch.depth == 1

    def test_moving_a_top_level_unit_down_deepens_its_subtree(self, district):
        services.unit_update(actor=None, unit=district.edu, parent=district.health)
        school = Unit.objects.get(pk=district.school.pk)
        assert school.path == f"/{district.health.pk}/{district.edu.pk}/{school.pk}/"
        assert school.depth == 2
        # the siblings' paths are untouched
        assert Unit.objects.get(pk=district.hospital.pk).path == f"/{district.health.pk}/{district.hospital.pk}/"

    def test_it_refuses_moving_a_unit_under_itself(self, district):
        with pytest.raises(ValidationFailed) as exc:
            services.unit_update(actor=None, unit=district.edu, parent=district.edu)
        assert exc.value.details["parent"] == ["不能将机构调整到其自身或其下级机构之下"]

    def test_it_refuses_moving_a_unit_under_its_descendant(self, district):
        before = counts()
        with pytest.raises(ValidationFailed) as exc:
            services.unit_update(actor=None, unit=district.edu, parent=district.school)
        assert exc.value.details["parent"] == ["不能将机构调整到其自身或其下级机构之下"]
        assert counts() == before
        assert Unit.objects.get(pk=district.school.pk).path == district.school.path

    def test_a_unit_with_the_same_name_cannot_be_moved_next_to_its_namesake(self, district):
        services.unit_create(actor=None, name="示例区人民医院", kind=UnitKind.INSTITUTION, parent=district.edu)
        with pytest.raises(ValidationFailed) as exc:
            services.unit_update(actor=None, unit=district.hospital, parent=district.edu)
        assert exc.value.details["name"]

    def test_an_actor_cannot_move_a_unit_outside_their_scope(self, district):
        from bianban.accounts import services as account_services
        from bianban.accounts.choices import Role

        keeper = account_services.user_create_with_grants(
            actor=None, username="keeper", password="Bianban!2026", grants=[(Role.OFFICE_STAFF, district.edu)])
        with pytest.raises(PermissionDenied):
            services.unit_update(actor=keeper, unit=district.school, parent=district.health)
        assert Unit.objects.get(pk=district.school.pk).parent_id == district.edu.pk


class TestUnitAbolish:
    def test_it_abolishes_a_unit_and_records_it(self, district, admin):
        unit = services.unit_abolish(actor=admin, unit=district.hospital, on=date(2024, 6, 30),
                                     document_no="示编〔2024〕9号", reason="整合组建")
        assert unit.status == UnitStatus.ABOLISHED
        assert unit.abolished_on == date(2024, 6, 30)
        event = UnitEvent.objects.filter(unit=unit).exclude(kind=UnitEventKind.ESTABLISH).get()
        assert event.kind == UnitEventKind.ABOLISH
        assert event.document_no == "示编〔2024〕9号"
        assert AuditEvent.objects.get(action="unit.abolish").reason == "整合组建"

    def test_it_refuses_a_unit_with_active_children(self, district):
        with pytest.raises(ValidationFailed) as exc:
            services.unit_abolish(actor=None, unit=district.edu, on=date.today(), document_no="示编〔2024〕9号")
        assert "示例区第一中学" in exc.value.details["__all__"][0]
        assert Unit.objects.get(pk=district.edu.pk).status == UnitStatus.ACTIVE

    def test_it_refuses_a_unit_with_active_divisions(self, district):
        services.division_create(actor=None, unit=district.hospital, name="内科")
        with pytest.raises(ValidationFailed) as exc:
            services.unit_abolish(actor=None, unit=district.hospital, on=date.today(), document_no="示编〔2024〕9号")
        assert "内科" in exc.value.details["__all__"][0]

    def test_it_needs_a_document_and_a_sane_date(self, district):
        district_school = district.school
        services.unit_update(actor=None, unit=district_school, established_on=date(2000, 9, 1))
        with pytest.raises(ValidationFailed) as exc:
            services.unit_abolish(actor=None, unit=district_school, on=date(1999, 1, 1), document_no=" ")
        assert set(exc.value.details) == {"on", "document_no"}
        with pytest.raises(ValidationFailed) as exc:
            services.unit_abolish(actor=None, unit=district_school, on=date.today() + timedelta(days=1),
                                  document_no="示编〔2024〕9号")
        assert "晚于今天" in exc.value.details["on"][0]

    def test_it_refuses_abolishing_twice(self, district):
        services.unit_abolish(actor=None, unit=district.hospital, on=date.today(), document_no="示编〔2024〕9号")
        with pytest.raises(ValidationFailed):
            services.unit_abolish(actor=None, unit=district.hospital, on=date.today(), document_no="示编〔2024〕9号")


class TestDivisions:
    def test_create_update_and_abolish_each_write_history(self, district, staff):
        division = services.division_create(actor=staff, unit=district.edu, name="基础教育科",
                                            rank=UnitRank.VICE_SECTION, document_no="示编〔2020〕5号",
                                            established_on=date(2020, 1, 1))
        services.division_update(actor=staff, division=division, name="基础教育股", document_no="示编〔2022〕1号")
        services.division_abolish(actor=staff, division=division, on=date(2023, 1, 1), document_no="示编〔2023〕2号")
        kinds = list(UnitEvent.objects.filter(unit=district.edu).order_by("id").values_list("kind", flat=True))
        assert kinds[-3:] == [UnitEventKind.DIVISION_ADD, UnitEventKind.DIVISION_CHANGE, UnitEventKind.DIVISION_ABOLISH]
        division.refresh_from_db()
        assert (division.name, division.status, division.document_no) == (
            "基础教育股", UnitStatus.ABOLISHED, "示编〔2023〕2号")
        actions = set(AuditEvent.objects.filter(unit_id=district.edu.pk).values_list("action", flat=True))
        assert {"division.create", "division.update", "division.abolish"} <= actions

    def test_active_division_names_are_unique_in_a_unit(self, district):
        services.division_create(actor=None, unit=district.edu, name="办公室")
        with pytest.raises(ValidationFailed) as exc:
            services.division_create(actor=None, unit=district.edu, name="办公室")
        assert exc.value.details["name"] == ["本单位已有名为“办公室”的内设机构"]
        assert services.division_create(actor=None, unit=district.health, name="办公室")

    def test_an_abolished_divisions_name_can_be_used_again(self, district):
        old = services.division_create(actor=None, unit=district.edu, name="办公室")
        services.division_abolish(actor=None, division=old, on=date.today(), document_no="示编〔2024〕3号")
        assert services.division_create(actor=None, unit=district.edu, name="办公室").pk != old.pk

    def test_an_abolished_unit_gets_no_new_divisions(self, district):
        services.unit_abolish(actor=None, unit=district.hospital, on=date.today(), document_no="示编〔2024〕3号")
        with pytest.raises(ValidationFailed):
            services.division_create(actor=None, unit=district.hospital, name="内科")
        assert not Division.objects.exists()

    def test_abolishing_a_division_needs_a_document(self, district):
        division = services.division_create(actor=None, unit=district.edu, name="办公室")
        with pytest.raises(ValidationFailed) as exc:
            services.division_abolish(actor=None, division=division, on=date.today(), document_no="")
        assert "document_no" in exc.value.details


def charter_kwargs(**overrides):
    values = {
        "title": "示例区教育局职能配置、内设机构和人员编制规定", "document_no": "示办发〔2019〕12号",
        "issued_on": date(2019, 3, 1), "effective_on": date(2019, 3, 1), "functions": "负责全区教育工作。",
        "divisions": [{"name": "办公室", "principal": 1, "deputy": 1}],
        "quota": [{"kind": QuotaKind.ADMINISTRATIVE, "funding": Funding.NONE, "count": 12},
                  {"kind": QuotaKind.SERVICE_WORKER, "funding": Funding.NONE, "count": 2}],
        "posts": [{"level": "unit", "principal": 1, "deputy": 3}, {"level": "division", "principal": 4, "deputy": 2}],
    }
    return {**values, **overrides}


class TestCharters:
    def test_a_new_charter_supersedes_the_current_one(self, district, staff):
        first = services.charter_create(actor=staff, unit=district.edu, **charter_kwargs())
        second = services.charter_create(actor=staff, unit=district.edu,
                                         **charter_kwargs(document_no="示办发〔2024〕3号", issued_on=date(2024, 1, 5),
                                                          effective_on=date(2024, 2, 1)))
        first.refresh_from_db()
        assert (first.version, first.is_current) == (1, False)
        assert (second.version, second.is_current) == (2, True)
        assert second.quota[0] == {"kind": "administrative", "funding": "none", "count": 12}
        events = UnitEvent.objects.filter(unit=district.edu, kind=UnitEventKind.CHARTER)
        assert events.count() == 2
        assert "第2版，替代第1版" in events.first().summary
        assert AuditEvent.objects.filter(action="charter.create").count() == 2

    def test_it_needs_a_document_number(self, district):
        with pytest.raises(ValidationFailed) as exc:
            services.charter_create(actor=None, unit=district.edu, **charter_kwargs(document_no=""))
        assert exc.value.details["document_no"] == ["请填写三定规定的文号"]
        assert not Charter.objects.exists()

    def test_it_refuses_an_effective_date_before_the_issue_date(self, district):
        with pytest.raises(ValidationFailed) as exc:
            services.charter_create(actor=None, unit=district.edu,
                                    **charter_kwargs(effective_on=date(2019, 2, 1)))
        assert "effective_on" in exc.value.details

    @pytest.mark.parametrize(("field", "rows", "fragment"), [
        ("quota", [{"kind": "bogus", "funding": "none", "count": 1}], "编制类型"),
        ("quota", [{"kind": "administrative", "funding": "none", "count": -1}], "不小于0"),
        ("quota", [{"kind": "administrative", "funding": "none", "count": True}], "不小于0"),
        ("quota", [{"kind": "institution", "funding": "none", "count": 3}], "须注明经费形式"),
        ("quota", [{"kind": "administrative", "funding": "full", "count": 3}], "不区分经费形式"),
        ("quota", [{"kind": "administrative", "funding": "none", "count": 1}] * 2, "重复"),
        ("posts", [{"level": "bureau", "principal": 1, "deputy": 1}], "层级"),
        ("posts", [{"level": "unit", "principal": "x", "deputy": 1}], "整数"),
        ("divisions", [{"name": "", "principal": 1, "deputy": 0}], "名称"),
        ("divisions", [{"name": "办公室", "principal": 1, "deputy": -2}], "整数"),
        ("divisions", "办公室", "列表"),
    ])
    def test_it_validates_each_row(self, district, field, rows, fragment):
        with pytest.raises(ValidationFailed) as exc:
            services.charter_create(actor=None, unit=district.edu, **charter_kwargs(**{field: rows}))
        assert fragment in exc.value.details[field][0]
        assert not Charter.objects.exists()
        assert not UnitEvent.objects.filter(kind=UnitEventKind.CHARTER).exists()

    def test_the_database_keeps_one_current_charter(self, district):
        services.charter_create(actor=None, unit=district.edu, **charter_kwargs())
        with pytest.raises(IntegrityError), transaction.atomic():
            Charter.objects.create(unit=district.edu, version=9, title="x", document_no="y",
                                   issued_on=date(2020, 1, 1), effective_on=date(2020, 1, 1))


def test_an_overlong_document_number_is_refused_before_anything_is_written(district):
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        services.unit_update(actor=None, unit=district.edu, short_name="教育局", document_no="文" * 101)
    assert exc.value.details["document_no"] == ["文号不能超过100字"]
    division = services.division_create(actor=None, unit=district.edu, name="办公室")
    with pytest.raises(ValidationFailed):
        services.division_abolish(actor=None, division=division, on=date.today(), document_no="文" * 101)
    assert counts()[0] == before[0]
