from django.db import migrations, models


class Migration(migrations.Migration):
    """Area measures summed up the tree: a level beside the area's code."""

    dependencies = [("reports", "0001_initial")]

    operations = [
        migrations.RemoveIndex(model_name="areameasure", name="am_build_year_village"),
        migrations.RenameField(model_name="areameasure", old_name="village", new_name="area"),
        migrations.AddField(
            model_name="areameasure",
            name="level",
            field=models.CharField(db_default="village", default="village", max_length=10),
        ),
        migrations.AddIndex(
            model_name="areameasure",
            index=models.Index(
                fields=["build", "year", "level", "area"], name="am_build_year_level_area"
            ),
        ),
    ]
