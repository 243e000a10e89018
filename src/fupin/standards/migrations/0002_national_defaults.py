from django.db import migrations


def seed(apps, schema_editor):
    """The national figures as shipped (parameters.PARAMETERS); provinces add their own."""
    from fupin.standards.parameters import NATIONAL, PARAMETERS

    PolicyValue = apps.get_model("standards", "PolicyValue")
    for parameter in PARAMETERS.values():
        for year, value in parameter.defaults.items():
            PolicyValue.objects.get_or_create(
                province=NATIONAL,
                year=year,
                key=parameter.key,
                defaults={"value": value, "note": "国家默认值"},
            )


class Migration(migrations.Migration):
    dependencies = [("standards", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
