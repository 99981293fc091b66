from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "expertpool.core"
    label = "core"
