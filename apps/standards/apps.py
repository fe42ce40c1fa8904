from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "apps.standards"
    label = "standards"
