from django.db import migrations


def load(apps, schema_editor):
    from moselle.reporting.regulations import sync

    sync(apps.get_model("reporting", "Regulation"))


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
