from django.apps import AppConfig


class NationsConfig(AppConfig):
    name = "apps.nations"
    label = "nations"
