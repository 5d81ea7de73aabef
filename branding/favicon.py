"""The favicon: made by Pillow from the logo, or drawn in the accent colour when there is none.

Made when first asked for and kept in the cache under the settings' version,
so a new logo or colour gives new icons at once and nothing is regenerated
while they stay the same. The logo's file is read from storage only then.
"""

import logging
from io import BytesIO

from django.core.cache import cache
from PIL import Image, ImageDraw, ImageOps

from statements.models import Image as LibraryImage

from . import colours

logger = logging.getLogger(__name__)
# Browsers' tab icon (32), Apple's home-screen icon (180), Android's (192, 512).
PNG_SIZES = (32, 180, 192, 512)
ICO_SIZES = (16, 32, 48)
APPLE_TOUCH_SIZE = 180
_DRAWN = 512
# Old versions' icons are dropped after a while; the current one is made again if evicted.
KEPT_SECONDS = 30 * 24 * 3600


def _storage():
    return LibraryImage._meta.get_field("file").storage


def _logo_square(brand):
    """The logo centred on a transparent square, or None when it cannot be read."""
    try:
        with _storage().open(brand.logo_name, "rb") as file, Image.open(file) as logo:
            logo.seek(0)  # an animation: its first frame
            logo = logo.convert("RGBA")
    except Exception:  # a file gone from storage must not take the favicon down
        logger.warning("The logo %s could not be read for the favicon.", brand.logo_name)
        return None
    logo = ImageOps.contain(logo, (_DRAWN, _DRAWN), Image.Resampling.LANCZOS)
    square = Image.new("RGBA", (_DRAWN, _DRAWN), (0, 0, 0, 0))
    square.paste(logo, ((_DRAWN - logo.width) // 2, (_DRAWN - logo.height) // 2))
    return square


def _drawn_square(brand):
    """The default icon: a rounded square in the accent colour with a white speech mark."""
    accent = brand.accent or colours.DEFAULT
    square = Image.new("RGBA", (_DRAWN, _DRAWN), (0, 0, 0, 0))
    draw = ImageDraw.Draw(square)
    draw.rounded_rectangle((0, 0, _DRAWN - 1, _DRAWN - 1), radius=96, fill=accent)
    # A speech bubble: what a statement is, in no particular alphabet.
    draw.rounded_rectangle((96, 112, 416, 336), radius=56, fill="#ffffff")
    draw.polygon([(152, 320), (152, 416), (248, 320)], fill="#ffffff")
    for top in (184, 248):  # two lines of text
        draw.rounded_rectangle((160, top, 352, top + 28), radius=14, fill=accent)
    return square


def _square(brand):
    return (_logo_square(brand) if brand.logo_name else None) or _drawn_square(brand)


def _png(image):
    output = BytesIO()
    image.save(output, "PNG", optimize=True)
    return output.getvalue()


def render(brand, name):
    """The bytes of `name` ("favicon.ico" or "<size>.png") for `brand`."""
    square = _square(brand)
    if name == "favicon.ico":
        output = BytesIO()
        square.save(output, "ICO", sizes=[(size, size) for size in ICO_SIZES])
        return output.getvalue()
    size = int(name.removesuffix(".png"))
    image = square.resize((size, size), Image.Resampling.LANCZOS)
    if size == APPLE_TOUCH_SIZE:
        # iOS fills transparency with black: put the icon on white.
        image = Image.alpha_composite(Image.new("RGBA", image.size, "#ffffff"), image)
    return _png(image)


def icon(brand, name):
    """`render`, kept in the cache under the brand's version."""
    key = f"branding:icon:{brand.version}:{name}"
    try:
        found = cache.get(key)
    except Exception:
        found = None
    if found is None:
        found = render(brand, name)
        try:
            cache.set(key, found, timeout=KEPT_SECONDS)
        except Exception:
            logger.warning("Favicon not stored in the cache.", exc_info=True)
    return found
