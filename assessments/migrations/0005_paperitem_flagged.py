from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0004_exam_named_cadres"),
    ]

    operations = [
        migrations.AddField(
            model_name="paperitem",
            name="flagged",
            field=models.BooleanField(
                db_default=False, default=False, verbose_name="flagged by the candidate"
            ),
        ),
    ]
