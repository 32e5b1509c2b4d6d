"""AuditEvent's base manager is its guarded manager: Django's own lookups (related objects, refresh_from_db) and
`AuditEvent._base_manager` get the queryset that refuses update and delete too. No change to the schema."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="auditevent",
            options={"base_manager_name": "objects", "ordering": ["-id"], "verbose_name": "审计日志",
                     "verbose_name_plural": "审计日志"},
        ),
    ]
