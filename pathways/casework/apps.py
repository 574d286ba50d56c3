from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "pathways.casework"
    label = "casework"
