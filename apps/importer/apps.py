"""The CSV importer: loads the shipped fixtures (and their updates) through the services."""

from django.apps import AppConfig


class ImporterConfig(AppConfig):
    name = "apps.importer"
    label = "importer"
