from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "pathways.operations"
    label = "operations"
    verbose_name = "Running Pathways: processes, health and the nightly schedule"
