from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "pathways.programmes"
    label = "programmes"
