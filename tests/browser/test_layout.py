"""Flow 5 and the look: a phone viewport (no sideways scrolling, 44 px tap targets); screenshots."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image

from comments.models import Comment
from tests.browser.support import PHONE, admin_login, screenshot

DOCS_SCREENSHOT = Path(settings.BASE_DIR) / "docs" / "screenshot-statement.png"
DOCS_MAX_BYTES = 500_000
MIN_TARGET = 44

# Links inside running text (a sentence, a caption) are exempt, as in WCAG 2.5.8:
# making them 44 px high would break the lines they sit in.
SMALL_TARGETS = """
(minimum) => {
    const interactive = "a[href], button, input:not([type=hidden]), textarea, select";
    const inText = ".statement__body, .comment__body, .editor-note, .page-intro, .byline, "
        + ".source, figcaption, .featured-credit, .empty, .field__help, .respond__replying";
    const small = [];
    for (const el of document.querySelectorAll(`main :is(${interactive})`)) {
        if (el.closest(".field--trap, .visually-hidden, [hidden]")) continue;
        if (el.tagName === "A" && el.closest(inText)) continue;
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.height === 0) continue;
        // A tap on a checkbox's or radio button's label ticks it: the label is its target.
        const labels = /^(checkbox|radio)$/.test(el.type) ? [...el.labels] : [];
        if (labels.some((label) => {
            const area = label.getBoundingClientRect();
            return area.height >= minimum && area.width >= minimum;
        })) continue;
        if (box.height < minimum || box.width < minimum) {
            const name = (el.getAttribute("aria-label") || el.textContent || el.name || "").trim();
            small.push(`${el.tagName.toLowerCase()}.${el.className || "-"} "${name.slice(0, 40)}": `
                + `${Math.round(box.width)}×${Math.round(box.height)} px`);
        }
    }
    return small;
}
"""


def scroll_width(page):
    """The page's width in CSS pixels; wider than the viewport means sideways scrolling."""
    return page.evaluate("() => document.documentElement.scrollWidth")


@pytest.mark.browser
def test_phone_no_horizontal_scrolling_and_big_tap_targets(browsing, demo_site, moderator_account):
    Comment.objects.create(  # something in the moderation queue
        statement=demo_site.statement,
        name="Jo Pending",
        email="jo@example.net",
        body="Waiting for a moderator; a long word: Wohnungslosenunterstützungsprogramm.",
    )
    phone = {"viewport": PHONE, "is_mobile": True, "has_touch": True}
    visitor = browsing.new_page("visitor", **phone)
    problems = []
    for label, path in [("home", "/"), ("statement", demo_site.url)]:
        visitor.goto(path)
        assert visitor.evaluate("innerWidth") == PHONE["width"]
        if (width := scroll_width(visitor)) > PHONE["width"]:
            problems.append(f"{label}: {width} px wide, scrolls sideways")
        problems += [
            f"{label}: {target}" for target in visitor.evaluate(SMALL_TARGETS, MIN_TARGET)
        ]

    moderator = browsing.new_page("moderator", **phone)
    admin_login(moderator, moderator_account)
    moderator.goto("/admin/comments/comment/")
    assert moderator.locator("#result_list tbody tr").count() == 1
    if (width := scroll_width(moderator)) > PHONE["width"]:
        problems.append(f"admin comment list: {width} px wide, scrolls sideways")

    assert not problems, "On a 375 px wide phone:\n" + "\n".join(problems)


@pytest.mark.browser
def test_screenshots_of_home_and_statement(browsing, demo_site):
    """Full-page PNGs in test-artifacts/screenshots/, desktop (1280) and phone (375).

    Also the statement page in dark mode, to look at the other colour scheme.

    UPDATE_DOCS_SCREENSHOT=1 also copies the desktop statement page to docs/ for the README.
    """
    shots = {}
    for device, options, pages in [
        ("desktop", {}, ["home", "statement"]),
        (
            "phone",
            {"viewport": PHONE, "is_mobile": True, "has_touch": True},
            ["home", "statement"],
        ),
        ("desktop-dark", {"color_scheme": "dark"}, ["statement"]),
    ]:
        page = browsing.new_page("visitor", **options)
        for name in pages:
            path = {"home": "/", "statement": demo_site.url}[name]
            page.goto(path)
            # A full-page picture shows what is below the fold: load and decode every image.
            page.evaluate(
                """async () => {
                    const images = [...document.images];
                    images.forEach(img => { img.loading = "eager"; });
                    await Promise.all(images.map(img => img.decode()));
                }"""
            )
            shots[f"{name}-{device}"] = screenshot(page, f"{name}-{device}")

    for name, path in shots.items():
        width = Image.open(path).size[0]
        assert width == (PHONE["width"] if name.endswith("phone") else 1280), (name, width)

    if os.environ.get("UPDATE_DOCS_SCREENSHOT") == "1" or not DOCS_SCREENSHOT.exists():
        save_small_png(shots["statement-desktop"], DOCS_SCREENSHOT)
        assert DOCS_SCREENSHOT.stat().st_size < DOCS_MAX_BYTES


def save_small_png(source, destination):
    """The screenshot as a 256-colour PNG, dithered so photos keep their gradients: half the bytes."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(source) as picture:
        rgb = picture.convert("RGB")
        palette = rgb.quantize(colors=256, method=Image.Quantize.MEDIANCUT)
        small = rgb.quantize(palette=palette, dither=Image.Dither.FLOYDSTEINBERG)
        small.save(destination, optimize=True)
