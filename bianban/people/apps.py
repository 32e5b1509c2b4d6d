from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "bianban.people"
    label = "people"
    verbose_name = "人员"
