from django.db import migrations


def seed(apps, schema_editor):
    """The national figures as shipped (parameters.PARAMETERS); provinces add their own."""
    from fupin.standards.parameters import seed_national_defaults

    seed_national_defaults(apps.get_model("standards", "PolicyValue"))


class Migration(migrations.Migration):
    dependencies = [("standards", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
