from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "pathways.households"
    label = "households"
