from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "bianban.accounts"
    label = "accounts"
    verbose_name = "账号与权限"

    def ready(self) -> None:
        from bianban.accounts.scoping import has_perm
        from bianban.core.access import register_checker

        register_checker(has_perm)
