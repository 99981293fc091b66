"""Why a seat was released, on the seat: filled in for seats released before, from their audit records."""

from django.db import migrations, models

# Audit codes of a release, and the rule each records (a re-draw's reason is its detail).
RELEASES = {"panel.seat_released": "redraw", "invitation.reserve_released": None}


def fill_from_audit(apps, schema_editor):
    PanelSeat = apps.get_model("draws", "PanelSeat")
    AuditRecord = apps.get_model("audit", "AuditRecord")
    records = AuditRecord.objects.filter(action__in=list(RELEASES), object_type="draws.panelseat").order_by("sequence")
    for record in records.iterator():
        rule = RELEASES[record.action] or record.data.get("reason", "")
        detail = record.data.get("reason", "") if record.action == "panel.seat_released" else record.data.get("detail", "")
        PanelSeat.objects.filter(pk=int(record.object_id), status="released").update(
            release_rule=rule, release_clause=record.clause, release_detail=detail
        )


class Migration(migrations.Migration):
    dependencies = [
        ("draws", "0006_sealed_tables_as_text"),
        ("audit", "0002_append_only_trigger"),
    ]

    operations = [
        migrations.AddField(
            model_name="panelseat",
            name="release_clause",
            field=models.CharField(blank=True, max_length=200, verbose_name="clause"),
        ),
        migrations.AddField(
            model_name="panelseat",
            name="release_detail",
            field=models.TextField(blank=True, verbose_name="why released"),
        ),
        migrations.AddField(
            model_name="panelseat",
            name="release_rule",
            field=models.CharField(blank=True, max_length=40, verbose_name="released under"),
        ),
        migrations.RunPython(fill_from_audit, migrations.RunPython.noop),
    ]
