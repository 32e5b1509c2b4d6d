from django.apps import AppConfig


class ChecksConfig(AppConfig):
    name = "bianban.checks"
    verbose_name = "编制核查"
