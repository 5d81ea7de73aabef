"""What the browser tests share: logging in, the question, axe, screenshots, drawn photos."""

import math
import re
from pathlib import Path

from captcha.models import CaptchaStore
from django.conf import settings
from PIL import Image, ImageDraw, ImageFilter

from tests import factories

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SHARE_LABELS = ["Email", "X", "Facebook", "Mastodon", "Bluesky", "Telegram", "WhatsApp"]


def admin_login(page, user, password=factories.PASSWORD):
    """Log in through the admin's own login form."""
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


def question_key(page):
    """The key of the question the comment form holds, once the page's script fetched it."""
    page.wait_for_function(
        "() => document.querySelector('form.comment-form input[name=captcha_0]').value !== ''"
    )
    return page.locator("form.comment-form input[name=captcha_0]").input_value()


def stored_answer(key):
    """The one shortcut through the ORM the flows take: the answer stored for a question."""
    return CaptchaStore.objects.get(hashkey=key).response


def wrong_answer(key):
    return str((int(stored_answer(key)) + 7) % 101)


def axe_violations(page, label):
    """axe-core with the WCAG 2.0/2.1 A and AA rules; each violation as readable lines."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    lines = []
    for violation in results.response["violations"]:
        lines.append(
            f"{label} ({page.url}): {violation['id']} [{violation['impact']}] {violation['help']}"
        )
        for node in violation["nodes"][:10]:
            target = " ".join(str(part) for part in node["target"])
            summary = re.sub(r"\s+", " ", node.get("failureSummary", ""))
            snippet = re.sub(r"\s+", " ", node.get("html", ""))[:160]
            lines.append(f"    {target}\n      {snippet}\n      {summary}")
    return lines


def screenshot(page, name):
    """A full-page PNG in test-artifacts/screenshots/ (ignored by git)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def visible_text(page, selector="main"):
    return re.sub(r"\s+", " ", page.locator(selector).inner_text()).strip()


# --- pictures drawn for the tests ---------------------------------------------------


def _gradient(size, top, bottom):
    width, height = size
    picture = Image.new("RGB", size)
    draw = ImageDraw.Draw(picture)
    for y in range(height):
        t = y / max(height - 1, 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    return picture


def river_photo(width=1200, height=675):
    """A river valley at dusk with a crowd holding a banner on the bank."""
    picture = _gradient((width, height), (245, 170, 110), (110, 140, 185))
    draw = ImageDraw.Draw(picture)
    draw.ellipse(
        [width * 0.68, height * 0.18, width * 0.78, height * 0.18 + width * 0.1],
        fill=(255, 226, 160),
    )
    for layer, (colour, base, amplitude) in enumerate(
        [((92, 108, 140), 0.48, 0.08), ((64, 92, 98), 0.58, 0.06), ((44, 74, 62), 0.68, 0.05)]
    ):
        points = [(0, height)]
        for x in range(0, width + 20, 20):
            y = height * (base + amplitude * math.sin(x / (90 + 40 * layer) + layer * 1.7))
            points.append((x, y))
        points.append((width, height))
        draw.polygon(points, fill=colour)
    river = [
        (width * 0.38, height * 0.7),
        (width * 0.5, height * 0.7),
        (width * 0.9, height),
        (width * 0.05, height),
    ]
    draw.polygon(river, fill=(120, 170, 205))
    for i in range(14):  # people on the left bank
        x = width * 0.06 + i * width * 0.022
        y = height * 0.8 + (i % 3) * 4
        draw.ellipse([x - 7, y - 44, x + 7, y - 30], fill=(30, 30, 38))
        draw.rectangle([x - 8, y - 30, x + 8, y + 6], fill=(30 + 9 * (i % 4), 34, 48))
    draw.rectangle(
        [width * 0.07, height * 0.775, width * 0.33, height * 0.82], fill=(236, 232, 222)
    )
    draw.rectangle([width * 0.09, height * 0.79, width * 0.31, height * 0.805], fill=(163, 22, 26))
    return picture.filter(ImageFilter.SMOOTH)


def workshop_photo(width=900, height=600):
    """People around a table with papers, seen from above."""
    picture = _gradient((width, height), (214, 200, 178), (176, 158, 132))
    draw = ImageDraw.Draw(picture)
    draw.rounded_rectangle(
        [width * 0.2, height * 0.28, width * 0.8, height * 0.72], radius=24, fill=(120, 84, 52)
    )
    for i, (x, y) in enumerate([(0.3, 0.36), (0.45, 0.52), (0.6, 0.38), (0.7, 0.58), (0.36, 0.6)]):
        angle = -8 + 5 * i
        sheet = Image.new("RGBA", (110, 140), (250, 250, 245, 255))
        sheet_draw = ImageDraw.Draw(sheet)
        for line in range(6):
            sheet_draw.line(
                [(12, 20 + line * 18), (98, 20 + line * 18)], fill=(120, 120, 130), width=3
            )
        sheet = sheet.rotate(angle, expand=True)
        picture.paste(sheet, (int(width * x - 55), int(height * y - 70)), sheet)
    seats = [
        (0.5, 0.14),
        (0.3, 0.18),
        (0.7, 0.18),
        (0.1, 0.5),
        (0.9, 0.5),
        (0.3, 0.85),
        (0.5, 0.88),
        (0.7, 0.85),
    ]
    for i, (x, y) in enumerate(seats):
        colour = [(163, 22, 26), (40, 80, 140), (60, 120, 80), (200, 140, 40)][i % 4]
        cx, cy = width * x, height * y
        draw.ellipse([cx - 46, cy - 30, cx + 46, cy + 30], fill=colour)
        draw.ellipse([cx - 20, cy - 20, cx + 20, cy + 20], fill=(70, 48, 36))
    return picture.filter(ImageFilter.SMOOTH)


def jpeg_file(picture, path, quality=82):
    picture.save(path, "JPEG", quality=quality)
    return path
