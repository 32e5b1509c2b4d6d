from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "bianban.bench"
    label = "bench"
    verbose_name = "基准测试"
