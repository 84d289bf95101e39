from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class PersonnelConfig(AppConfig):
    name = "personnel"
    verbose_name = _("Personnel")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import roles

        # post_migrate is sent once per app with models, in INSTALLED_APPS
        # order; the roles need every app's permissions, so sync after the
        # last one.
        last_app = [a for a in apps.get_app_configs() if a.models_module][-1]
        post_migrate.connect(
            roles.sync_role_groups, sender=last_app, dispatch_uid="sync_role_groups"
        )
