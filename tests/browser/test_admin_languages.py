"""The statement admin in Spanish and in Arabic (right to left), as an editor sees it."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.support import axe_violations, screenshot, visible_text

# language → (direction, the fieldset titles, the body's label, the list's status column)
SAYS = {
    "es": (
        "ltr",
        ["Publicación", "Idioma", "Imagen destacada", "Republicación"],
        "Cuerpo",
        "Estado",
    ),
    "ar": ("rtl", ["النشر", "اللغة", "الصورة البارزة", "إعادة النشر"], "النص", "الحالة"),
}


def _log_in(page, user):
    # The login form is in the site's language too: found by its fields, not their labels.
    page.goto("/admin/login/?next=/admin/")
    page.locator("#id_username").fill(user.get_username())
    page.locator("#id_password").fill(factories.PASSWORD)
    page.locator("#login-form [type=submit]").click()
    page.wait_for_url("**/admin/")


@pytest.mark.browser
@pytest.mark.parametrize("language", ["es", "ar"])
def test_statement_admin_in_the_language(browsing, editor_account, settings, language):
    settings.LANGUAGE_CODE = language
    direction, fieldsets, body_label, status_column = SAYS[language]
    statement = factories.make_draft("Clean water for every village", summary="Wells for all.")
    page = browsing.new_page("editor")
    _log_in(page, editor_account)

    page.goto(f"/admin/statements/statement/{statement.pk}/change/")
    expect(page.locator("html")).to_have_attribute("dir", direction)
    expect(page.locator(".field-body .ProseMirror[contenteditable=true]")).to_be_visible()
    expect(page.get_by_role("textbox", name=body_label)).to_be_visible()
    text = visible_text(page, "#content")
    for title in fieldsets:
        assert title in text, title
    assert "Publishing" not in text and "Featured image" not in text
    # Nothing wider than the window, whichever way the page runs.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    violations = axe_violations(page, f"statement change form ({language})")
    screenshot(page, f"admin-statement-{language}")

    page.goto("/admin/statements/statement/")
    expect(page.locator("#result_list thead")).to_contain_text(status_column)
    violations += axe_violations(page, f"statement list ({language})")
    screenshot(page, f"admin-statement-list-{language}")
    assert not violations, "\n".join(violations)
