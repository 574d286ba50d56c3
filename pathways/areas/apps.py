from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "pathways.areas"
    label = "areas"
