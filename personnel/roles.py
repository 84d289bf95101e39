"""The four roles and their permissions, set in code (not by hand).

Synchronised after every ``migrate`` so that a fresh database, and every
new model's permissions, are in place without a manual step.
"""

from django.utils.translation import gettext_lazy as _

LEARNER = "learner"
TRAINER = "trainer"
HR = "hr"
UNIT_ADMIN = "unit_admin"

ROLE_LABELS = {
    LEARNER: _("Learner"),
    TRAINER: _("Trainer"),
    HR: _("HR"),
    UNIT_ADMIN: _("Unit administrator"),
}

# Group names as stored; stable identifiers, shown in the admin's group list.
GROUP_NAMES = {
    LEARNER: "Learner",
    TRAINER: "Trainer",
    HR: "HR",
    UNIT_ADMIN: "Unit administrator",
}

# "app_label.codename", or "app_label.*" for every permission of an app.
ROLE_PERMISSIONS = {
    LEARNER: [],
    TRAINER: [
        "wagtailadmin.access_admin",
        "courses.*",
        "assessments.*",
        "personnel.view_cadre",
        "personnel.view_unit",
        "personnel.view_trainingrecord",
        "personnel.view_certificatetemplate",
        "personnel.add_certificatetemplate",
        "personnel.change_certificatetemplate",
        "personnel.view_certificate",
    ],
    HR: [
        "wagtailadmin.access_admin",
        "personnel.*",
        "courses.view_*",
        "assessments.view_*",
    ],
    UNIT_ADMIN: [
        "wagtailadmin.access_admin",
        "personnel.view_cadre",
        "personnel.add_cadre",
        "personnel.change_cadre",
        "personnel.view_unit",
        "personnel.view_trainingrecord",
        "personnel.add_trainingrecord",
        "personnel.view_certificate",
        "courses.view_*",
        # Unit administrators make courses required for their own subtree.
        "courses.add_courseassignment",
        # Exam results of their own subtree (scoped in assessments' views).
        "assessments.view_exam",
        "assessments.view_result",
    ],
}

# Wagtail page and collection permissions for trainers (whole tree).
TRAINER_PAGE_PERMISSIONS = [
    "add_page",
    "change_page",
    "publish_page",
    "lock_page",
    "unlock_page",
]
TRAINER_COLLECTION_PERMISSIONS = [
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
]


def _resolve(specs):
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    query = Q(pk__in=[])
    for spec in specs:
        app_label, codename = spec.split(".", 1)
        if codename == "*":
            query |= Q(content_type__app_label=app_label)
        elif codename.endswith("*"):
            query |= Q(
                content_type__app_label=app_label,
                codename__startswith=codename[:-1],
            )
        else:
            query |= Q(content_type__app_label=app_label, codename=codename)
    return Permission.objects.filter(query)


def sync_role_groups(**kwargs):
    """Create the role groups and give each exactly its permissions."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import (
        Collection,
        GroupCollectionPermission,
        GroupPagePermission,
        Page,
    )

    for role, specs in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=GROUP_NAMES[role])
        group.permissions.set(_resolve(specs))

    trainer = Group.objects.get(name=GROUP_NAMES[TRAINER])
    root_page = Page.get_first_root_node()
    if root_page is not None:
        for codename in TRAINER_PAGE_PERMISSIONS:
            permission = Permission.objects.filter(
                content_type__app_label="wagtailcore", codename=codename
            ).first()
            if permission:
                GroupPagePermission.objects.get_or_create(
                    group=trainer, page=root_page, permission=permission
                )
    root_collection = Collection.get_first_root_node()
    if root_collection is not None:
        for permission in _resolve(TRAINER_COLLECTION_PERMISSIONS):
            GroupCollectionPermission.objects.get_or_create(
                group=trainer, collection=root_collection, permission=permission
            )


def user_roles(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    names = set(user.groups.values_list("name", flat=True))
    return {role for role, name in GROUP_NAMES.items() if name in names}
