from django.apps import AppConfig


class DutiesConfig(AppConfig):
    name = "bianban.duties"
    verbose_name = "党建责任与专项工作"
