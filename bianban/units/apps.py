from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "bianban.units"
    label = "units"
    verbose_name = "机构"
