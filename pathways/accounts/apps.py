from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pathways.accounts"
    label = "accounts"

    def ready(self) -> None:
        from pathways.accounts import schema, signals  # noqa: F401
