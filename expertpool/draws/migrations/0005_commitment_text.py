"""The commitment is stored as its canonical JSON text (the exact bytes its hash covers) with a
summary, and the sealed label table holds the candidates in columns for the reveal.

Existing rows are converted: the canonical form is unique, so each stored hash is checked
against the new text.
"""

import hashlib
import json

from django.db import migrations, models


def _canonical(value):
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def _columns(candidates, experts):
    category_sets, employers = {}, {}
    category_set, employer = [], []
    for candidate in candidates:
        category_set.append(category_sets.setdefault(tuple(candidate["categories"]), len(category_sets)))
        key = candidate["employer_key"]
        employer.append(None if key is None else employers.setdefault(key, len(employers)))
    return {
        "labels": [c["label"] for c in candidates],
        "weights": [c["weight"] for c in candidates],
        "category_sets": [list(codes) for codes in category_sets],
        "category_set": category_set,
        "employers": list(employers),
        "employer": employer,
        "experts": [experts[c["label"]] for c in candidates],
    }


def forwards(apps, schema_editor):
    Draw = apps.get_model("draws", "Draw")
    DrawLabelTable = apps.get_model("draws", "DrawLabelTable")
    for draw in Draw.objects.all().iterator():
        document = draw.commitment
        text = _canonical(document)
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != draw.commitment_hash:
            raise RuntimeError(f"Draw {draw.pk}: the stored commitment does not match its hash.")
        summary = {**document, "candidates": []}
        Draw.objects.filter(pk=draw.pk).update(commitment_text=text, commitment_summary=summary)
        table = DrawLabelTable.objects.filter(draw_id=draw.pk).first()
        if table is not None:
            candidates = document["candidates"]
            listed = {c["label"] for c in candidates}
            DrawLabelTable.objects.filter(pk=table.pk).update(
                candidates=_columns(candidates, table.labels),
                excluded={label: expert for label, expert in table.labels.items() if label not in listed},
            )


class Migration(migrations.Migration):
    dependencies = [("draws", "0004_label_table_one_row")]

    operations = [
        migrations.AddField(
            model_name="draw",
            name="commitment_text",
            field=models.TextField(default="", verbose_name="commitment"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="draw",
            name="commitment_summary",
            field=models.JSONField(default=dict, verbose_name="commitment summary"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="drawlabeltable",
            name="candidates",
            field=models.JSONField(default=dict),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="drawlabeltable",
            name="excluded",
            field=models.JSONField(default=dict),
            preserve_default=False,
        ),
        # Forwards only: the old columns are gone afterwards.
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False),
        migrations.RemoveField(model_name="draw", name="commitment"),
        migrations.RemoveField(model_name="drawlabeltable", name="labels"),
    ]
