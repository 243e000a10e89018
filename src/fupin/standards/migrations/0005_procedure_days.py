from django.db import migrations


def seed(apps, schema_editor):
    """The notice lengths and deadlines of the procedures, added to the shipped national
    figures (seed_national_defaults writes only parameters without a national row)."""
    from fupin.standards.parameters import seed_national_defaults

    seed_national_defaults(apps.get_model("standards", "PolicyValue"))


class Migration(migrations.Migration):
    dependencies = [("standards", "0004_countyexitevaluation")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
