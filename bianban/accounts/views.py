"""Login, personal API tokens, and the office admin's account and grant management."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from bianban.accounts import selectors, services
from bianban.accounts.choices import Perm
from bianban.accounts.forms import GrantForm, LoginForm, TokenCreateForm, UserCreateForm
from bianban.accounts.models import Grant
from bianban.core.access import perm_required
from bianban.core.exceptions import DomainError
from bianban.core.pagination import paginate


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:
        response = super().form_valid(form)
        services.login_failures_clear(user=form.get_user())
        return response


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    new_token = None
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _, new_token = services.api_token_create(actor=request.user, user=request.user, name=form.cleaned_data["name"])
        form = TokenCreateForm()
    tokens = selectors.api_tokens_for_user(request.user)
    return render(request, "accounts/tokens.html", {"tokens": tokens, "form": form, "new_token": new_token})


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.api_token_get_for_user(request.user, pk)
    try:
        services.api_token_revoke(actor=request.user, token=token)
        messages.success(request, f"令牌 {token.prefix}… 已吊销")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("accounts:tokens")


def _unit_model() -> Any:
    return Grant._meta.get_field("unit").related_model


@perm_required(Perm.ACCOUNTS_MANAGE)
def user_list(request: HttpRequest) -> HttpResponse:
    users = selectors.users_for_user(request.user)
    q = request.GET.get("q", "").strip()
    if q:
        users = users.filter(username__icontains=q) | users.filter(first_name__icontains=q)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已创建账号 {user.username}，请为其授权")
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/users.html", {"form": form, "q": q, **paginate(request, users)})


@perm_required(Perm.ACCOUNTS_MANAGE)
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    subject = selectors.user_get_for_user(request.user, pk)
    units = _unit_model().objects.filter(status="active").order_by("path")
    form = GrantForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_create(actor=request.user, user=subject, role=form.cleaned_data["role"],
                                  unit=form.cleaned_data["unit"],
                                  include_descendants=form.cleaned_data["include_descendants"])
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "授权已添加")
            return redirect("accounts:user_detail", pk=subject.pk)
    return render(request, "accounts/user_detail.html", {"subject": subject, "form": form})


@perm_required(Perm.ACCOUNTS_MANAGE)
@require_POST
def grant_delete(request: HttpRequest, pk: int) -> HttpResponse:
    grant = get_object_or_404(Grant.objects.select_related("user"), pk=pk)
    selectors.user_get_for_user(request.user, grant.user_id)
    try:
        services.grant_delete(actor=request.user, grant=grant)
        messages.success(request, "授权已撤销")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("accounts:user_detail", pk=grant.user_id)
