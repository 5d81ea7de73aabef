"""Demo content for a fresh checkout: invented organizations, statements and pictures.

Everything here is fiction written for this project: the organizations, the city
of Riverside, the people quoted and the photo agencies do not exist. Pictures are
drawn with Pillow at load time, so no binary files live in git.

`make run` calls the loader on every start; the command loads only into a site
without statements. Loading is keyed by slug (and by username for the staff
accounts) and skips whatever is already there, so `load_demo --restore` adds
back only what is missing.
"""

import math
import random
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from io import BytesIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFilter, ImageFont

from .models import EditorNote, Image, Organization, StaffProfile, Statement, Topic

# --- Pictures -------------------------------------------------------------------

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


# --- Organizations and topics ---------------------------------------------------

ORGANIZATIONS = [
    {
        "slug": "coalition-for-peaceful-futures",
        "name": "Coalition for Peaceful Futures",
        "url": "https://peacefutures.example.org/",
        "description": (
            "A network of local peace groups working for disarmament, diplomacy and "
            "the protection of civilians in conflict."
        ),
    },
    {
        "slug": "riverside-tenants-alliance",
        "name": "Riverside Tenants’ Alliance",
        "url": "https://riverside-tenants.example.org/",
        "description": (
            "Tenants organizing building by building for fair rents, timely repairs "
            "and an end to no-fault evictions."
        ),
    },
    {
        "slug": "harbour-workers-assembly",
        "name": "Harbour Workers’ Assembly",
        "url": "https://harbourworkers.example.org/",
        "description": (
            "A cross-union assembly of dock, warehouse and transport workers in the "
            "port of Riverside."
        ),
    },
    {
        "slug": "green-commons-network",
        "name": "Green Commons Network",
        "url": "https://greencommons.example.org/",
        "description": (
            "Neighbourhood climate groups pushing for clean energy, cooler streets and "
            "a transition that leaves no worker behind."
        ),
    },
    {
        "slug": "northgate-tenants-union",
        "name": "Northgate Tenants’ Union",
        "url": "https://northgate-tenants.example.org/",
        "description": (
            "An allied tenants’ union in the Northgate district, running a day centre "
            "and winter outreach with volunteers."
        ),
    },
]

TOPICS = [
    {
        "slug": "peace",
        "name": "Peace",
        "description": "Disarmament, diplomacy and the protection of civilians.",
    },
    {
        "slug": "housing",
        "name": "Housing",
        "description": "Rents, repairs, evictions, shelters and the right to a home.",
    },
    {
        "slug": "labor",
        "name": "Labor",
        "description": "Wages, safety at work and the freedom to organize.",
    },
    {
        "slug": "climate",
        "name": "Climate",
        "description": "Heat, floods, clean energy and a fair transition.",
    },
]


# --- Statements -----------------------------------------------------------------


@dataclass(frozen=True)
class DemoStatement:
    slug: str
    title: str
    organizations: tuple
    topics: tuple
    # Publish time relative to the load, so a fresh demo always has recent news
    # and an archive spread over several months.
    days_ago: int
    summary: str
    # `[[figure:key]]` marks where an image from IMAGES goes between paragraphs.
    body: str
    issued_days_before: int = 0
    status: str = Statement.Status.PUBLISHED
    featured_image: str = ""
    source_name: str = ""
    source_url: str = ""
    editor_note: str = ""


