"""Papers drawn in advance become attempts in status "prepared" with their
paper items; PreparedPaper keeps the link and the first page markup."""

from decimal import Decimal

import django.db.models.deletion
from django.db import migrations, models

import assessments.models.attempt


def papers_to_attempts(apps, schema_editor):
    """Each prepared paper (its items as JSON) becomes a prepared attempt
    with its items; one whose candidate has an attempt already is dropped."""
    PreparedPaper = apps.get_model("assessments", "PreparedPaper")
    Attempt = apps.get_model("assessments", "Attempt")
    PaperItem = apps.get_model("assessments", "PaperItem")
    for paper in PreparedPaper.objects.select_related("exam").iterator():
        if Attempt.objects.filter(
            exam_id=paper.exam_id, cadre_id=paper.cadre_id
        ).exists():
            paper.delete()
            continue
        attempt = Attempt.objects.create(
            exam_id=paper.exam_id,
            cadre_id=paper.cadre_id,
            number=1,
            status="prepared",
            started_at=paper.prepared_at,
            deadline=paper.exam.closes_at,
            seed=paper.seed,
            close_reason="",
        )
        PaperItem.objects.bulk_create(
            PaperItem(
                attempt=attempt,
                position=item["position"],
                question_id=item["question_id"],
                points=Decimal(item["points"]),
                snapshot=item["snapshot"],
            )
            for item in paper.items
        )
        paper.attempt = attempt
        paper.save(update_fields=["attempt"])
    _check_now(schema_editor)


def _check_now(schema_editor):
    """PostgreSQL: check the deferred foreign keys of the rows written here
    now; ALTER TABLE below refuses to run with checks pending."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def attempts_to_papers(apps, schema_editor):
    """Backwards: prepared attempts become JSON items again."""
    PreparedPaper = apps.get_model("assessments", "PreparedPaper")
    Attempt = apps.get_model("assessments", "Attempt")
    PaperItem = apps.get_model("assessments", "PaperItem")
    for paper in PreparedPaper.objects.select_related("attempt").iterator():
        items = PaperItem.objects.filter(attempt_id=paper.attempt_id).order_by(
            "position"
        )
        paper.seed = paper.attempt.seed
        paper.items = [
            {
                "position": item.position,
                "question_id": item.question_id,
                "points": str(item.points),
                "snapshot": item.snapshot,
            }
            for item in items
        ]
        paper.save(update_fields=["seed", "items"])
    prepared = Attempt.objects.filter(status="prepared")
    PaperItem.objects.filter(attempt__in=prepared).delete()
    PreparedPaper.objects.filter(attempt__in=prepared).update(attempt=None)
    prepared.delete()
    _check_now(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0011_exam_number_limits"),
        ("personnel", "0006_batch_print_chunks_done"),
    ]

    operations = [
        migrations.AddField(
            model_name="preparedpaper",
            name="attempt",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="assessments.attempt",
                verbose_name="attempt",
            ),
        ),
        migrations.AlterField(
            model_name="preparedpaper",
            name="seed",
            field=models.BigIntegerField(null=True, verbose_name="random seed"),
        ),
        migrations.AlterField(
            model_name="preparedpaper",
            name="items",
            field=models.JSONField(null=True, verbose_name="questions as drawn"),
        ),
        migrations.RunPython(papers_to_attempts, attempts_to_papers),
        migrations.RemoveField(model_name="preparedpaper", name="items"),
        migrations.RemoveField(model_name="preparedpaper", name="seed"),
        migrations.AlterField(
            model_name="preparedpaper",
            name="attempt",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="assessments.attempt",
                verbose_name="attempt",
            ),
        ),
        migrations.AlterField(
            model_name="attempt",
            name="cadre",
            field=models.ForeignKey(
                on_delete=assessments.models.attempt.protect_started,
                related_name="+",
                to="personnel.cadre",
                verbose_name="cadre",
            ),
        ),
        migrations.AlterField(
            model_name="attempt",
            name="exam",
            field=models.ForeignKey(
                on_delete=assessments.models.attempt.protect_started,
                related_name="attempts",
                to="assessments.exam",
                verbose_name="exam",
            ),
        ),
        migrations.AlterField(
            model_name="paperitem",
            name="question",
            field=models.ForeignKey(
                db_index=False,
                on_delete=assessments.models.attempt.protect_question,
                related_name="paper_items",
                to="assessments.question",
                verbose_name="question",
            ),
        ),
    ]
