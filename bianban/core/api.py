"""API plumbing shared by every router: the JSON renderer, the error body and exception → HTTP mapping.

Every error leaves the API as `{"code", "message", "details"}` with a Chinese message.
"""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser
from ninja.renderers import JSONRenderer

from bianban.core.exceptions import DomainError, from_django_validation
from bianban.core.text import without_control_characters


class ChineseJSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


class ObjectBodyParser(Parser):
    """Every request body of this API is a JSON object: a bare number or list is refused (400) rather than read as
    an empty patch by an operation whose fields are all optional. Control characters are dropped (core/text.py)."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise ValueError("request body is not a JSON object")
        return without_control_characters(data)

    def parse_querydict(self, data: Any, list_fields: list[str], request: HttpRequest) -> dict[str, Any]:
        return without_control_characters(super().parse_querydict(data, list_fields, request))



CSRF_MESSAGE = "CSRF校验失败：以浏览器会话调用接口须带 X-CSRFToken 请求头；程序调用请使用API令牌"

# What any operation may answer besides its own responses; each handler below produces one of them.
ERROR_RESPONSES = {
    "400": "请求格式有误",
    "401": "未登录或令牌无效",
    "403": "没有权限",
    "404": "对象不存在或无权访问",
    "409": "与当前状态冲突（如已被他人修改、超编）",
    "413": "请求体过大",
    "422": "请求数据有误（字段错误在 details 中）",
    "429": "请求过于频繁",
}


class DocumentedAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document lists the error responses every operation can give, with their body, so a
    client (and the schemathesis run over this schema) knows a 404 or a 422 is part of the contract."""

    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["ErrorOut"] = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                documented = {str(code) for code in responses}
                for status, description in ERROR_RESPONSES.items():
                    if status not in documented:
                        responses[status] = {"description": description, **error}
        return schema


class ErrorOut(Schema):
    code: str
    message: str
    details: dict[str, Any] = {}


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "details": details or {}}


# Pydantic error types → Chinese, for schema validation failures.
_PYDANTIC_MESSAGES = {
    "missing": "必填",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为是或否（true/false）",
    "date_from_datetime_parsing": "日期格式应为YYYY-MM-DD",
    "date_parsing": "日期格式应为YYYY-MM-DD",
    "date_type": "日期格式应为YYYY-MM-DD",
    "datetime_parsing": "时间格式应为ISO 8601",
    "string_type": "应为文本",
    "string_too_long": "内容过长",
    "string_too_short": "内容过短",
    "literal_error": "取值不在允许范围内",
    "enum": "取值不在允许范围内",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "greater_than": "数值过小",
    "json_invalid": "请求体不是有效的JSON",
    "model_attributes_type": "请求体格式不正确",
    "dict_type": "请求体格式不正确",
}


def _field_name(loc: list[Any]) -> str:
    # ninja locations look like ["body", "payload", "field"] or ["query", "limit"]
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "form", "data")]
    return ".".join(parts) or "__all__"


# Range errors name the bound, so "年度 应在1900至2999之间" reads as a rule rather than "数值过大".
_BOUNDS = {"greater_than_equal": ("ge", "应不小于{}"), "less_than_equal": ("le", "应不大于{}"),
           "greater_than": ("gt", "应大于{}"), "less_than": ("lt", "应小于{}")}


def _bound_message(err: dict[str, Any]) -> str:
    key, text = _BOUNDS.get(err.get("type", ""), ("", ""))
    bound = (err.get("ctx") or {}).get(key)
    return text.format(bound) if key and bound is not None else ""


def _validation_details(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    details: dict[str, list[str]] = {}
    for err in errors:
        message = _bound_message(err) or _PYDANTIC_MESSAGES.get(err.get("type", ""), "取值无效")
        details.setdefault(_field_name(list(err.get("loc", []))), []).append(message)
    return details


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return respond(request, exc.status, error_body(exc.code, exc.message, exc.details))

    @api.exception_handler(NinjaValidationError)
    def schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        details = _validation_details(exc.errors)
        fields = "、".join(k for k in details if k != "__all__")
        message = f"请求数据有误：{fields}" if fields else "请求数据有误"
        return respond(request, 422, error_body("validation_error", message, details))

    @api.exception_handler(DjangoValidationError)
    def django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        err = from_django_validation(exc)
        return respond(request, 422, error_body(err.code, err.message, err.details))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = "请先登录，或在 Authorization 头中提供有效的API令牌"
        return respond(request, 401, error_body("unauthenticated", message))

    @api.exception_handler(DjangoPermissionDenied)
    def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
        return respond(request, 403, error_body("permission_denied", "没有权限执行此操作"))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return respond(request, 404, error_body("not_found", "对象不存在或无权访问"))

    @api.exception_handler(ObjectDoesNotExist)
    def does_not_exist(request: HttpRequest, exc: Exception) -> HttpResponse:
        return respond(request, 404, error_body("not_found", "对象不存在或无权访问"))

    @api.exception_handler(MultiPartParserError)
    def bad_multipart(request: HttpRequest, exc: Exception) -> HttpResponse:
        return respond(request, 400, error_body("bad_request", "上传的表单数据格式有误（multipart/form-data）"))

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
        return respond(request, 413, error_body("too_large", "请求体过大"))

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Too many fields or files, a malformed header: the request is refused, nothing is read from it.
        return respond(request, 400, error_body("bad_request", "请求格式有误"))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        known = {
            400: ("bad_request", "请求格式有误，请检查请求体是否为有效的JSON"),
            403: ("csrf_failed", CSRF_MESSAGE),  # ninja's session auth raises only this 403 itself
            405: ("method_not_allowed", "不支持该请求方法"),
            413: ("too_large", "请求体过大"),
            429: ("throttled", "请求过于频繁，请稍后再试"),
        }
        code, message = known.get(exc.status_code, (f"http_{exc.status_code}", str(exc)))
        return respond(request, exc.status_code, error_body(code, message))


def unknown_route(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any /api/v1/ address no operation matches (an id that is not a number, a typo): the API's own 404 body, not
    the site's HTML page."""
    body = error_body("not_found", "接口不存在：请检查地址和其中的编号")
    return JsonResponse(body, status=404, json_dumps_params={"ensure_ascii": False})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form page gets a Chinese explanation; the API its JSON error (a browser session calling
    the API must send X-CSRFToken; a script should use a token instead of a session)."""
    if request.path.startswith("/api/"):
        body = error_body("csrf_failed", CSRF_MESSAGE)
        return JsonResponse(body, status=403, json_dumps_params={"ensure_ascii": False})
    return render(request, "403_csrf.html", status=403)
