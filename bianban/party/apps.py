from django.apps import AppConfig


class PartyConfig(AppConfig):
    name = "bianban.party"
    verbose_name = "党支部工作"
