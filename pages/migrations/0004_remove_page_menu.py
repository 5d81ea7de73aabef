from django.db import migrations


class Migration(migrations.Migration):
    """A page's menu is its menu items now (0003 moved them there)."""

    dependencies = [
        ("pages", "0003_pages_in_menus_become_items"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='page',
            options={'ordering': ['title'], 'verbose_name': 'page', 'verbose_name_plural': 'pages'},
        ),
        migrations.RemoveField(
            model_name='page',
            name='menu',
        ),
        migrations.RemoveField(
            model_name='page',
            name='menu_order',
        ),
    ]