STATEMENTS = [
    DemoStatement(
        slug="open-the-winter-shelters-at-zero",
        title="Open the winter shelters at 0 °C, not at \u221210 °C",
        organizations=("northgate-tenants-union",),
        topics=("housing",),
        days_ago=4,
        issued_days_before=2,
        summary=(
            "The city opens its emergency shelters only below \u221210 °C. Our allies in "
            "Northgate ask for a threshold at freezing, daytime opening on the coldest "
            "days and a decision published by noon."
        ),
        source_name="Northgate Tenants’ Union",
        source_url=(
            "https://northgate-tenants.example.org/statements/open-the-winter-shelters-at-zero/"
        ),
        editor_note=(
            "We repost this statement from our allies at the Northgate Tenants’ Union with "
            "their permission. The council’s social affairs committee discusses the winter "
            "shelter rules at its next session; the agenda is public."
        ),
        featured_image="warm-beds-poster",
        body="""
<p>Every winter the city opens its emergency shelters only when the night-time
temperature is forecast to fall below \u221210 °C. Above that line, people sleeping
outside are expected to manage on their own. We believe this threshold is arbitrary,
dangerous and out of step with what doctors and outreach workers tell us.</p>
<p>Hypothermia does not wait for a round number. Wet clothing, wind, hunger and
exhaustion put people at risk well above freezing. Last winter, our outreach
volunteers recorded eleven nights on which people left the day centre at closing
time with nowhere to go, while the temperature hovered just above the official
limit.</p>
[[figure:northgate-night]]
<h2>What we are asking for</h2>
<ul>
<li>Open the emergency shelters whenever the forecast is 0 °C or below, or when rain
and wind make it feel that cold.</li>
<li>Keep them open during the day on the coldest days, instead of sending people back
onto the street at eight in the morning.</li>
<li>Publish the decision by noon each day, so that outreach teams can tell people
where to go.</li>
<li>Involve people who have slept outside in reviewing the rules every autumn.</li>
</ul>
<h2>It can be done</h2>
<p>Several cities of a similar size already open their shelters at freezing. The
extra cost is modest: heating, staff hours and hot meals for the nights between
0 °C and \u221210 °C. It is far less than the cost of emergency admissions, and it
cannot be weighed against a single life.</p>
<blockquote><p>“The cold does not check the forecast before it gets into your bones. At
minus two I could not feel my feet, and the shelter was still closed.”</p>
<p>— A Northgate resident who slept outside last winter</p></blockquote>
<p>We call on the city council to change the rule before the first frost. We thank
the volunteers, nurses and neighbours who keep the day centre going, and we invite
every tenants’ group in the city to add its name to this appeal.</p>
""",
    ),
    DemoStatement(
        slug="our-harbour-will-not-become-an-arms-depot",
        title="Our harbour will not become an arms depot",
        organizations=(
            "harbour-workers-assembly",
            "coalition-for-peaceful-futures",
            "green-commons-network",
        ),
        topics=("peace", "labor"),
        days_ago=19,
        issued_days_before=1,
        summary=(
            "The port authority is quietly negotiating to lease the old grain terminal for "
            "military shipments. Workers and residents were not asked. We call for the "
            "lease to be published and a public hearing held."
        ),
        featured_image="harbour-gates",
        body="""
<p>The port authority has confirmed that it is negotiating a long-term lease of the
old grain terminal to a logistics company that specializes in moving military
equipment. The plan was never announced; it surfaced in the minutes of a board
meeting. We, the undersigned organizations, oppose it.</p>
<h2>A port for the city, not for wars</h2>
<p>Our harbour was rebuilt with public money to serve trade, fishing and the ferries
that link the islands to the mainland. Turning a third of its quay space into a
transit point for weapons would make it a target, crowd out civilian work and tie
the city to conflicts its residents have never been asked about.</p>
<p>Dock workers tell us they were not consulted on safety rules for handling
munitions, and that the terminal’s fire equipment dates from the days when it
stored grain. The families in the streets behind the terminal were not told at
all.</p>
<blockquote><p>“We load whatever keeps the city fed and working. Nobody asked us whether
we want to load shells, and nobody asked the families who live four hundred metres
from the quay.”</p>
<p>— A crane operator and member of the Harbour Workers’ Assembly</p></blockquote>
<h2>Our demands</h2>
<ol>
<li>Publish the draft lease and every safety assessment made for it.</li>
<li>Hold a public hearing before the port board votes.</li>
<li>Invest in the terminal for civilian uses: a ferry hub, cold storage for the
fishing fleet, a repair yard for wind turbine parts.</li>
</ol>
<p>Peace is built in ordinary places, through ordinary decisions. A city that
refuses to become a link in the supply chain of war is making one of them.</p>
""",
    ),
    DemoStatement(
        slug="heat-rules-for-warehouse-workers-now",
        title="Heat rules for warehouse workers, now",
        organizations=("harbour-workers-assembly", "green-commons-network"),
        topics=("labor", "climate"),
        days_ago=33,
        summary=(
            "Workers measured 38 °C under a warehouse roof while pick rates stayed the same. "
            "We call for a maximum indoor working temperature, paid cooling breaks and no "
            "targets during heat alerts."
        ),
        featured_image="warehouse-crowd",
        body="""
<p>On the hottest afternoon of the summer, workers in Hall 4 of the logistics park
measured 38 °C under the roof, while the handheld scanners kept counting picks per
hour as if it were a cool spring morning. Two people fainted during that shift.
Neither incident appears in the company’s accident log.</p>
<p>Heat is now a workplace hazard every year, not an exception. Yet the rules that
protect indoor workers were written for a climate we no longer have, and they set
no upper temperature limit at all.</p>
[[figure:hall-four]]
<h2>What workers need</h2>
<ul>
<li>A legal maximum indoor working temperature, with work slowing or stopping above
it.</li>
<li>Paid cooling breaks of at least ten minutes every hour above 30 °C.</li>
<li>Free drinking water and a shaded rest area within two minutes’ walk of every
workstation.</li>
<li>No productivity targets during official heat alerts.</li>
<li>Thermometers that everyone can read, with readings kept for a year.</li>
</ul>
<p>These measures cost little compared with the hours lost to heat exhaustion. They
also belong in any serious climate policy: adapting workplaces to the heat we
already have is part of a fair transition.</p>
<p>We invite workers in every warehouse and depot to log temperatures this summer and
send them to us. Together we will take them to the labour inspectorate.</p>
""",
    ),
    DemoStatement(
        slug="the-flood-plan-leaves-the-east-bank-behind",
        title="The flood plan leaves the east bank behind",
        organizations=("green-commons-network",),
        topics=("climate", "housing"),
        days_ago=47,
        issued_days_before=1,
        summary=(
            "The new flood protection plan protects the business district first and leaves "
            "the low-lying east bank for a later phase with no date and no budget."
        ),
        body="""
<p>The city’s new flood protection plan is a serious piece of work, and we welcome
much of it. But read the maps closely and a pattern appears: the new walls and
pumping stations protect the business district and the west bank first, while the
low-lying streets of the east bank wait for “a later phase” with no date and no
budget.</p>
<p>The east bank is where rents are lowest, where most basement flats are, and where
the water came in three times in the last ten years. Its residents paid for the
clean-up themselves, often with borrowed money.</p>
<h2>Fair protection, in the right order</h2>
<p>We ask the council to rank flood works by the number of homes at risk and by how
hard it is for residents to recover, not by the value of the property behind the
wall. In practice that means:</p>
<ul>
<li>bringing the east bank pumping station into the first phase;</li>
<li>grants for flood doors and raised sockets in basement flats, open to tenants as
well as owners;</li>
<li>early warnings by text message in the five languages most spoken on the east
bank;</li>
<li>parks and verges that can hold water, not only concrete that pushes it
elsewhere.</li>
</ul>
<blockquote><p>Climate adaptation that protects the wealthy first is not adaptation. It is
a decision about who is allowed to be flooded.</p></blockquote>
<p>The consultation is open for six more weeks. We encourage everyone who lives or
works on the east bank to respond, and we will hold an information evening at the
community hall on Mill Lane.</p>
""",
    ),
    DemoStatement(
        slug="no-fault-evictions-rose-by-a-third",
        title="No-fault evictions rose by a third this year",
        organizations=("riverside-tenants-alliance",),
        topics=("housing",),
        days_ago=62,
        summary=(
            "Landlords in Riverside started 1,240 eviction cases against tenants who had done "
            "nothing wrong. We call for an end to no-fault evictions and free legal advice "
            "for every tenant served a notice."
        ),
        featured_image="east-side-blocks",
        body="""
<p>New figures from the county court show that landlords in Riverside started 1,240
eviction cases this year in which the tenant had done nothing wrong: no arrears, no
damage, no complaint. That is a third more than last year, and the highest number
since records began.</p>
<p>Behind each case is a household that has to find a new home in a city where rents
have risen far faster than wages. Children change schools. Older tenants lose the
neighbours who looked in on them. People who asked for a repair learn that asking
was a risk.</p>
<blockquote><p>“We reported the mould in January. In March we got the notice. The letter
said the landlord wanted to refurbish. In May the flat was advertised again, for two
hundred more a month.”</p>
<p>— A tenant from Riverside’s east side</p></blockquote>
<h2>End no-fault evictions</h2>
<p>A landlord should need a reason to end a tenancy, and that reason should be
tested. We call on the government to keep its promise to abolish no-fault
evictions, and on the city to act in the meantime: fund free legal advice for every
tenant who receives a notice, and publish eviction figures street by street every
quarter.</p>
<p>If you have received a notice, you are not alone. Our advice sessions run every
Tuesday evening, and nobody has to face a landlord or a court without support.</p>
""",
    ),
    DemoStatement(
        slug="diplomacy-is-not-weakness",
        title="Diplomacy is not weakness",
        organizations=("coalition-for-peaceful-futures",),
        topics=("peace",),
        days_ago=78,
        summary=(
            "Calls for negotiation are increasingly dismissed as naive. We answer calmly: "
            "every war ends at a table, and the only question is how many people die first."
        ),
        body="""
<p>In recent weeks, more and more voices in public debate have treated any call for
negotiation as naive, or even as disloyal. We want to answer them calmly, because
the stakes are too high for slogans.</p>
<p>Diplomacy is not the opposite of strength. It is the work of turning strength into
agreements that hold: ceasefires that are monitored, prisoners who come home,
corridors through which food and medicine can pass. Every war in living memory
ended at a table. The only question is how many people die before the parties reach
it.</p>
<h2>What we ask of our government</h2>
<ul>
<li>Support every credible effort at mediation, including those led by neutral states
and regional bodies.</li>
<li>Restore funding for the civilian peace service, which has been cut three years in
a row.</li>
<li>Make arms export decisions transparent and subject to parliamentary
scrutiny.</li>
<li>Defend the right of citizens to argue for peace without being accused of siding
with an aggressor.</li>
</ul>
<blockquote><p>Talking to an adversary is not a reward for the adversary. It is a duty to
the people caught between the armies.</p></blockquote>
<p>We will keep holding our vigils on the first Sunday of each month, and we welcome
everyone who believes that peace is something to work for, not something to wait
for.</p>
""",
    ),
    DemoStatement(
        slug="port-automation-a-seat-at-the-table",
        title="Port automation: a seat at the table, not a pink slip",
        organizations=("harbour-workers-assembly",),
        topics=("labor",),
        days_ago=95,
        summary=(
            "The container terminal is to be fully automated within four years. We are not "
            "against new machines, but every change on the quay has been negotiated, and "
            "this one must be too."
        ),
        featured_image="seat-at-the-table",
        body="""
<p>The port operator has announced that the container terminal will be fully
automated within four years. Remote-controlled cranes and driverless straddle
carriers will replace most of the jobs on the quay. The announcement came as a
press release. The people who run the terminal read about it on their phones.</p>
<p>We are not against new technology. Dock work has changed many times, and it has
often become safer. But every earlier change was negotiated, and this one must be
too.</p>
<h2>Our proposals</h2>
<ol>
<li>A joint committee of workers and management to plan every stage of the
change.</li>
<li>No compulsory redundancies: retraining, redeployment and early retirement on
full terms instead.</li>
<li>Independent safety testing of automated equipment before it operates alongside
people.</li>
<li>A share of the productivity gains, taken as shorter working hours without loss
of pay.</li>
</ol>
<p>The port stands on public land and has received public subsidies for decades. The
city has every right to ask that its modernization leaves no one behind.</p>
<blockquote><p>“I have worked on this quay for twenty-six years. I can learn a new
machine. What I cannot accept is being told that my experience is worth
nothing.”</p>
<p>— A lashing foreman at the container terminal</p></blockquote>
""",
    ),
    DemoStatement(
        slug="cool-roofs-for-every-school",
        title="Cool roofs for every school by 2030",
        organizations=("green-commons-network", "riverside-tenants-alliance"),
        topics=("climate",),
        days_ago=124,
        summary=(
            "Top-floor classrooms passed 32 °C before lunch last June. Reflective and planted "
            "roofs, shade trees and water fountains would keep children cooler without "
            "using any energy."
        ),
        body="""
<p>Last June, classrooms on the top floors of eleven Riverside schools passed 32 °C
before lunch. Teachers improvised with wet towels and borrowed fans; some schools
sent children home early. Heat like this is no longer rare, and the children who
suffer most are those whose homes are hot as well.</p>
<p>For many of these buildings there is a simple, proven answer: roofs that reflect
sunlight or carry plants instead of soaking up heat. They cost less than air
conditioning, use no energy and make the whole street a little cooler.</p>
[[figure:green-roofs]]
<h2>A plan for the next five years</h2>
<ul>
<li>Survey every school roof this year and publish the results.</li>
<li>Refit the hottest buildings first, starting before next summer.</li>
<li>Add shade trees and drinking fountains to every playground.</li>
<li>Open school gardens and cool classrooms to neighbours during heat waves.</li>
</ul>
<p>Parents, teachers and pupils know which rooms become unbearable. We invite them to
tell us, so that the first list of schools reflects real experience, not just a
spreadsheet.</p>
""",
    ),
    DemoStatement(
        slug="repairs-before-rent-rises",
        title="Repairs before rent rises",
        organizations=("riverside-tenants-alliance",),
        topics=("housing",),
        days_ago=150,
        summary=(
            "Tenants waiting months for heating and damp repairs have been told their rent "
            "will rise by up to nine per cent. No increase should be allowed until the "
            "repairs are done."
        ),
        body="""
<p>This month many tenants of the city’s largest private landlord received letters
announcing rent increases of up to nine per cent. The same tenants have been waiting
months, sometimes years, for broken heating, leaking windows and lifts that stop
between floors.</p>
<p>We asked our members to tell us about outstanding repairs. In two weeks, 312
households answered. The most common problems were:</p>
<ol>
<li>damp and mould, reported by more than half;</li>
<li>heating or hot water that fails for days at a time;</li>
<li>broken entry doors and stairwell lighting;</li>
<li>lifts out of service in buildings of eight floors or more.</li>
</ol>
<h2>No increase without repairs</h2>
<p>Rent is payment for a home in a decent state. Where a landlord has ignored repair
requests, an increase should not be allowed until the work is done and checked. We
have written to the council’s housing committee asking it to make this a condition
of the landlord licensing scheme.</p>
<blockquote><p>Our members are not asking for favours. They are asking for what they
already pay for.</p></blockquote>
<p>Tenants who received an increase letter can bring it to our Tuesday advice
session. We will help you check it, write down your repair history and, where it
makes sense, challenge the increase together with your neighbours.</p>
""",
    ),
    DemoStatement(
        slug="remember-the-victims-of-landmines",
        title="Remember the victims of landmines, and clear the fields",
        organizations=("coalition-for-peaceful-futures",),
        topics=("peace",),
        days_ago=180,
        issued_days_before=1,
        summary=(
            "Long after the fighting stops, mines keep killing civilians and keep farmland "
            "empty. We call for steady funding for clearance and lifelong support for "
            "survivors."
        ),
        featured_image="cleared-fields",
        body="""
<p>Long after the fighting stops, landmines and unexploded munitions go on killing.
Most of the people they injure are civilians, and many are children who pick up
something that looks like a toy or a piece of scrap metal. Farmers cannot plant
their fields, and families who fled cannot return home.</p>
<p>Clearing land is slow, careful and expensive work, but it works. Fields declared
safe are ploughed again within a season, and villages come back to life. Money
spent on clearance and on survivors is money spent on peace.</p>
<h2>Our call</h2>
<ul>
<li>Restore our country’s contribution to humanitarian demining, and commit to it for
five years rather than one.</li>
<li>Support survivors with long-term medical care, prosthetics and work.</li>
<li>Urge every state that has not yet done so to join the treaty banning
anti-personnel mines, and to stop using them.</li>
</ul>
<blockquote><p>A mine does not know when a war has ended. Only people can end it for
good, one field at a time.</p></blockquote>
<p>On the international day of mine awareness, our groups will read out the names of
deminers who lost their lives at work. We invite you to join us.</p>
""",
    ),
    DemoStatement(
        slug="solidarity-with-the-hospital-cleaners",
        title="Solidarity with the cleaners’ strike at Riverside General",
        organizations=("harbour-workers-assembly", "riverside-tenants-alliance"),
        topics=("labor",),
        days_ago=205,
        summary=(
            "The contracted cleaners at Riverside General Hospital are on strike for the same "
            "pay and conditions as the staff they work beside. We stand with them."
        ),
        body="""
<p>Since Monday, the cleaners at Riverside General Hospital have been on strike. They
are employed not by the hospital but by a contractor, on wages well below those of
hospital staff doing comparable work, with no sick pay for the first days of an
illness and shifts announced only a few days in advance.</p>
<p>Not long ago these same workers were called heroes. They cleaned the wards nobody
else wanted to enter. Today they are asking for what should be obvious: the same pay
and conditions as the people they work beside.</p>
<h2>What the strikers are asking for</h2>
<ul>
<li>Cleaning brought back in-house when the current contract ends.</li>
<li>Until then, pay equal to the hospital’s own pay scale.</li>
<li>Sick pay from the first day, and rotas published four weeks ahead.</li>
</ul>
<blockquote><p>“I have cleaned operating theatres for nine years. If I am sick, I lose
money. So I come to work sick, into a hospital. Who does that protect?”</p>
<p>— A cleaner on the picket line</p></blockquote>
<p>Many of the strikers are our neighbours and members. We will bring breakfast to
the picket line every morning this week, and we urge everyone to sign the petition
to the hospital board. An injury to one is an injury to all.</p>
""",
    ),
    DemoStatement(
        slug="free-buses-on-hot-days",
        title="Free buses on hot days are climate policy",
        organizations=("green-commons-network",),
        topics=("climate",),
        days_ago=232,
        summary=(
            "Whenever the city declares a heat alert, local buses and trams should be free "
            "until it ends, so that everyone can reach a cooler place."
        ),
        featured_image="heat-alert-evening",
        body="""
<p>During heat alerts, the city asks people to avoid strenuous activity, stay out of
the sun and check on older neighbours. It also keeps charging full fares on the
buses that could carry them to cooler places, including the air-conditioned
libraries it has opened as cooling centres.</p>
<p>We propose a simple rule: whenever the city declares a heat alert, local buses and
trams are free for everyone until the alert ends.</p>
<h2>Why it matters</h2>
<p>Free transport on hot days helps the people most at risk from the heat and least
able to escape it: older people, parents with small children, and everyone who
cannot afford a car or a taxi. It takes cars off the road on the days when fumes and
heat together make the air hardest to breathe. And it shows, in a way everyone
notices, that public transport is part of how a city looks after its residents.</p>
<blockquote><p>A cooling centre you cannot afford to reach is not a cooling
centre.</p></blockquote>
<p>The cost is modest: heat alerts were declared on nine days last summer. We ask the
transport committee to trial the rule next summer and to publish an evaluation in
the autumn.</p>
""",
    ),
    DemoStatement(
        slug="response-to-the-housing-budget",
        title="Response to the city’s housing budget",
        organizations=("riverside-tenants-alliance",),
        topics=("housing",),
        days_ago=1,
        status=Statement.Status.DRAFT,
        summary="Our first reading of the draft housing budget. Not yet agreed by members.",
        body="""
<p>Notes for our response to the draft housing budget, to be agreed at the members’
meeting before publication.</p>
<ul>
<li>Welcome: the larger repair grant for social housing.</li>
<li>Concern: no new money for tenants’ legal advice.</li>
<li>Ask: a budget line for eviction prevention, with targets.</li>
</ul>
<p>Figures still to be checked against the final budget document.</p>
""",
    ),
    DemoStatement(
        slug="day-of-action-for-a-living-wage",
        title="Day of action for a living wage",
        organizations=(
            "harbour-workers-assembly",
            "riverside-tenants-alliance",
            "green-commons-network",
        ),
        topics=("labor",),
        days_ago=-30,
        summary=(
            "Workers, tenants and neighbours march from the harbour gates to the town hall "
            "for wages that keep up with rents, food and energy."
        ),
        body="""
<p>Today workers, tenants and neighbours across Riverside take part in a day of
action for a living wage. Wages in the city have not kept up with rents, food and
energy, and too many people who work full time cannot make ends meet.</p>
<h2>Join us</h2>
<p>We gather at the harbour gates at ten and march together to the town hall, where
workers from the port, the hospital, shops and care homes will speak.</p>
<ul>
<li>Bring your colleagues, your neighbours and your placards.</li>
<li>The route is step-free; tell us if you need a seat at the rally.</li>
</ul>
<p>A living wage is not a luxury. It is the difference between getting by and going
under.</p>
""",
    ),
]


