"""The reference statement's content, shared by bench/dataset.py and bench/wagtail_site.

No Django here: the Wagtail comparison (bench/wagtail_compare.py) loads the
same texts into a Wagtail project that runs in its own virtualenv.
"""

from datetime import timedelta
from io import BytesIO

from PIL import Image as PILImage
from PIL import ImageDraw

REFERENCE_SLUG = "fix-the-heating-before-the-nights-reach-minus-five"
REFERENCE_TITLE = "Fix the heating before the nights reach \u22125 °C"
COMMENTS = 50

EDITOR = {"username": "bench-editor", "first_name": "Ada", "last_name": "Reyes", "initials": "ar"}
ORGANIZATIONS = [
    ("East Side Tenants’ Association", "east-side-tenants-association",
     "https://east-side-tenants.example.org/"),
    ("Warm Homes Coalition", "warm-homes-coalition", "https://warm-homes.example.org/"),
]  # fmt: skip
TOPICS = [("Housing", "housing"), ("Energy", "energy")]
SUMMARY = (
    "214 households reported heating failures this autumn. We ask the housing "
    "company for checks, 48-hour repairs and automatic rent reductions before the "
    "frost."
)
SOURCE_NAME = "Warm Homes Coalition"
SOURCE_URL = "https://warm-homes.example.org/statements/fix-the-heating/"
EDITOR_NOTE = (
    "We repost this statement from the Warm Homes Coalition with their permission. "
    "The housing committee discusses heating repairs at its session next week."
)
# picture() seed, alt text, caption, credit.
FEATURED_IMAGE = (
    1,
    "Apartment blocks at dusk, a few windows lit.",
    "The east-side blocks on a November evening.",
    "© Bench Photo Cooperative / Mira Lund",
)
BODY_IMAGE = (
    2,
    "A row of dark housing blocks under a blue evening sky.",
    "Block C, where the heating failed for nine days last winter.",
    "© Photo: Bench Street Pictures",
)

PARAGRAPHS = [
    "Every autumn the same letters arrive. Tenants on the east side write to the housing "
    "company that the radiators stay cold, that the hot water runs for an hour and stops, "
    "that the boiler room has been “under inspection” since spring. Every autumn the "
    "answer is that a contractor has been asked to look at it.",
    "This year we counted. Between September and November, 214 households in nine blocks "
    "reported heating failures that lasted longer than two days. Forty-one of them had "
    "already reported the same fault the winter before.",
    "Behind each of these numbers is a flat where children do their homework in coats, "
    "where an older neighbour stays in bed to keep warm, where the damp creeps up the "
    "bedroom wall because nobody dares to open a window.",
    "The housing company says that the boilers are old and that spare parts take weeks to "
    "arrive. We know. We have been told so for three winters. Old boilers are a reason to "
    "plan ahead, not an excuse for leaving people in the cold.",
    "The city’s own rules say that a rented home must be kept at 20 °C in living rooms "
    "during the day. They do not say “unless the parts are late”. A landlord who cannot "
    "heat a home has to offer something else: a heater, a room, a rent reduction.",
    "We are not asking for anything new. We are asking the housing company to do what the "
    "tenancy agreement and the city’s rules already require, before the nights reach "
    "\u22125 °C rather than after.",
    "Our members have agreed on four demands, which we handed to the company’s board on "
    "Tuesday together with 1,300 signatures collected door to door.",
    "First, a heating check of every block by the end of October, with the results posted "
    "in each stairwell. Second, a repair within 48 hours for any heating failure, and an "
    "electric heater delivered the same day while tenants wait.",
    "Third, a rent reduction for every day without heating, paid automatically and not "
    "only to those who know how to claim it. Fourth, a replacement plan for the oldest "
    "boilers, published and with dates.",
    "We thank the caretakers, who have done their best with what they were given, and "
    "the neighbours who knocked on every door with us in the rain.",
    "Tenants who are without heating today can call our advice line or come to the "
    "Thursday evening session at the community hall. We will help you write to the "
    "company and keep a record of every day without heat.",
    "A warm home is not a favour. It is what the rent pays for.",
]

