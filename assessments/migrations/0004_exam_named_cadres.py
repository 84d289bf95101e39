# Named cadres move from Django's automatic many-to-many table to an explicit
# child model (ExamNamedCadre), so that the exam form can add them with a
# chooser (MultipleChooserPanel). Django cannot alter a many-to-many field to
# gain a `through` model, so: create the new table, copy the rows, drop the
# old field, and add the field back over the new table.

import django.db.models.deletion
import modelcluster.fields
from django.db import migrations, models


def copy_to_named_cadres(apps, schema_editor):
    Exam = apps.get_model("assessments", "Exam")
    ExamNamedCadre = apps.get_model("assessments", "ExamNamedCadre")
    old_rows = Exam.eligible_cadres.through.objects.order_by("pk")
    ExamNamedCadre.objects.bulk_create(
        (
            ExamNamedCadre(exam_id=row.exam_id, cadre_id=row.cadre_id)
            for row in old_rows.iterator()
        ),
        batch_size=1000,
    )


def copy_back_to_plain_table(apps, schema_editor):
    Exam = apps.get_model("assessments", "Exam")
    ExamNamedCadre = apps.get_model("assessments", "ExamNamedCadre")
    Plain = Exam.eligible_cadres.through
    Plain.objects.bulk_create(
        (
            Plain(exam_id=row.exam_id, cadre_id=row.cadre_id)
            for row in ExamNamedCadre.objects.order_by("pk").iterator()
        ),
        batch_size=1000,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0003_prepared_papers'),
        ('personnel', '0006_batch_print_chunks_done'),
    ]

    operations = [
        migrations.CreateModel(
            name='ExamNamedCadre',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('cadre', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='personnel.cadre', verbose_name='cadre')),
                ('exam', modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='named_cadres', to='assessments.exam')),
            ],
            options={
                'verbose_name': 'named cadre',
                'verbose_name_plural': 'named cadres',
                'ordering': ['id'],
                'constraints': [models.UniqueConstraint(fields=('exam', 'cadre'), name='exam_names_a_cadre_once')],
            },
        ),
        migrations.RunPython(copy_to_named_cadres, copy_back_to_plain_table),
        migrations.RemoveField(
            model_name='exam',
            name='eligible_cadres',
        ),
        migrations.AddField(
            model_name='exam',
            name='eligible_cadres',
            field=models.ManyToManyField(blank=True, related_name='+', through='assessments.ExamNamedCadre', to='personnel.cadre', verbose_name='named cadres'),
        ),
    ]
