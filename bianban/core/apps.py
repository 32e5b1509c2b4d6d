from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bianban.core"
    label = "core"
    verbose_name = "基础"
