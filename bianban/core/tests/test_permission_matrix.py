"""The permission matrix: every page of the URL conf and every operation of the OpenAPI schema, walked by every
persona (one per role, unit-bound grants in and out of their scope, a login without grants, nobody) over one small
demo district with an object of every kind on both sides of the unit liaison's scope (matrix_data.py).

For each page and each API read it asserts the status the rules of matrix_routes.py give, and that the answer holds
nothing the persona may not read: no full ID number outside their 查看完整身份证号码 scope; unless they keep the
branch's records, no family circumstances of visited households, no one else's 民主评议 self-evaluation and nothing
said in a talk of their own branch they took no part in. What they may read must show up somewhere in the walk, so
these checks cannot pass on missing data. API lists hold none of the matrix's objects outside the persona's scope.
Every file download of personal data wrote an audit event naming the persona; no other GET writes one. Every API
write the rules refuse a persona is sent by them, refused with the rules' status, and leaves the database as it was.
Tallies, the only trace of the secret ballot, are refused to everyone while voting runs and to all but the branch's
record keepers after it.

New routes fail `test_every_page_is_in_the_matrix` / `test_every_api_operation_is_in_the_matrix` until they are
given a rule. The data set takes ~20 s to build, once for the module; each persona's walk a few seconds.
"""

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from bianban.accounts.choices import Perm
from bianban.core.models import AuditEvent
from bianban.core.tests import matrix_data as md
from bianban.core.tests.matrix_routes import DISTRICT_KINDS, OPERATIONS, PAGES, PARTY_KINDS, REGISTER_KINDS, Page
from bianban.demo.tests.helpers import demo_loaded

# The smallest demo district that holds the office's Party branch and institutions under 区教育局 with their
# registrations (~15 s to load); the matrix adds what it lacks.
DEMO = {"units_limit": 8, "people": 400}
SKIPPED_PREFIXES = ("admin/", "api/", "^api/", "static/", "media/")
LOGIN = reverse("accounts:login")
ANONYMOUS = "anonymous"
PERSONAS = [p.name for p in md.PERSONAS] + [ANONYMOUS]

# Downloads that need no audit event, and why. Every other download is an export of personal data.
NOT_EXPORTS = {
    "roster:template": "the empty import template",
    "registration:registration_import_template": "the empty import template",
    "reports:duty_file": "the secretary's 述职报告: the branch's figures, no one's personal data",
    "ledger:evidence": "a file a user uploaded, served back to those who see its problem; not drawn from the register",
    "party:activity_file": "a file a user uploaded, served back to those who see the activity",
    "duties:item_evidence": "a file a user uploaded, served back to those who see the task",
}


@pytest.fixture(scope="module")
def matrix(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[md.MatrixData]:
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    media.enable()
    try:
        with demo_loaded(django_db_blocker, **DEMO):
            with django_db_blocker.unblock():
                data = md.build()
            yield data
    finally:
        media.disable()
        md.forget_units()


# --- the URL conf ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    kwargs: tuple[str, ...]
    gate: str | None  # the perm_required right (None: login only)
    post_only: bool
    method_first: bool  # the method check runs before the login check


def _decorators(view: Any) -> tuple[str | None, bool, bool]:
    """What the view's decorators check, read off their closures: the perm_required right, whether GET is refused
    and whether that refusal comes before the login check (perm_required or login_required)."""
    gate, guarded, post_only, method_first = None, False, False, False
    func = view
    while func is not None:
        cells = dict(zip(getattr(getattr(func, "__code__", None), "co_freevars", ()),
                         [c.cell_contents for c in (getattr(func, "__closure__", None) or ())], strict=False))
        if "perm" in cells and "view" in cells:
            guarded = True
            gate = gate or cells["perm"]
        if "test_func" in cells:  # login_required (user_passes_test)
            guarded = True
        if "request_method_list" in cells and "GET" not in cells["request_method_list"]:
            post_only = True
            method_first = method_first or not guarded
        func = getattr(func, "__wrapped__", None)
    return (str(gate) if gate else None), post_only, method_first


def _walk(patterns: list, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, Any]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(x for x in (namespace, p.namespace or "") if x)
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), (f"{namespace}:{p.name}" if namespace else p.name or ""), p.callback


