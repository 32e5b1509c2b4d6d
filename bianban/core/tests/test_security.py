"""Deployment settings, headers, sessions, CSRF and the shape of what the API accepts (issue 9, hostile input)."""

import io
import os
import re
import subprocess
import sys
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.utils import timezone

from bianban.conftest import PASSWORD
from bianban.core.exceptions import ValidationFailed
from bianban.core.uploads import check_ooxml, original_name, stored_name

TEMPLATES = Path(__file__).resolve().parents[2] / "bianban" / "templates"
PRODUCTION_ENV = {
    "DEBUG": "0", "BIANBAN_HTTPS": "1", "ALLOWED_HOSTS": "bianban.example.gov.cn",
    "SECRET_KEY": "k9XqT2vLmR8wZpB4nYc7FhJs3DaGe6UuQiW1oPxVtKyN5rHbMzSgCfEjAlIdO0", "BIANBAN_TESTING": "",
}


# The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment never has it.
_TEST_ONLY = {"BIANBAN_TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _manage(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in _TEST_ONLY}
    environ.update(env or {})
    return subprocess.run([sys.executable, "-m", "bianban", *args], capture_output=True, text=True, env=environ,
                          timeout=120, check=False)


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_with_the_development_defaults() -> None:
    # The check above can fail: without the production variables the same command reports problems.
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env={"DEBUG": "0"})
    assert result.returncode != 0


def test_production_hashes_passwords_with_argon2() -> None:
    code = ("import django; django.setup(); from django.contrib.auth.hashers import make_password; "
            "print(make_password('Bianban!2026').split('$')[0])")
    environ = {**{k: v for k, v in os.environ.items() if k not in _TEST_ONLY},
               "DJANGO_SETTINGS_MODULE": "bianban.settings"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environ, timeout=60,
                            check=False)
    assert result.stdout.strip() == "argon2", result.stderr


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
def test_the_argon2_hasher_is_installed() -> None:
    assert make_password("Bianban!2026").startswith("argon2$argon2id$")