# --- Staff accounts -------------------------------------------------------------


def admin_url():
    # SITE_URL is the address `make run` serves on (PORT=, HOST=), not a fixed port.
    return f"{settings.SITE_URL}/{settings.ADMIN_URL_PATH}"


ACCOUNTS = [
    {
        "username": "editor",
        "group": "Editors",
        "first_name": "Jo",
        "last_name": "Brennan",
        "email": "editor@example.org",
        "initials": "jb",
    },
    {
        "username": "moderator",
        "group": "Moderators",
        "first_name": "Sam",
        "last_name": "Okafor",
        "email": "moderator@example.org",
        "initials": "",
    },
]


# --- Loading --------------------------------------------------------------------


@dataclass
class LoadResult:
    organizations: int = 0
    topics: int = 0
    statements: int = 0
    images: int = 0
    new_passwords: dict = field(default_factory=dict)  # username → password, shown once
    existing_accounts: list = field(default_factory=list)

    @property
    def loaded_content(self):
        return bool(self.organizations or self.topics or self.statements or self.images)


def existing_demo_accounts():
    names = [spec["username"] for spec in ACCOUNTS]
    existing = set(
        get_user_model().objects.filter(username__in=names).values_list("username", flat=True)
    )
    return [name for name in names if name in existing]