def ui_routes() -> list[Route]:
    routes = []
    for pattern, name, callback in _walk(get_resolver().url_patterns):
        if pattern.startswith(SKIPPED_PREFIXES):
            continue
        gate, post_only, method_first = _decorators(callback)
        routes.append(Route(name, pattern, tuple(re.findall(r"<(?:\w+:)?(\w+)>", pattern)), gate, post_only,
                            method_first))
    return routes


def test_every_page_is_in_the_matrix() -> None:
    routes = ui_routes()
    names = [r.name for r in routes]
    assert not [n for n in names if not n], "every page needs a URL name to be in the permission matrix"
    missing = sorted(set(names) - set(PAGES))
    stale = sorted(set(PAGES) - set(names))
    assert not missing, f"pages without a rule in core/tests/matrix_routes.py PAGES: {missing}"
    assert not stale, f"rules for pages that no longer exist: {stale}"
    for route in routes:
        page = PAGES[route.name]
        assert len(page.kinds) == len(route.kwargs), f"{route.name}: {route.kwargs} filled by {page.kinds}"
        for kind in page.kinds + page.query_kinds():
            assert kind in REGISTER_KINDS or kind in PARTY_KINDS or kind in DISTRICT_KINDS, f"{route.name}: {kind}"


# --- expectations ----------------------------------------------------------------------------------------------------


def _scope_path(kind: str, obj: Any, data: md.MatrixData) -> str | None:
    if kind in PARTY_KINDS:
        return data.branch_path
    if kind in DISTRICT_KINDS:
        return None
    if kind == "unit":
        return obj.path
    if kind == "run":
        return obj.root.path if obj.root_id else None
    if kind == "approval":
        return obj.line.unit.path
    if kind == "measure":
        return obj.problem.unit.path
    if kind == "evidence":
        return obj.measure.problem.unit.path
    if kind in ("certificate", "annual"):
        return obj.registration.unit.path
    return obj.unit.path


def _sees(persona: md.Persona, kind: str, path: str | None, objects: dict[str, Any]) -> bool:
    if kind in REGISTER_KINDS:
        return md.may(persona, REGISTER_KINDS[kind], path)
    if kind in PARTY_KINDS:
        return md.may(persona, Perm.PARTY_VIEW, path)
    perm, owner = DISTRICT_KINDS[kind]
    return persona.name == owner or (perm is not None and md.may(persona, perm, None))


def _sides(page: Page) -> tuple[str, ...]:
    if page.sides:
        return page.sides
    kind = page.scope_kind()
    if kind in REGISTER_KINDS:
        return ("in", "out")
    if kind in PARTY_KINDS:
        return ("party",)
    return ("district",)


def side_objects(data: md.MatrixData, side: str) -> dict[str, Any]:
    if side == "voting":
        return {**data.sides["party"], "appraisal": data.sides["party"]["appraisal_voting"]}
    if side in ("in", "out"):
        return {**data.sides["party"], **data.sides["district"], **data.sides[side]}
    return {**data.sides["party"], **data.sides["district"], **data.sides["in"]}


def expected_status(route: Route, page: Page, persona: md.Persona | None, data: md.MatrixData, side: str,
                    objects: dict[str, Any]) -> int:
    if persona is None:
        if page.anonymous is not None:
            return page.anonymous
        return 405 if route.method_first else 302
    if route.method_first:
        return 405
    if route.gate and not md.may_anywhere(persona, route.gate):
        return 404
    if route.post_only:
        return 405
    kind = page.scope_kind()
    path = _scope_path(kind, objects[kind], data) if kind else None
    if kind and not (page.sees or _sees)(persona, kind, path, objects):
        return page.outside
    if page.perm and not (md.may(persona, page.perm, path) if kind else md.may_anywhere(persona, page.perm)):
        return page.denied
    get = page.get[side] if isinstance(page.get, dict) else page.get
    return get(persona, data, objects) if callable(get) else get


