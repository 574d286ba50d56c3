from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "pathways.privacy"
    label = "privacy"
    verbose_name = "Data protection"
