import io

import pytest
from django.contrib.auth import get_user_model

from personnel import demo
from personnel.models import Cadre, Unit


@pytest.mark.django_db
def test_demo_province_is_realistic_and_loading_twice_changes_nothing():
    demo.load_demo(stdout=io.StringIO())
    counts = (Unit.objects.count(), Cadre.objects.count())
    demo.load_demo(stdout=io.StringIO())
    assert (Unit.objects.count(), Cadre.objects.count()) == counts

    assert Unit.objects.get(code="GS").name == "甘肃省生态环境厅"
    assert Unit.objects.filter(kind="city").count() == 14
    assert Unit.objects.filter(kind="centre").count() == 4
    assert Unit.objects.filter(kind="county").count() > 80
    assert Cadre.objects.count() >= 300
    for code in ("supervision", "enforcement", "monitoring", "eia", "emergency"):
        assert Cadre.objects.filter(teams__code=code).count() >= 20, code
    assert Cadre.objects.filter(name="刘䶮").exists()

    users = get_user_model().objects
    for username, group in [
        ("learner", "Learner"),
        ("trainer", "Trainer"),
        ("hr", "HR"),
        ("unitadmin", "Unit administrator"),
    ]:
        user = users.get(username=username)
        assert user.check_password(demo.DEMO_PASSWORD)
        assert user.groups.filter(name=group).exists()
    assert users.get(username="admin").is_superuser
    unit_admin = Cadre.objects.get(user__username="unitadmin")
    assert unit_admin.unit.name == "兰州市生态环境局"
    learner = Cadre.objects.get(user__username="learner")
    assert learner.unit.path.startswith(unit_admin.unit.path)