def page_url(route: Route, page: Page, objects: dict[str, Any], data: md.MatrixData) -> str:
    kwargs = {name: (objects[kind].code if name == "code" else objects[kind].pk)
              for name, kind in zip(route.kwargs, page.kinds, strict=True)}
    url = reverse(route.name, kwargs=kwargs)
    if page.query:
        from django.utils import timezone

        year = timezone.localdate().year
        values = {k: objects[k].pk for k in page.query_kinds()}
        values.update(page.values(objects) if page.values else {})
        url += "?" + page.query.format(year=year - 1, older=year - 2, **values)
    return url


# --- what a response may hold ----------------------------------------------------------------------------------------


_ID_RUN = re.compile(r"[0-9X]{18,}")


def body_of(response: Any) -> str:
    # Reading a streamed answer to the end closes it (the test client's wrapper); closing it again here would send
    # request_finished with the connection handler listening, and close the test's database connection.
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if raw[:2] == b"PK":
        try:
            return md.xlsx_text(raw)
        except zipfile.BadZipFile:  # not an Office file after all: search the bytes
            pass
    return raw.decode("utf-8", "replace")


@dataclass
class Secrets:
    """What one persona must never be shown (`id_numbers`, `markers`), and what they may, which the walk must show
    them somewhere (`may_read`, `may_read_ids`) so that a check for the first cannot pass on data that is not there."""

    id_numbers: frozenset[str]
    markers: tuple[str, ...]
    may_read: tuple[str, ...]
    may_read_ids: frozenset[str]

    @classmethod
    def for_persona(cls, persona: md.Persona | None, data: md.MatrixData) -> "Secrets":
        from bianban.core.tests.matrix_routes import _reads_the_talk

        def allowed(perm: str, path: str | None) -> bool:
            return persona is not None and md.may(persona, perm, path)

        party = data.sides["party"]
        keeps_records = allowed(Perm.PARTY_CHANGE, data.branch_path)
        readable = {marker: keeps_records for marker in md.CIRCUMSTANCES}
        readable[md.TALK_SUMMARY] = persona is not None and _reads_the_talk(persona, "talk", data.branch_path, party)
        for user, who in md.SELF_EVALUATORS.items():
            readable[f"{md.SELF_EVALUATION}（{who}）"] = keeps_records or (persona is not None and persona.name == user)
        ids = {n: allowed(Perm.PEOPLE_VIEW_PII, path) for n, path in data.id_numbers.items()}
        return cls(frozenset(n for n, ok in ids.items() if not ok), tuple(m for m, ok in readable.items() if not ok),
                   tuple(m for m, ok in readable.items() if ok), frozenset(n for n, ok in ids.items() if ok))

    def _ids(self, text: str, numbers: frozenset[str]) -> list[str]:
        found = []
        for run in _ID_RUN.findall(text):
            found += [run[i:i + 18] for i in range(len(run) - 17) if run[i:i + 18] in numbers]
        return found

    def leaks(self, text: str) -> list[str]:
        return self._ids(text, self.id_numbers) + [m for m in self.markers if m in text]

    def shown(self, text: str) -> set[str]:
        """What of `may_read` the text shows ("id" for any full ID number the persona may see)."""
        return {m for m in self.may_read if m in text} | ({"id"} if self._ids(text, self.may_read_ids) else set())

    def not_shown(self, shown: set[str]) -> list[str]:
        """What the persona may read but `shown` lacks: each marker, except that one self-evaluation will do (the
        pages show one member's at a time), and one full ID number."""
        evaluations = [m for m in self.may_read if m.startswith(md.SELF_EVALUATION)]
        missing = [m for m in self.may_read if m not in shown and m not in evaluations]
        if evaluations and not shown & set(evaluations):
            missing.append(evaluations[0])
        return missing + (["a full ID number"] if self.may_read_ids and "id" not in shown else [])


# --- the walk --------------------------------------------------------------------------------------------------------


def _client(persona: md.Persona | None, data: md.MatrixData) -> Client:
    client = Client()
    if persona is not None:
        client.force_login(data.users[persona.name])
    return client


