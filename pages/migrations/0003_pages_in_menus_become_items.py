from django.db import migrations


def pages_to_items(apps, schema_editor):
    """Every page in the header or footer menu becomes an item of that menu, in its order."""
    Page = apps.get_model("pages", "Page")
    MenuItem = apps.get_model("pages", "MenuItem")
    MenuItem.objects.bulk_create(
        MenuItem(menu=page.menu, order=page.menu_order, page=page)
        for page in Page.objects.exclude(menu="").order_by("menu_order", "title")
    )


def items_to_pages(apps, schema_editor):
    """Back: each page takes the first menu that links to it (other items are lost)."""
    Page = apps.get_model("pages", "Page")
    MenuItem = apps.get_model("pages", "MenuItem")
    for item in MenuItem.objects.filter(page__isnull=False, menu__in=["header", "footer"]).order_by(
        "-order", "-pk"
    ):
        Page.objects.filter(pk=item.page_id).update(menu=item.menu, menu_order=item.order)


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0002_menu_items"),
    ]

    operations = [
        migrations.RunPython(pages_to_items, items_to_pages),
    ]
