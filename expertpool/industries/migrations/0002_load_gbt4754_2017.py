from django.db import migrations


def load(apps, schema_editor):
    from expertpool.industries.loading import load_table

    load_table(apps.get_model("industries", "IndustryCode"))


class Migration(migrations.Migration):
    dependencies = [("industries", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
