"""`bianban token create USERNAME` prints a new API token, alone on the last line; `revoke` and `list` too."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from bianban.accounts import services
from bianban.accounts.models import ApiToken


class Command(BaseCommand):
    help = "管理API令牌：create USERNAME [--name 用途] | list USERNAME | revoke PREFIX"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="为用户创建令牌，令牌单独输出在最后一行")
        create.add_argument("username")
        create.add_argument("--name", default="命令行创建")
        listing = sub.add_parser("list", help="列出用户的令牌")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="按前缀吊销令牌")
        revoke.add_argument("prefix")

    def _user(self, username: str) -> Any:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户“{username}”不存在")
        return user

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "create":
            user = self._user(options["username"])
            token, raw = services.api_token_create(actor=None, user=user, name=options["name"])
            self.stderr.write(f"已为 {user.username} 创建令牌 {token.prefix}…（只显示这一次）")
            self.stdout.write(raw)
        elif action == "list":
            user = self._user(options["username"])
            for token in ApiToken.objects.filter(user=user):
                state = "已吊销" if token.revoked_at else "有效"
                self.stdout.write(f"{token.prefix}…\t{token.name}\t{token.created_at:%Y-%m-%d %H:%M}\t{state}")
        else:
            matches = list(ApiToken.objects.filter(prefix=options["prefix"].rstrip("…."), revoked_at__isnull=True))
            if len(matches) != 1:
                raise CommandError("没有找到唯一匹配该前缀的有效令牌")
            services.api_token_revoke(actor=None, token=matches[0])
            self.stdout.write(f"已吊销 {matches[0].prefix}…")
