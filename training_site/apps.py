from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingSiteConfig(AppConfig):
    name = "training_site"
    verbose_name = _("Site")

    def ready(self):
        from .auth import connect_signals

        connect_signals()
