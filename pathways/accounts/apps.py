from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pathways.accounts"
    label = "accounts"

    def ready(self) -> None:
        from pathways.accounts import api_schemes, signals  # noqa: F401
