from django.apps import AppConfig


class ReferencedataConfig(AppConfig):
    name = "apps.referencedata"
    label = "referencedata"