def _get_or_create_by_slug(model, spec):
    # Matching the name too avoids an IntegrityError when someone already created
    # an organization or topic of that name under another slug.
    existing = model.objects.filter(Q(slug=spec["slug"]) | Q(name=spec["name"])).first()
    if existing:
        return existing, False
    return model.objects.create(**spec), True


def _ensure_account(spec, result):
    User = get_user_model()
    user = User.objects.filter(username=spec["username"]).first()
    if user is not None:
        # An existing account is left exactly as it is: its password may have been
        # changed since, and it may not even be the demo's.
        result.existing_accounts.append(user.get_username())
        return user
    password = secrets.token_urlsafe(12)
    user = User.objects.create_user(
        username=spec["username"],
        email=spec["email"],
        password=password,
        first_name=spec["first_name"],
        last_name=spec["last_name"],
        is_staff=True,
    )
    user.groups.add(Group.objects.get(name=spec["group"]))
    if spec["initials"]:
        StaffProfile.objects.create(user=user, initials=spec["initials"])
    result.new_passwords[user.get_username()] = password
    return user


def _create_image(key, uploader, saved_files):
    spec = IMAGES[key]
    buffer = BytesIO()
    spec.draw().save(buffer, "JPEG", quality=90)
    image = Image(
        file=ContentFile(buffer.getvalue(), name=f"{key}.jpg"),
        alt_text=spec.alt_text,
        caption=spec.caption,
        credit=spec.credit,
        uploaded_by=uploader,
    )
    # The same checks as an upload in the admin, so the demo cannot hold an image
    # the site itself would refuse.
    image.full_clean()
    upload_name = image.file.name
    try:
        image.save()
    finally:
        # Image.save stores the file before inserting the row, so the file can exist
        # even when the insert fails.
        if image.file.name != upload_name:
            saved_files.append(image)
    return image


