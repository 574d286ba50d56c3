from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "pathways.casework"
    label = "casework"

    def ready(self) -> None:
        from pathways.casework import receivers  # noqa: F401  (due dates follow the records)
