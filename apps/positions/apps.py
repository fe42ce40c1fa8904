from django.apps import AppConfig


class PositionsConfig(AppConfig):
    name = "apps.positions"
    label = "positions"
