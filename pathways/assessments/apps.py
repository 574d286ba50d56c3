from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "pathways.assessments"
    label = "assessments"
