from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "pathways.assessments"
    label = "assessments"

    def ready(self) -> None:
        from pathways.assessments import receivers  # noqa: F401  (a programme's instrument)