def _persona(name: str) -> md.Persona | None:
    return None if name == ANONYMOUS else md.BY_NAME[name]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PERSONAS)
def test_every_page_answers_each_persona_by_the_rules(matrix: md.MatrixData, name: str) -> None:
    persona = _persona(name)
    client = _client(persona, matrix)
    secrets = Secrets.for_persona(persona, matrix)
    actor = matrix.users.get(name)
    failures: list[str] = []
    shown: set[str] = set()
    downloads: set[str] = set()
    for route in ui_routes():
        page = PAGES[route.name]
        if route.name == "accounts:logout":
            continue  # would end the session the rest of the walk runs in; its rule is checked anonymously
        for side in _sides(page):
            objects = side_objects(matrix, side)
            url = page_url(route, page, objects, matrix)
            want = expected_status(route, page, persona, matrix, side, objects)
            response = client.get(url)
            got = response.status_code
            where = f"{route.name} [{side}] {url}"
            if got != want:
                failures.append(f"{where}: {got}, expected {want}")
            if persona is None and got == 302 and not response["Location"].startswith(LOGIN):
                failures.append(f"{where}: anonymous redirected to {response['Location']}")
            attachment = "attachment" in response.get("Content-Disposition", "")
            text = body_of(response)
            leaked = secrets.leaks(text)
            if leaked:
                failures.append(f"{where}: shows {leaked[:3]}")
            shown |= secrets.shown(text)
            if attachment:
                downloads.add(route.name)
            request_id = response.get("X-Request-ID", "")
            events = AuditEvent.objects.filter(request_id=request_id) if request_id else AuditEvent.objects.none()
            if attachment and route.name not in NOT_EXPORTS:
                if not events.filter(actor=actor).exists():
                    failures.append(f"{where}: a download without an audit event naming {name}")
            elif events.exists():
                failures.append(f"{where}: a GET wrote {list(events.values_list('action', flat=True))}")
    # The checks above found nothing only because it was not there? What the persona may read must have shown up.
    missing = secrets.not_shown(shown)
    if missing:
        failures.append(f"never shown what {name} may read: {sorted(missing)}")
    if persona is not None and persona.superuser:
        # Every export of the URL conf was taken, so each had its audit checked.
        exports = {r.name for r in ui_routes() if "export" in r.name or r.pattern.endswith(".xlsx/")
                   or r.pattern.endswith(".xlsx")} - {"registration:registration_import_errors"}
        if exports - downloads:
            failures.append(f"exports that answered no file: {sorted(exports - downloads)}")
    assert not failures, f"{len(failures)} findings for {name}:\n" + "\n".join(failures[:80])


@pytest.mark.django_db
def test_anonymous_logout_rule_holds() -> None:
    assert Client().get(reverse("accounts:logout")).status_code == PAGES["accounts:logout"].anonymous


# --- the API ---------------------------------------------------------------------------------------------------------

API = "/api/v1"
WRITES = ("post", "put", "patch", "delete")
# Downloads through the API that need no audit event, and why (see NOT_EXPORTS).
API_NOT_EXPORTS = {"GET /activities/{activity_id}/files/{file_id}": "a file a user uploaded, served back"}


@dataclass(frozen=True)
class Operation:
    key: str  # "GET /units/{unit_id}"
    method: str
    path: str  # under /api/v1
    params: tuple[str, ...]
    body: dict[str, Any] | None  # the request body's schema, resolved
    multipart: bool


_SCHEMA: dict[str, Any] = {}


def openapi() -> dict[str, Any]:
    if not _SCHEMA:
        response = Client().get(f"{API}/openapi.json")
        assert response.status_code == 200
        _SCHEMA.update(response.json())
    return _SCHEMA


def operations() -> list[Operation]:
    schema = openapi()
    components = schema.get("components", {}).get("schemas", {})
    found = []
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            short = path.removeprefix(API)
            content = op.get("requestBody", {}).get("content", {})
            media = next(iter(content), None)
            body = md.resolve(content[media]["schema"], components) if media else None
            params = tuple(re.findall(r"\{(\w+)\}", short))
            found.append(Operation(f"{method.upper()} {short}", method, short, params, body,
                                   media == "multipart/form-data"))
    return found


