"""Main navigation: each app contributes entries by URL name; entries whose
URL does not exist (an app not installed yet) are left out."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

NAV_ITEMS = [
    ("courses:catalogue", _("Course centre"), False),
    ("courses:my_learning", _("My learning"), True),
    ("assessments:my_exams", _("My exams"), True),
    ("personnel:my_certificates", _("My certificates"), True),
    ("personnel:my_profile", _("My profile"), True),
]


def nav_items(user):
    items = []
    for url_name, label, needs_login in NAV_ITEMS:
        if needs_login and not user.is_authenticated:
            continue
        try:
            items.append({"url": reverse(url_name), "label": label})
        except NoReverseMatch:
            continue
    return items
