from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "pathways.reporting"
    verbose_name = "Reports and dashboards"