# The body, in order: (kind, content); "figure" is BODY_IMAGE.
BODY = [
    *(("paragraph", text) for text in PARAGRAPHS[:3]),
    ("figure", None),
    ("heading", "Old boilers are a reason to plan ahead"),
    *(("paragraph", text) for text in PARAGRAPHS[3:6]),
    ("quote", ["“In January I measured 13 °C in my kitchen. I paid the full rent that month.”",
               "— A tenant in block C"]),
    ("heading", "Our demands"),
    *(("paragraph", text) for text in PARAGRAPHS[6:9]),
    ("list", ["A heating check of every block by 31 October.",
              "Repairs within 48 hours, and a heater the same day.",
              "An automatic rent reduction for every day without heat.",
              "A published replacement plan for the oldest boilers."]),
    *(("paragraph", text) for text in PARAGRAPHS[9:]),
]  # fmt: skip

NAMES = [
    "Amina K.", "Tomasz", "Rosa Delgado", "Pete from block C", "Hannah", "Yusuf Demir",
    "Greta L.", "Kwame", "Marguerite", "Sven Olsen", "Leila", "Dario", "Ioana P.",
    "Brigid", "Chen Wei", "Olu", "Fatima Z.", "Nils", "Agnieszka", "Raúl",
]  # fmt: skip

COMMENT_TEXTS = [
    "Same in our building: three weeks without hot water last January and nobody came.",
    "Thank you for counting. Numbers are what the board listens to.\n\nI signed at the door "
    "on Saturday, and so did my neighbours across the landing.",
    "Is there a template letter for the rent reduction? I would like to send one this week.",
    "The caretaker in our block bought a heater for an older tenant with his own money. "
    "That should not be necessary.",
    "We had the same fight in Northgate two years ago; the checklist we used is at "
    "https://tenants.example.net/heating-checklist if it helps.",
    "The 48-hour rule is the important one. Everything else follows from it.",
    "My daughter has asthma and the damp is getting worse. I will come on Thursday.",
    "Good statement. Please also ask for the boiler inspection reports to be published.",
    "I work for a heating contractor. Parts really do take weeks — which is exactly why "
    "they should be ordered in summer.",
    "Count me in for the next door-to-door round.",
]

# 50 approved comments: 40 in the thread, 10 replies (a few two levels deep).
# Comment number -> the number of the comment it replies to.
REPLY_TO = {40 + i: i * 4 for i in range(7)} | {47 + i: 40 + i for i in range(3)}


def comment_fields(i):
    """Name, email, website and text of comment number i."""
    return {
        "name": NAMES[i % len(NAMES)],
        "email": f"reader{i}@bench.example",
        "website": f"https://reader{i}.example.net/" if i % 4 == 0 else "",
        "body": COMMENT_TEXTS[i % len(COMMENT_TEXTS)],
    }


def comment_time(now, i):
    """Comment number i was posted a minute after number i - 1, 40 hours ago."""
    return now - timedelta(hours=40, minutes=-i)


def picture(seed, width=1600, height=900):
    """A simple JPEG drawn with Pillow: a gradient sky and a row of blocks."""
    image = PILImage.new("RGB", (width, height), (40 + seed * 20, 60, 110))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        shade = int(180 * y / height)
        draw.line((0, y, width, y), fill=(30 + shade // 2, 50 + shade // 3, 90 + shade // 2))
    x = 0
    while x < width:
        w, h = 90 + (x * 7 + seed * 31) % 140, 120 + (x * 13 + seed * 17) % 320
        draw.rectangle((x, height - h, x + w, height), fill=(25, 25, 40 + seed * 10))
        for wy in range(height - h + 20, height - 20, 40):
            for wx in range(x + 12, x + w - 20, 28):
                if (wx + wy + seed) % 3 == 0:
                    draw.rectangle((wx, wy, wx + 12, wy + 18), fill=(250, 210, 120))
        x += w + 8
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()
