"""The benchmark's data set; run by bench/run.py with the server's environment.

    DJANGO_SETTINGS_MODULE=advocacy.settings DATABASE_URL=… python bench/dataset.py

Loads into a freshly migrated, empty database:

- one statement shaped like the reference page: a title with U+2212 (minus
  sign), two organizations, an editor's note, a featured image, a figure in
  the body, twelve paragraphs, and 50 approved comments (some of them replies);
- 200 more published statements (bulk_create), a third of them with a featured
  image, spread over the last two years.

All text is invented for the benchmark. Prints one line of JSON: what the
benchmark needs to know (the statement's slug and title, counts).
"""

import json
import os
import sys
from datetime import timedelta
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advocacy.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.html import format_html  # noqa: E402
from PIL import Image as PILImage  # noqa: E402
from PIL import ImageDraw  # noqa: E402

from comments.models import Comment  # noqa: E402
from comments.moderation import refresh_comment_counts  # noqa: E402
from comments.text import comment_text  # noqa: E402
from statements.labels import refresh_labels  # noqa: E402
from statements.models import (  # noqa: E402
    EditorNote,
    Image,
    Organization,
    StaffProfile,
    Statement,
    Topic,
)

REFERENCE_SLUG = "fix-the-heating-before-the-nights-reach-minus-five"
REFERENCE_TITLE = "Fix the heating before the nights reach \u22125 °C"
COMMENTS = 50
OTHER_STATEMENTS = 200

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


def make_image(seed, alt, caption, credit, uploader):
    image = Image(
        file=ContentFile(picture(seed), name=f"bench-{seed}.jpg"),
        alt_text=alt,
        caption=caption,
        credit=credit,
        uploaded_by=uploader,
    )
    image.full_clean()
    image.save()  # re-encodes and makes the renditions, as an upload in the admin does
    return image


def figure_html(image):
    # The shape statements.rendering expands into the library's figure.
    return format_html(
        '<figure><img src="/media/{}" alt="{}"><figcaption>{}</figcaption></figure>',
        image.file.name,
        image.alt_text,
        image.caption,
    )