@pytest.mark.django_db
def test_every_response_carries_the_security_headers(client: Client) -> None:
    response = client.get("/accounts/login/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-eval" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_no_template_has_an_inline_script_or_handler() -> None:
    # script-src 'self' blocks both; what they did lives in static/js/bianban.js.
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
    handler = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
    offenders = [str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html")
                 if inline_script.search(path.read_text()) or handler.search(path.read_text())]
    assert offenders == []


def test_no_htmx_attribute_needs_eval() -> None:
    # htmx evaluates trigger filters (keyup[key=='Enter']), hx-on and js: values with eval, which the CSP blocks.
    needs_eval = re.compile(r"hx-trigger=\"[^\"]*\b[a-z]+\[|hx-on|hx-vals=\"js:|hx-vars=", re.I)
    assert [str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html") if needs_eval.search(p.read_text())] == []


def test_no_user_text_is_rendered_as_markup() -> None:
    # No field accepts rich text: every template escapes, and nothing marks text safe. (Were rich text ever
    # accepted, it would go through an HTML sanitiser such as nh3 first: docs/decisions.md.)
    unsafe = re.compile(r"\|\s*safe\b|autoescape\s+off")
    assert [str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html") if unsafe.search(p.read_text())] == []
    code = Path(__file__).resolve().parents[2] / "bianban"
    marked = [str(p.relative_to(code)) for p in code.rglob("*.py")
              if "tests" not in p.parts and re.search(r"\bmark_safe\(|\bSafeString\(", p.read_text())]
    assert marked == []


def test_every_post_form_has_a_csrf_token() -> None:
    form = re.compile(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", re.I | re.S)
    missing = []
    for path in TEMPLATES.rglob("*.html"):
        for match in form.finditer(path.read_text()):
            if "csrf_token" not in match.group(1):
                missing.append(str(path.relative_to(TEMPLATES)))
    assert missing == []


@pytest.mark.django_db
def test_a_post_without_the_csrf_token_is_refused(staff: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    response = client.post("/accounts/logout/")
    assert response.status_code == 403


@pytest.mark.django_db
def test_a_session_past_its_age_is_logged_out(client: Client, staff: Any, settings: Any) -> None:
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert client.post("/accounts/login/", {"username": staff.username, "password": PASSWORD}).status_code == 302
    assert client.get("/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- uploads -------------------------------------------------------------------------------------------------


def _zip(parts: dict[str, bytes]) -> io.BytesIO:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    data.seek(0)
    return data


def test_an_ordinary_workbook_passes_the_ooxml_check() -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["姓名", "身份证号码"])
    data = io.BytesIO()
    workbook.save(data)
    check_ooxml(data)
    assert data.tell() == 0


def test_a_zip_bomb_is_refused_before_any_parser_sees_it() -> None:
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": b"\0" * (40 * 1024 * 1024)})
    with pytest.raises(ValidationFailed) as refused:
        check_ooxml(bomb)
    assert "压缩炸弹" in refused.value.details["file"][0]


@pytest.mark.parametrize("part", [
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><sst>&lol2;</sst>',
    b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd"><sst/>',
    "<?xml version='1.0' encoding='UTF-16'?><sst/>".encode("utf-16"),
])
def test_a_part_declaring_entities_is_refused(part: bytes) -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_ooxml(_zip({"[Content_Types].xml": b"<Types/>", "xl/sharedStrings.xml": part}))
    assert "DTD" in refused.value.details["file"][0]


@pytest.mark.django_db
def test_the_roster_import_refuses_an_entity_workbook_with_a_message(api_for: Any, staff: Any) -> None:
    from bianban.staffing.roster import reader

    data = _zip({"[Content_Types].xml": b"<Types/>",
                 "xl/workbook.xml": b'<!DOCTYPE x [<!ENTITY a "b">]><workbook/>'})
    data.name = "花名册.xlsx"
    with pytest.raises(ValidationFailed) as refused:
        reader.load(data)
    assert refused.value.details["file"] == ["文件含有XML实体声明（DTD），不是正常的Office文件，已拒绝"]


def test_a_corrupt_or_encrypted_part_is_refused_with_a_message() -> None:
    good = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>" * 200}).getvalue()
    start = good.index(b"xl/workbook.xml") + len("xl/workbook.xml")
    corrupt = bytearray(good)
    corrupt[start:start + 40] = b"\xff" * 40  # the deflated bytes of the part
    encrypted = bytearray(good)
    for header in (good.index(b"PK\x01\x02"), good.index(b"PK\x03\x04")):  # central and local entries
        encrypted[header + (8 if good[header + 2] == 1 else 6)] |= 0x01  # general purpose flag: encrypted
    for data in (bytes(corrupt), bytes(encrypted)):
        with pytest.raises(ValidationFailed) as refused:
            check_ooxml(io.BytesIO(data))
        assert refused.value.details["file"] == ["文件无法读取，不是有效的Office文件"]


def test_stored_names_never_carry_the_users_name() -> None:
    upload = type("Upload", (), {"name": "../../etc/整改\x00报告.PDF"})()
    assert original_name(upload) == "整改报告.PDF"
    name = stored_name(original_name(upload))
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", name)
    assert re.fullmatch(r"[0-9a-f]{32}", stored_name("报告.exe;rm -rf"))
    assert stored_name("a.pdf") != stored_name("a.pdf")


@pytest.mark.django_db
def test_evidence_is_stored_under_a_random_name_no_url_serves(admin: Any, settings: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import Resolver404, resolve

    from bianban.ledger import services
    from bianban.ledger.models import Evidence

    problem = services.problem_create(actor=admin, source="manual", title="证据存放测试", deadline_workdays=5)
    measure = services.measure_create(actor=admin, problem=problem, description="上传材料")
    upload = SimpleUploadedFile("../整改报告.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    services.evidence_add(actor=admin, measure=measure, uploaded_file=upload, note="")
    evidence = Evidence.objects.get()
    assert evidence.original_name == "整改报告.pdf"
    assert re.fullmatch(r"evidence/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", evidence.file.name)
    assert Path(settings.MEDIA_ROOT).resolve() in Path(evidence.file.path).resolve().parents
    with pytest.raises(Resolver404):
        resolve(f"/{settings.MEDIA_URL}{evidence.file.name}")


# --- API input shape --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_body_that_is_not_an_object_is_a_400(api_for: Any, admin: Any) -> None:
    response = api_for(admin).post("/api/v1/problems", "5", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "bad_request"


@pytest.mark.django_db
def test_control_characters_are_dropped_from_what_the_api_reads(api_for: Any, admin: Any) -> None:
    response = api_for(admin).post("/api/v1/problems", {"title": "问题\x04标题\x1b", "deadline_workdays": 5},
                                   content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["title"] == "问题标题"


@pytest.mark.django_db
def test_a_form_refuses_control_characters_with_a_message(client_for: Any, admin: Any) -> None:
    response = client_for(admin).post("/ledger/new/", {"title": "问题\x04", "category": "other"})
    assert "含有不可见的控制字符" in response.content.decode()


@pytest.mark.django_db
def test_an_address_outside_every_operation_is_a_json_404(api_for: Any, admin: Any) -> None:
    for url in ("/api/v1/annual-reports/null,null", "/api/v1/no-such-operation", "/api/v2/units"):
        response = api_for(admin).get(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"


@pytest.mark.django_db
def test_multipart_without_a_boundary_is_a_400(api_for: Any, admin: Any) -> None:
    response = api_for(admin).post("/api/v1/problems/1/measures/1/evidence", b"x",
                                   content_type="multipart/form-data")
    assert response.status_code == 400 and response.json()["code"] == "bad_request"


@pytest.mark.django_db
def test_an_absurd_deadline_is_refused_before_counting_working_days(api_for: Any, admin: Any) -> None:
    response = api_for(admin).post("/api/v1/problems", {"title": "时限测试", "deadline_workdays": 1_424_632},
                                   content_type="application/json")
    assert response.status_code == 422
    assert response.json()["details"]["deadline_workdays"] == ["整改时限不能超过1000个工作日（约四年）"]


def test_every_operation_documents_its_error_responses() -> None:
    from bianban.api import api

    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = {str(code) for code in operation["responses"]}
            assert {"401", "403", "404", "422"} <= codes, (method, path)
    assert schema["components"]["schemas"]["ErrorOut"]["required"] == ["code", "message"]


@pytest.mark.django_db
def test_a_csrf_failure_is_explained_in_chinese_on_pages_and_as_json_in_the_api(staff: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    page = client.post("/ledger/new/", {"title": "x"})
    assert page.status_code == 403 and "页面已过期" in page.content.decode()
    api = client.post("/api/v1/problems", {"title": "测试"}, content_type="application/json")
    assert api.status_code == 403 and api.json()["code"] == "csrf_failed"


@pytest.mark.django_db
def test_the_admin_cannot_change_users_or_groups_behind_the_services(staff: Any) -> None:
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", "root@example.gov.cn", PASSWORD)
    client = Client()
    client.force_login(root)
    change = f"/admin/auth/user/{staff.pk}/change/"
    assert client.get(change).status_code == 200  # shown, read-only
    response = client.post(change, {"username": "renamed", "is_superuser": "on"})
    assert response.status_code == 403
    staff.refresh_from_db()
    assert staff.username != "renamed" and not staff.is_superuser
    assert client.post(f"/admin/auth/user/{staff.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/auth/user/add/").status_code == 403
    assert client.get("/admin/auth/group/").status_code == 404
