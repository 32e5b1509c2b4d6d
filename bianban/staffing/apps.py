from django.apps import AppConfig


class StaffingConfig(AppConfig):
    name = "bianban.staffing"
    label = "staffing"
    verbose_name = "编制使用"
