"""The demo's photos: drawn with Pillow at load time, so no binary files live in git.

The agencies and photographers named in the credits do not exist.
"""

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from PIL import Image as PILImage
from PIL import ImageDraw, ImageFilter, ImageFont

WIDTH, HEIGHT = 1600, 900


def _rgb(hex_colour):
    hex_colour = hex_colour.lstrip("#")
    return tuple(int(hex_colour[i : i + 2], 16) for i in (0, 2, 4))


def _mix(a, b, amount):
    return tuple(round(x + (y - x) * amount) for x, y in zip(a, b, strict=True))


def _gradient(top, bottom):
    mask = PILImage.linear_gradient("L").resize((WIDTH, HEIGHT), PILImage.Resampling.BILINEAR)
    return PILImage.composite(
        PILImage.new("RGB", (WIDTH, HEIGHT), _rgb(bottom)),
        PILImage.new("RGB", (WIDTH, HEIGHT), _rgb(top)),
        mask,
    )


def _soften(image, radius):
    # Blurring a quarter-size copy and scaling it back looks the same for these soft
    # shapes and is many times faster, which keeps the first `make run` quick.
    small = image.resize((WIDTH // 4, HEIGHT // 4), PILImage.Resampling.BOX)
    return small.filter(ImageFilter.GaussianBlur(radius / 4)).resize(
        (WIDTH, HEIGHT), PILImage.Resampling.BICUBIC
    )


def _font(size):
    # Pillow's bundled scalable font: the same on every machine, no system fonts needed.
    return ImageFont.load_default(size=size)


def _soft_lights(image, colours, rng, count, max_y):
    """Translucent discs blurred together, like lights out of focus."""
    # Drawn onto the picture itself before blurring: blurring a transparent layer
    # would pull black into the edges and leave grey halos.
    image = image.copy()
    draw = ImageDraw.Draw(image, "RGBA")
    for _ in range(count):
        r = rng.randint(20, 110)
        x, y = rng.randint(0, WIDTH), rng.randint(0, max_y)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(*_rgb(rng.choice(colours)), 90))
    return _soften(image, 20)


def draw_city(palette, seed):
    """A skyline of blocks with lit windows under a soft, out-of-focus sky."""
    rng = random.Random(seed)
    top, bottom, building, *lights = palette
    image = _soft_lights(_gradient(top, bottom), lights, rng, 36, int(HEIGHT * 0.7))
    draw = ImageDraw.Draw(image)
    for depth, base in ((0.45, 0.62), (0.0, 0.74)):
        colour = _mix(_rgb(building), _rgb(bottom), depth)
        x = rng.randint(-60, 0)
        while x < WIDTH:
            width, height = rng.randint(70, 190), rng.randint(80, 330)
            top_y = int(HEIGHT * base) - height
            draw.rectangle((x, top_y, x + width, HEIGHT), fill=colour)
            if not depth:
                for wy in range(top_y + 22, HEIGHT - 16, 36):
                    for wx in range(x + 14, x + width - 22, 30):
                        if rng.random() < 0.32:
                            draw.rectangle(
                                (wx, wy, wx + 12, wy + 17), fill=_rgb(rng.choice(lights))
                            )
            x += width + rng.randint(0, 14)
    return image


def draw_hills(palette, seed):
    """Layered hills under a hazy sun, nearer layers darker."""
    rng = random.Random(seed)
    sky_top, sky_bottom, sun, *layers = palette
    image = _gradient(sky_top, sky_bottom)
    x, y = rng.randint(300, 1300), rng.randint(170, 330)
    ImageDraw.Draw(image, "RGBA").ellipse(
        (x - 300, y - 300, x + 300, y + 300), fill=(*_rgb(sun), 120)
    )
    image = _soften(image, 90)
    ImageDraw.Draw(image).ellipse((x - 110, y - 110, x + 110, y + 110), fill=_rgb(sun))
    draw = ImageDraw.Draw(image)
    for i, colour in enumerate(layers):
        base, amplitude = HEIGHT * (0.55 + 0.12 * i), 60 - 8 * i
        slow, fast, phase = rng.uniform(1.5, 3), rng.uniform(4, 7), rng.uniform(0, math.tau)
        ridge = [
            (
                px,
                base
                + amplitude * math.sin(px / WIDTH * slow * math.pi + phase)
                + amplitude * 0.3 * math.sin(px / WIDTH * fast * math.pi),
            )
            for px in range(0, WIDTH + 20, 20)
        ]
        draw.polygon([(0, HEIGHT), *ridge, (WIDTH, HEIGHT)], fill=_rgb(colour))
    return image


def draw_crowd(palette, seed, signs):
    """Silhouettes of a gathering, some holding placards, against an evening sky."""
    rng = random.Random(seed)
    top, bottom, figure, *sign_colours = palette
    image = _soft_lights(_gradient(top, bottom), sign_colours, rng, 14, int(HEIGHT * 0.45))
    draw = ImageDraw.Draw(image)
    for row, (y, scale) in enumerate(((520, 0.8), (650, 0.95), (790, 1.1))):
        # Rows further back take on the sky's colour, as in haze.
        ink = _mix(_rgb(figure), _rgb(bottom), 0.3 * (2 - row) / 2)
        x, free_from = rng.randint(-40, 20), -WIDTH
        while x < WIDTH + 40:
            s = scale * rng.uniform(0.9, 1.1)
            head, body = 34 * s, 80 * s
            text = rng.choice(signs)
            font = _font(int(38 * s))
            left, _, right, _ = draw.textbbox((0, 0), text, font=font)
            sign_w, sign_h, sign_y = right - left + 44 * s, 90 * s, y - 250 * s
            if row < 2 and x - sign_w / 2 > free_from and rng.random() < 0.3:
                draw.line((x, y - 40 * s, x, sign_y + sign_h), fill=ink, width=int(8 * s))
                draw.rectangle(
                    (x - sign_w / 2, sign_y, x + sign_w / 2, sign_y + sign_h),
                    fill=_rgb(rng.choice(sign_colours)),
                )
                draw.text((x, sign_y + sign_h / 2), text, font=font, fill=ink, anchor="mm")
                free_from = x + sign_w / 2 + 20
            draw.ellipse((x - head, y - 2 * head - body * 0.2, x + head, y - body * 0.2), fill=ink)
            draw.rounded_rectangle(
                (x - body * 0.75, y - body * 0.1, x + body * 0.75, HEIGHT + 50),
                radius=int(40 * s),
                fill=ink,
            )
            x += int(rng.uniform(120, 170) * s)
    return image


def draw_poster(palette, seed, headline, subline):
    """A campaign poster: diagonal stripes, a disc and a slogan."""
    rng = random.Random(seed)
    background, ink, accent = palette
    image = PILImage.new("RGB", (WIDTH, HEIGHT), _rgb(background))
    draw = ImageDraw.Draw(image)
    slant = HEIGHT * 0.6
    for x in range(-HEIGHT, WIDTH, 270):
        draw.polygon(
            [(x, HEIGHT), (x + 45, HEIGHT), (x + 45 + slant, 0), (x + slant, 0)],
            fill=_rgb(accent),
        )
    # The disc stays clear of the slogan's panel below it.
    cx, cy, r = rng.randint(1100, 1350), rng.randint(210, 260), rng.randint(150, 220)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=_rgb(ink))
    big, small = _font(112), _font(46)
    head_box = draw.textbbox((120, 560), headline, font=big)
    sub_box = draw.textbbox((124, 710), subline, font=small)
    draw.rectangle(
        (90, 530, max(head_box[2], sub_box[2]) + 40, sub_box[3] + 40), fill=_rgb(background)
    )
    draw.text((120, 560), headline, font=big, fill=_rgb(ink))
    draw.text((124, 710), subline, font=small, fill=_rgb(accent))
    return image


