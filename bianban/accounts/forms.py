from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from bianban.accounts import services
from bianban.accounts.choices import Role
from bianban.core.forms import BootstrapFormMixin


def client_ip(request: Any) -> str | None:
    # Behind a reverse proxy the operator sets it to pass REMOTE_ADDR through (docs/operations.md).
    return request.META.get("REMOTE_ADDR") if request is not None else None


class LoginForm(BootstrapFormMixin, AuthenticationForm):
    """Django's login form, refusing further tries after repeated failures (accounts/services.py)."""

    error_messages = {
        "invalid_login": "用户名或密码错误。",
        "inactive": "该账号已停用，请联系编办管理员。",
        "throttled": "登录失败次数过多，请%(minutes)s分钟后再试。",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        self.fields["username"].widget.attrs["autofocus"] = True

    def clean(self) -> dict[str, Any]:
        from django.conf import settings

        username = self.data.get("username", "")
        ip = client_ip(self.request)
        if username and services.login_is_throttled(username=username, ip=ip):
            raise forms.ValidationError(
                self.error_messages["throttled"], code="throttled",
                params={"minutes": settings.BIANBAN["LOGIN_FAILURE_WINDOW_MINUTES"]},
            )
        try:
            return super().clean()
        except forms.ValidationError:
            if username:
                services.login_failure_record(username=username, ip=ip)
            raise


class TokenCreateForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label="用途说明", max_length=100, required=False,
                           help_text="例如：人社系统对接、统计脚本")


class UserCreateForm(BootstrapFormMixin, forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    full_name = forms.CharField(label="姓名", max_length=150, required=False)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput, min_length=8,
                               help_text="至少8位，不能全为数字，不能与用户名过于相似")


class GrantForm(BootstrapFormMixin, forms.Form):
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    unit = forms.ModelChoiceField(label="单位", queryset=None, required=False,
                                  help_text="留空表示全区范围；单位联络员必须指定单位")
    include_descendants = forms.BooleanField(label="含下级单位", required=False, initial=True)

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
