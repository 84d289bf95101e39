"""Load the demo province; safe to run again (nothing is duplicated)."""

from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

# Each area contributes an idempotent ``load_demo(*, stdout)``; they run in
# this order because later ones use what earlier ones created.
DEMO_LOADERS = [
    "personnel.demo",
    "courses.demo",
    "assessments.demo",
    "personnel.demo_certificates",
    "personnel.demo_competency",
]


class Command(BaseCommand):
    help = "Load realistic demo data (units, cadres, courses, exams, ...)."

    def handle(self, *args, **options):
        for dotted in DEMO_LOADERS:
            try:
                module = import_module(dotted)
            except ModuleNotFoundError as exc:
                if exc.name != dotted:
                    raise
                continue
            with transaction.atomic():
                module.load_demo(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
