from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from ..choices import TeamCode, UnitKind


class Unit(MP_Node):
    """An organisational unit; the tree's materialised path makes subtree
    queries a single indexed prefix match (``path__startswith``)."""

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("unit code"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)

    node_order_by = ["code"]

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self):
        return self.name

    @property
    def full_name(self) -> str:
        names = [unit.name for unit in self.get_ancestors()] + [self.name]
        return " / ".join(names[1:] or names)

    def subtree_q(self, prefix: str = "") -> models.Q:
        """A Q object matching this unit and every unit below it, for a
        model that reaches Unit through ``prefix`` (e.g. ``"unit__"``)."""
        return models.Q(**{f"{prefix}path__startswith": self.path})


class Team(models.Model):
    code = models.CharField(
        _("code"), max_length=20, unique=True, choices=TeamCode.choices
    )
    name_zh = models.CharField(_("Chinese name"), max_length=40)
    name_en = models.CharField(_("English name"), max_length=60)

    class Meta:
        ordering = ["id"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        if (get_language() or "zh-hans").startswith("zh"):
            return self.name_zh
        return self.name_en
