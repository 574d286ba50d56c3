from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The top of the house: what spans apps (start pages, the demo, error pages)."""

    name = "pathways.site"
    label = "site"
    verbose_name = "Pathways: start pages, the demo and what spans apps"
