import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from personnel import roles
from personnel.choices import Education, Rank
from personnel.id_numbers import id_number_make
from personnel.models import Cadre, Team, Unit

PASSWORD = "Pass-2026!"


def unit_root(name="甘肃省生态环境厅", code="GS") -> Unit:
    existing = Unit.objects.filter(code=code).first()
    return existing or Unit.add_root(name=name, code=code, kind="department")


def unit_child(parent: Unit, *, name: str, code: str, kind: str = "city") -> Unit:
    existing = Unit.objects.filter(code=code).first()
    return existing or parent.add_child(name=name, code=code, kind=kind)


def team(code: str) -> Team:
    return Team.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n:04d}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=roles.GROUP_NAMES[extracted]))


class CadreFactory(factory.django.DjangoModelFactory):
    """A cadre with a valid, unique ID number; pass ``role=`` and ``teams=``."""

    class Meta:
        model = Cadre
        skip_postgeneration_save = True

    class Params:
        birth = dt.date(1990, 5, 17)

    user = factory.SubFactory(
        UserFactory, username=factory.SelfAttribute("..employee_no")
    )
    employee_no = factory.Sequence(lambda n: f"E{n:05d}")
    name = factory.Sequence(lambda n: f"干部{n}")
    birth_date = factory.SelfAttribute("birth")
    id_number = factory.LazyAttributeSequence(
        lambda o, n: id_number_make(
            region="620102", birth_date=o.birth, sequence=(n * 2 + 1) % 1000
        )
    )
    gender = "male"
    education = Education.BACHELOR
    rank = Rank.LEVEL1_CLERK
    position = "科员"
    unit = factory.LazyFunction(unit_root)
    joined_on = dt.date(2015, 7, 1)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            group = Group.objects.get(name=roles.GROUP_NAMES[extracted])
            self.user.groups.add(group)

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        if create:
            codes = extracted if extracted is not None else ["enforcement"]
            self.teams.set(Team.objects.filter(code__in=codes))