@pytest.mark.django_db
def test_every_api_operation_is_in_the_matrix() -> None:
    keys = [op.key for op in operations()]
    missing = sorted(set(keys) - set(OPERATIONS))
    stale = sorted(set(OPERATIONS) - set(keys))
    assert not missing, f"API operations without a rule in core/tests/matrix_routes.py OPERATIONS: {missing}"
    assert not stale, f"rules for API operations that no longer exist: {stale}"
    for op in operations():
        rule = OPERATIONS[op.key]
        assert len(rule.kinds) == len(op.params), f"{op.key}: {op.params} filled by {rule.kinds}"
        for kind in rule.kinds + rule.query_kinds() + tuple(k for _, k in rule.body):
            assert kind in REGISTER_KINDS or kind in PARTY_KINDS or kind in DISTRICT_KINDS, f"{op.key}: {kind}"


def _param(name: str, obj: Any) -> Any:
    return {"code": getattr(obj, "code", None), "key": getattr(obj, "key", None)}.get(name) or obj.pk


def api_url(op: Operation, rule: Page, objects: dict[str, Any]) -> str:
    path = op.path
    for name, kind in zip(op.params, rule.kinds, strict=True):
        path = path.replace("{" + name + "}", str(_param(name, objects[kind])))
    url = API + path
    if rule.query:
        from django.utils import timezone

        year = timezone.localdate().year
        values = {k: objects[k].pk for k in rule.query_kinds()}
        values.update(rule.values(objects) if rule.values else {})
        url += "?" + rule.query.format(year=year - 1, older=year - 2, **values)
    elif rule.items:
        url += "?limit=500"
    return url


def expected_api_status(rule: Page, persona: md.Persona | None, data: md.MatrixData, side: str,
                        objects: dict[str, Any]) -> int:
    if persona is None:
        return 401
    kind = rule.scope_kind()
    path = _scope_path(kind, objects[kind], data) if kind else None
    if kind and not (rule.sees or _sees)(persona, kind, path, objects):
        return rule.outside
    if rule.allows is not None:
        if not rule.allows(persona, path, objects):
            return rule.denied
    elif rule.perm and not (md.may(persona, rule.perm, path) if kind else md.may_anywhere(persona, rule.perm)):
        return rule.denied
    get = rule.get[side] if isinstance(rule.get, dict) else rule.get
    return get(persona, data, objects) if callable(get) else get


def _hidden_ids(kind: str, persona: md.Persona, data: md.MatrixData) -> set[int]:
    """The ids of the matrix's objects of `kind` the persona may not see."""
    hidden = set()
    for side in ("in", "out", "party", "district"):
        obj = data.sides[side].get(kind)
        if obj is None:
            continue
        objects = side_objects(data, side)
        if not _sees(persona, kind, _scope_path(kind, obj, data), objects):
            hidden.add(obj.pk)
    return hidden


def _auth(persona: md.Persona | None, data: md.MatrixData) -> dict[str, str]:
    return {} if persona is None else {"Authorization": f"Bearer {data.tokens[persona.name]}"}


