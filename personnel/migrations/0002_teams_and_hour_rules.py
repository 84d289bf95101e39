"""The five teams and the default hour rules of the 2023 Regulations on
Cadre Education and Training."""

from decimal import Decimal

from django.db import migrations

TEAMS = [
    ("supervision", "生态环境监督", "Supervision"),
    ("enforcement", "生态环境执法", "Law enforcement"),
    ("monitoring", "生态环境监测", "Monitoring"),
    ("eia", "环境影响评价", "Environmental impact assessment"),
    ("emergency", "环境应急", "Emergency response"),
]

RULES = [
    # name, rank level, years, hours, minimum online hours per year
    ("乡科级及以下干部年度学时", "section_and_below", 1, Decimal("90"), Decimal("50")),
    ("县处级及以上干部五年学时", "division_and_above", 5, Decimal("550"), Decimal("50")),
]


def create(apps, schema_editor):
    Team = apps.get_model("personnel", "Team")
    HourRequirement = apps.get_model("personnel", "HourRequirement")
    for code, name_zh, name_en in TEAMS:
        Team.objects.update_or_create(
            code=code, defaults={"name_zh": name_zh, "name_en": name_en}
        )
    for name, level, years, hours, online in RULES:
        HourRequirement.objects.get_or_create(
            name=name,
            defaults={
                "rank_level": level,
                "period_years": years,
                "total_hours": hours,
                "online_hours_min": online,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("personnel", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
