from django.db import migrations


def seed(apps, schema_editor):
    """The lead deadlines of monitoring, added to the shipped national figures."""
    from fupin.standards.parameters import seed_national_defaults

    seed_national_defaults(apps.get_model("standards", "PolicyValue"))


class Migration(migrations.Migration):
    dependencies = [("standards", "0005_procedure_days")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