@pytest.mark.django_db
@pytest.mark.parametrize("name", PERSONAS)
def test_every_api_read_answers_each_persona_by_the_rules(matrix: md.MatrixData, name: str) -> None:
    persona = _persona(name)
    client = Client(headers=_auth(persona, matrix))
    secrets = Secrets.for_persona(persona, matrix)
    actor = matrix.users.get(name)
    failures: list[str] = []
    shown: set[str] = set()
    for op in operations():
        if op.method != "get":
            continue
        rule = OPERATIONS[op.key]
        for side in _sides(rule):
            objects = side_objects(matrix, side)
            url = api_url(op, rule, objects)
            want = expected_api_status(rule, persona, matrix, side, objects)
            response = client.get(url)
            got = response.status_code
            where = f"{op.key} [{side}] {url}"
            if got != want:
                failures.append(f"{where}: {got}, expected {want}")
            attachment = "attachment" in response.get("Content-Disposition", "")
            text = body_of(response)
            leaked = secrets.leaks(text)
            if leaked:
                failures.append(f"{where}: shows {leaked[:3]}")
            shown |= secrets.shown(text)
            if got == 200 and rule.items and persona is not None:
                payload = response.json()
                rows = payload["items"] if isinstance(payload, dict) else payload
                hidden = {row.get("id") for row in rows} & _hidden_ids(rule.items, persona, matrix)
                if hidden:
                    failures.append(f"{where}: lists {rule.items} {sorted(hidden)} outside the persona's scope")
            request_id = response.get("X-Request-ID", "")
            events = AuditEvent.objects.filter(request_id=request_id) if request_id else AuditEvent.objects.none()
            if attachment and op.key not in API_NOT_EXPORTS:
                if not events.filter(actor=actor).exists():
                    failures.append(f"{where}: a download without an audit event naming {name}")
            elif events.exists():
                failures.append(f"{where}: a GET wrote {list(events.values_list('action', flat=True))}")
    missing = secrets.not_shown(shown)
    if missing:
        failures.append(f"never shown what {name} may read: {sorted(missing)}")
    assert not failures, f"{len(failures)} findings for {name}:\n" + "\n".join(failures[:80])


# --- writes: refused, and nothing written --------------------------------------------------------------------------

def _fingerprint(objects: list[Any]) -> tuple[int, ...]:
    """Rows in every table, and the fields of the objects a write names: what a refused write must leave alone."""
    from django.apps import apps
    from django.db import connection
    from django.forms.models import model_to_dict

    tables = sorted({m._meta.db_table for m in apps.get_models() if m._meta.managed and not m._meta.proxy})
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables))
        counts = tuple(cursor.fetchone())
    fields = tuple(hash(repr(model_to_dict(type(o).objects.get(pk=o.pk)))) for o in objects)
    return counts + fields


def _send(client: Client, op: Operation, url: str, objects: dict[str, Any], rule: Page, empty: bool = False) -> Any:
    components = openapi().get("components", {}).get("schemas", {})
    body = md.sample_body(op.body, components, objects, dict(rule.body)) if op.body else None
    if body is not None:
        body = {} if empty else {**body, **dict(rule.data)}
    if op.multipart:
        from django.core.files.uploadedfile import SimpleUploadedFile

        body = {**(body or {}), "file": SimpleUploadedFile("矩阵.pdf", md.PDF, content_type="application/pdf")}
        return client.post(url, body)
    return getattr(client, op.method)(url, data=body, content_type="application/json")


@pytest.mark.django_db
@pytest.mark.parametrize("name", PERSONAS)
def test_every_api_write_the_rules_refuse_is_refused_and_writes_nothing(matrix: md.MatrixData, name: str) -> None:
    persona = _persona(name)
    client = Client(headers=_auth(persona, matrix))
    failures: list[str] = []
    sent = 0
    for op in operations():
        if op.method not in WRITES:
            continue
        rule = OPERATIONS[op.key]
        for side in _sides(rule):
            objects = side_objects(matrix, side)
            want = expected_api_status(rule, persona, matrix, side, objects)
            if want < 400:
                continue  # the persona may: a write that would succeed is not the matrix's to send
            url = api_url(op, rule, objects)
            touched = [objects[k] for k in rule.kinds]
            # A patch with no required field is also sent empty: one that changes nothing must be refused the same.
            probe_empty = op.method == "patch" and op.body is not None and not op.body.get("required")
            for empty in (False, True) if probe_empty else (False,):
                before = _fingerprint(touched)
                response = _send(client, op, url, objects, rule, empty)
                sent += 1
                where = f"{op.key} [{side}]{' {}' if empty else ''} {url}"
                if response.status_code != want:
                    failures.append(f"{where}: {response.status_code}, expected {want} "
                                    f"({response.content.decode()[:100]})")
                if _fingerprint(touched) != before:
                    failures.append(f"{where}: refused with {response.status_code} but the database changed")
    assert not failures, f"{len(failures)} findings for {name} ({sent} writes):\n" + "\n".join(failures[:80])
