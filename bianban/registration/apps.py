from django.apps import AppConfig


class RegistrationConfig(AppConfig):
    name = "bianban.registration"
    verbose_name = "事业单位登记"

    def ready(self) -> None:
        # The registration rules join the verification registry (bianban.checks.rules.RULES) on start-up.
        from bianban.registration import rules  # noqa: F401
