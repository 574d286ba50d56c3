from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "pathways.exchange"
    label = "exchange"
