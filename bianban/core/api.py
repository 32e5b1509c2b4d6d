"""API plumbing shared by every router: the JSON renderer, the error body and exception → HTTP mapping.

Every error leaves the API as `{"code", "message", "details"}` with a Chinese message.
"""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer

from bianban.core.exceptions import DomainError, from_django_validation


class ChineseJSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


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


def _validation_details(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    details: dict[str, list[str]] = {}
    for err in errors:
        message = _PYDANTIC_MESSAGES.get(err.get("type", ""), "取值无效")
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

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        known = {
            400: ("bad_request", "请求格式有误，请检查请求体是否为有效的JSON"),
            405: ("method_not_allowed", "不支持该请求方法"),
            413: ("too_large", "请求体过大"),
            429: ("throttled", "请求过于频繁，请稍后再试"),
        }
        code, message = known.get(exc.status_code, (f"http_{exc.status_code}", str(exc)))
        return respond(request, exc.status_code, error_body(code, message))