@transaction.atomic
def load():
    now = timezone.now()
    editor = get_user_model().objects.create_user(
        "bench-editor", "editor@bench.example", first_name="Ada", last_name="Reyes"
    )
    StaffProfile.objects.create(user=editor, initials="ar")
    tenants = Organization.objects.create(
        name="East Side Tenants’ Association",
        slug="east-side-tenants-association",
        url="https://east-side-tenants.example.org/",
    )
    energy = Organization.objects.create(
        name="Warm Homes Coalition",
        slug="warm-homes-coalition",
        url="https://warm-homes.example.org/",
    )
    housing = Topic.objects.create(name="Housing", slug="housing")
    energy_topic = Topic.objects.create(name="Energy", slug="energy")

    featured = make_image(
        1,
        "Apartment blocks at dusk, a few windows lit.",
        "The east-side blocks on a November evening.",
        "© Bench Photo Cooperative / Mira Lund",
        editor,
    )
    in_body = make_image(
        2,
        "A row of dark housing blocks under a blue evening sky.",
        "Block C, where the heating failed for nine days last winter.",
        "© Photo: Bench Street Pictures",
        editor,
    )
    paragraphs = [f"<p>{text}</p>" for text in PARAGRAPHS]
    body = "\n".join(
        [
            *paragraphs[:3],
            figure_html(in_body),
            "<h2>Old boilers are a reason to plan ahead</h2>",
            *paragraphs[3:6],
            "<blockquote><p>“In January I measured 13 °C in my kitchen. I paid the full "
            "rent that month.”</p><p>— A tenant in block C</p></blockquote>",
            "<h2>Our demands</h2>",
            *paragraphs[6:9],
            "<ul><li>A heating check of every block by 31 October.</li>"
            "<li>Repairs within 48 hours, and a heater the same day.</li>"
            "<li>An automatic rent reduction for every day without heat.</li>"
            "<li>A published replacement plan for the oldest boilers.</li></ul>",
            *paragraphs[9:],
        ]
    )
    statement = Statement(
        slug=REFERENCE_SLUG,
        title=REFERENCE_TITLE,
        statement_date=(now - timedelta(days=3)).date(),
        summary=(
            "214 households reported heating failures this autumn. We ask the housing "
            "company for checks, 48-hour repairs and automatic rent reductions before the "
            "frost."
        ),
        body=body,
        status=Statement.Status.PUBLISHED,
        publish_at=now - timedelta(days=2),
        author=editor,
        featured_image=featured,
        source_name="Warm Homes Coalition",
        source_url="https://warm-homes.example.org/statements/fix-the-heating/",
    )
    statement.save()  # renders the body (figures expanded) as an editor's save does
    statement.organizations.set([tenants, energy])
    statement.topics.set([housing, energy_topic])
    EditorNote.objects.create(
        statement=statement,
        text=(
            "We repost this statement from the Warm Homes Coalition with their permission. "
            "The housing committee discusses heating repairs at its session next week."
        ),
        editor=editor,
        placement=EditorNote.Placement.ABOVE,
    )

    # 50 approved comments: 40 in the thread, 10 replies (a few two levels deep).
    def comment(i, parent=None):
        name = NAMES[i % len(NAMES)]
        body_text = COMMENT_TEXTS[i % len(COMMENT_TEXTS)]
        email = f"reader{i}@bench.example"
        return Comment(
            statement=statement,
            parent=parent,
            name=name,
            email=email,
            website=f"https://reader{i}.example.net/" if i % 4 == 0 else "",
            body=body_text,
            body_html=comment_text(body_text),  # as save() renders it
            status=Comment.Status.APPROVED,
            ip_address="192.0.2.1",
            fingerprint=Comment.make_fingerprint(statement.pk, email, body_text),
        )

    top = Comment.objects.bulk_create([comment(i) for i in range(40)])
    replies = Comment.objects.bulk_create([comment(40 + i, parent=top[i * 4]) for i in range(7)])
    Comment.objects.bulk_create([comment(47 + i, parent=replies[i]) for i in range(3)])
    created = Comment.objects.filter(statement=statement).order_by("pk")
    for minutes, pk in enumerate(created.values_list("pk", flat=True)):
        Comment.objects.filter(pk=pk).update(
            created_at=now - timedelta(hours=40, minutes=-minutes)
        )
    refresh_comment_counts([statement.pk])

    # 200 more statements, the quick way: no per-row save().
    pictures = [
        make_image(3 + i, f"Bench picture {i}.", "", "© Bench Photo", editor) for i in range(3)
    ]
    others = []
    for i in range(OTHER_STATEMENTS):
        text = (
            f"<p>Statement {i} of the benchmark. {PARAGRAPHS[i % len(PARAGRAPHS)]}</p>"
            f"<p>{PARAGRAPHS[(i + 5) % len(PARAGRAPHS)]}</p>"
        )
        others.append(
            Statement(
                slug=f"bench-statement-{i:03d}",
                title=f"Benchmark statement number {i}: rents, repairs and heating",
                statement_date=(now - timedelta(days=3 + i * 3)).date(),
                summary=f"Summary of benchmark statement {i}: what we ask for and why.",
                body=text,
                body_html=text,  # no figures: the rendered body is the body
                body_text=text.replace("<p>", "").replace("</p>", "\n"),
                status=Statement.Status.PUBLISHED,
                publish_at=now - timedelta(days=3 + i * 3, hours=i % 7),
                author=editor,
                featured_image=pictures[i % 3] if i % 3 == 0 else None,
            )
        )
    others = Statement.objects.bulk_create(others)
    orgs_through = Statement.organizations.through
    topics_through = Statement.topics.through
    orgs_through.objects.bulk_create(
        orgs_through(statement_id=s.pk, organization_id=(tenants if i % 2 else energy).pk)
        for i, s in enumerate(others)
    )
    topics_through.objects.bulk_create(
        topics_through(statement_id=s.pk, topic_id=(housing if i % 2 else energy_topic).pk)
        for i, s in enumerate(others)
    )
    refresh_labels(Statement, [s.pk for s in others])  # links stored in bulk send no signal
    return {
        "slug": statement.slug,
        "title": statement.title,
        "path": statement.get_absolute_url(),
        "comments": Comment.objects.filter(statement=statement).approved().count(),
        "statements": Statement.objects.published().count(),
    }


if __name__ == "__main__":
    if Statement.objects.exists():
        sys.exit("The database already has statements: the bench loads into an empty one.")
    print(json.dumps(load()))
