"""What the public templates call to show site pages and their menus (a Jinja2 extension)."""

from django.utils.safestring import mark_safe
from jinja2.ext import Extension


def site_menu(menu):
    """[(title, address)] of the published pages staff put in the header or footer menu.

    Read from the cache (pages.menus), so showing the menus costs a page no
    query; a change to a page in a menu makes every cached page stale
    (statements.pages.site_page_changed).
    """
    from .menus import menus

    return menus().get(menu, [])


def page_body(page):
    # Sanitized by statements.sanitize and rendered on save; staff-written only.
    return mark_safe(page.body_html)


class PageGlobals(Extension):
    def __init__(self, environment):
        super().__init__(environment)
        environment.globals["site_menu"] = site_menu
        environment.filters["page_body"] = page_body
