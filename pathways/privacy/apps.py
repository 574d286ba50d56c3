from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "pathways.privacy"
    label = "privacy"
    verbose_name = "Data protection"

    def ready(self) -> None:
        from pathways.privacy import receivers  # noqa: F401  (bases follow consent)