@dataclass(frozen=True)
class DemoImage:
    draw: Callable[[], PILImage.Image]
    alt_text: str
    caption: str = ""
    credit: str = ""


IMAGES = {
    "warm-beds-poster": DemoImage(
        draw=partial(
            draw_poster,
            ["#f4ede1", "#1d2b4f", "#d6452f"],
            11,
            "WARM BEDS NOW",
            "Open the shelters at 0 °C",
        ),
        alt_text=(
            "Poster with the words “Warm beds now” in dark blue on a cream background "
            "crossed by red diagonal stripes."
        ),
        caption="A poster from the Northgate winter shelter campaign.",
        credit="© Lantern Street Pictures / Ines Varga",
    ),
    "northgate-night": DemoImage(
        draw=partial(draw_city, ["#0b1d3a", "#3b5b8c", "#0e1a33", "#ffd27a", "#ff9f5a"], 12),
        alt_text="Apartment blocks at night under a deep blue sky, a few windows lit.",
        caption="Northgate after dark: the day centre closes at eight, whatever the weather.",
        credit="© Photo: Kettle Yard Media",
    ),
    "harbour-gates": DemoImage(
        draw=partial(
            draw_crowd,
            ["#2d3561", "#c05c7e", "#1b1530", "#f3c623", "#f6f7eb", "#7fc8d6"],
            13,
            ["NO ARMS DEPOT", "PEACE", "A PORT FOR THE CITY"],
        ),
        alt_text=(
            "Silhouettes of a crowd at dusk under a purple and pink sky, "
            "some holding placards reading “No arms depot” and “Peace”."
        ),
        caption="Dock workers and neighbours at the harbour gates.",
        credit="© Tidewater Photo Cooperative / Lena Marsh",
    ),
    "warehouse-crowd": DemoImage(
        draw=partial(
            draw_crowd,
            ["#f2a65a", "#f7e1c4", "#2a2438", "#e94f37", "#f6f7eb", "#3f88c5"],
            14,
            ["WATER", "SHADE", "HEAT RULES NOW"],
        ),
        alt_text=(
            "Silhouettes of people against an orange sky holding placards reading "
            "“Water”, “Shade” and “Heat rules now”."
        ),
        caption="Warehouse workers and supporters outside the logistics park.",
        credit="© Saltmarsh Images / Teodor Lind",
    ),
    "hall-four": DemoImage(
        draw=partial(
            draw_poster,
            ["#fff3d6", "#8c1c13", "#f29e4c"],
            15,
            "38 °C",
            "Under the roof of Hall 4, 3 p.m.",
        ),
        alt_text="A sign reading “38 °C” in large dark red figures on a pale yellow background.",
        caption="The temperature logged under the roof of Hall 4 on the hottest afternoon.",
        credit="© Photo: Quayside Press Agency",
    ),
    "east-side-blocks": DemoImage(
        draw=partial(draw_city, ["#7db9e8", "#e8f1f8", "#5c6b7a", "#fdf6e3", "#cfe3f0"], 16),
        alt_text="A row of grey apartment blocks under a pale blue daytime sky.",
        caption="Rented blocks on Riverside’s east side.",
        credit="© Brightwell Photo Agency / Noor Haddad",
    ),
    "seat-at-the-table": DemoImage(
        draw=partial(
            draw_poster,
            ["#e0f2f1", "#0b3c49", "#2a9d8f"],
            17,
            "A SEAT AT THE TABLE",
            "Automation negotiated, not imposed",
        ),
        alt_text=(
            "Poster with the words “A seat at the table” in dark teal on a pale green "
            "background with green diagonal stripes."
        ),
        caption="The Harbour Workers’ Assembly’s poster for the automation talks.",
        credit="© Gull Point Photo / Paul Ferrant",
    ),
    "green-roofs": DemoImage(
        draw=partial(
            draw_hills,
            ["#8ec5e8", "#f6e3b4", "#fff4d6", "#8fbc6a", "#5e9150", "#2f5a35"],
            18,
        ),
        alt_text="Layered green hills under a pale blue sky with a hazy sun.",
        caption="Green roofs, trees and shade keep a school yard several degrees cooler.",
        credit="© Photo: Fernhill Studio",
    ),
    "cleared-fields": DemoImage(
        draw=partial(
            draw_hills,
            ["#f7b267", "#fde4c3", "#fff1d0", "#d4a537", "#9a8c3c", "#4f6d3a"],
            19,
        ),
        alt_text="Rolling golden and green hills under a warm evening sky with a low sun.",
        caption="Farmland that was cleared of mines and is farmed again.",
        credit="© Fernhill Studio / Agnes Kowal",
    ),
    "heat-alert-evening": DemoImage(
        draw=partial(draw_city, ["#5b2a86", "#f49f0a", "#2b193d", "#ffe66d", "#ff8c42"], 20),
        alt_text="A city skyline in silhouette against an orange and violet evening sky.",
        caption="The city on the evening of a heat alert.",
        credit="© Saltmarsh Images / Teodor Lind",
    ),
}
