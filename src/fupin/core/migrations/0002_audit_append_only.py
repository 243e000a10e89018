from django.db import migrations

from fupin.core import audit_sql


def forwards(apps, schema_editor):
    audit_sql.install(schema_editor.connection)


def backwards(apps, schema_editor):
    audit_sql.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
