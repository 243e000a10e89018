# The household-year rows are keyed by (build, year, household) instead of a serial id with a
# second index. Django cannot turn a table's key into a composite one in place, and every row
# is derived (the next rebuild writes them again), so the table is made anew.

import django.db.models.fields.composite
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_area_levels"),
    ]

    operations = [
        migrations.DeleteModel(name="HouseholdYear"),
        migrations.CreateModel(
            name="HouseholdYear",
            fields=[
                (
                    "pk",
                    django.db.models.fields.composite.CompositePrimaryKey(
                        "build",
                        "year",
                        "household_id",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("build", models.IntegerField()),
                ("year", models.PositiveSmallIntegerField()),
                ("household_id", models.IntegerField()),
                ("village", models.CharField(max_length=12)),
                ("kind", models.CharField(blank=True, max_length=20)),
                ("persons", models.PositiveSmallIntegerField()),
                ("exited", models.PositiveSmallIntegerField(default=0)),
                ("main_cause", models.CharField(blank=True, max_length=30)),
            ],
        ),
    ]
