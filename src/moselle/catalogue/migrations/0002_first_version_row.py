"""The catalogue's version counter starts as one row numbered 0 (the actions also create it if missing)."""

from typing import Any

from django.db import migrations


def create_row(apps: Any, schema_editor: Any) -> None:
    version = apps.get_model("catalogue", "CatalogueVersion")
    version.objects.get_or_create(pk=1, defaults={"number": 0})


def remove_row(apps: Any, schema_editor: Any) -> None:
    apps.get_model("catalogue", "CatalogueVersion").objects.filter(pk=1).delete()


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_offer_and_version")]

    operations = [migrations.RunPython(create_row, remove_row)]