def _figure_html(image):
    # The shape statements.rendering expands at display time, adding the library's credit.
    return format_html(
        '<figure><img src="{}" alt="{}"><figcaption>{}</figcaption></figure>',
        settings.MEDIA_URL + image.file.name,
        image.alt_text,
        image.caption,
    )


_FIGURE_MARKER = re.compile(r"\[\[figure:(?P<key>[\w-]+)\]\]")


def _build_body(spec, uploader, saved_files, result):
    def figure(match):
        image = _create_image(match.group("key"), uploader, saved_files)
        result.images += 1
        return _figure_html(image)

    return _FIGURE_MARKER.sub(figure, spec.body).strip()


def _create_statement(spec, organizations, topics, editor, now, saved_files, result):
    publish_at = timezone.localtime(now).replace(
        hour=9, minute=30, second=0, microsecond=0
    ) - timedelta(days=spec.days_ago)
    featured = None
    if spec.featured_image:
        featured = _create_image(spec.featured_image, editor, saved_files)
        result.images += 1
    statement = Statement.objects.create(
        slug=spec.slug,
        title=spec.title,
        statement_date=(publish_at - timedelta(days=spec.issued_days_before)).date(),
        summary=spec.summary,
        body=_build_body(spec, editor, saved_files, result),
        status=spec.status,
        publish_at=publish_at,
        author=editor,
        featured_image=featured,
        source_name=spec.source_name,
        source_url=spec.source_url,
    )
    statement.organizations.set([organizations[slug] for slug in spec.organizations])
    statement.topics.set([topics[slug] for slug in spec.topics])
    if spec.editor_note:
        EditorNote.objects.create(
            statement=statement,
            text=spec.editor_note,
            editor=editor,
            placement=EditorNote.Placement.ABOVE,
        )
    result.statements += 1
    return statement


def load(now=None):
    """Create whatever part of the demo is missing; return what was created."""
    now = now or timezone.now()
    result = LoadResult()
    saved_files = []
    try:
        with transaction.atomic():
            accounts = {spec["username"]: _ensure_account(spec, result) for spec in ACCOUNTS}
            editor = accounts["editor"]
            organizations, topics = {}, {}
            for spec in ORGANIZATIONS:
                organizations[spec["slug"]], created = _get_or_create_by_slug(Organization, spec)
                result.organizations += created
            for spec in TOPICS:
                topics[spec["slug"]], created = _get_or_create_by_slug(Topic, spec)
                result.topics += created
            existing = set(
                Statement.objects.filter(slug__in=[s.slug for s in STATEMENTS]).values_list(
                    "slug", flat=True
                )
            )
            for spec in STATEMENTS:
                if spec.slug not in existing:
                    _create_statement(
                        spec, organizations, topics, editor, now, saved_files, result
                    )
    except BaseException:
        # A rollback forgets the Image rows but not the files already written to
        # storage; remove them so a failed load leaves nothing behind.
        for image in saved_files:
            image.delete_files()
        raise
    return result
