from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "bianban.reports"
    verbose_name = "报告与统计"
