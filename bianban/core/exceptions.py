"""Domain exceptions. Each carries a stable `code`, a Chinese `message` and `details`; the API maps them to
HTTP statuses in one place (core/api.py), the UI shows the message next to the field or at the top."""

from typing import Any


class DomainError(Exception):
    status = 400
    code = "bad_request"
    default_message = "请求有误"

    def __init__(self, message: str | None = None, *, code: str | None = None, details: dict[str, Any] | None = None):
        self.message = message or self.default_message
        if code:
            self.code = code
        self.details = details or {}
        super().__init__(self.message)


class ValidationFailed(DomainError):
    """Bad input. `details` maps each field name to a list of Chinese messages."""

    status = 422
    code = "validation_error"
    default_message = "提交的数据有误，请检查后重试"

    @classmethod
    def on(cls, field: str, message: str) -> "ValidationFailed":
        return cls(message, details={field: [message]})


class NotFound(DomainError):
    status = 404
    code = "not_found"
    default_message = "对象不存在或无权访问"


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"
    default_message = "没有权限执行此操作"


class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = "数据已被他人修改，请刷新后重试"


def from_django_validation(error: Any) -> ValidationFailed:
    """Turn a django.core.exceptions.ValidationError into ValidationFailed, keeping per-field messages."""
    if hasattr(error, "error_dict"):
        details = {field: [str(m) for e in errors for m in e.messages] for field, errors in error.error_dict.items()}
    else:
        details = {"__all__": [str(m) for m in error.messages]}
    first = next((msgs[0] for msgs in details.values() if msgs), ValidationFailed.default_message)
    return ValidationFailed(first, details=details)
