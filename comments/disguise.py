"""Seeing through disguised words, addresses and domains, for the blocklist.

Spammers write a blocked word so that it looks the same to a reader but not
to a plain comparison: invisible characters inside it (zero-width space,
soft hyphen, joiners), full-width or other compatibility forms, letters
borrowed from Cyrillic or Greek that look Latin, a domain with the trailing
dot DNS allows, an address with a "+tag". Both the blocked term and the
comment are reduced to the same skeleton before they are compared.
"""

import unicodedata

# Letters of other scripts that look like Latin ones, from Unicode's confusables
# (UTS #39): the ones used to write Latin spam words in Cyrillic and Greek.
_LOOK_ALIKES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "с": "c", "ԁ": "d", "е": "e", "ё": "e", "һ": "h", "і": "i",
        "ї": "i", "ј": "j", "к": "k", "ӏ": "l", "м": "m", "н": "h", "о": "o", "р": "p",
        "ԛ": "q", "г": "r", "ѕ": "s", "т": "t", "ц": "u", "ѵ": "v", "ԝ": "w", "х": "x",
        "у": "y", "ү": "y", "з": "3", "ь": "b",
        # Greek
        "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
        "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "γ": "y", "ω": "w",
        # Latin look-alikes
        "ı": "i", "ȷ": "j", "ɡ": "g", "ℓ": "l",
    }
)  # fmt: skip


def skeleton(text):
    """`text` as the blocklist compares it: what a reader would see, in plain letters."""
    text = unicodedata.normalize("NFKC", text or "")
    # Format characters (Cf) are invisible: zero-width space and joiners, soft hyphen, BOM.
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return text.casefold().translate(_LOOK_ALIKES)


def domain_skeleton(domain):
    """A domain without the trailing dot DNS allows ("evil.example." is "evil.example")."""
    return skeleton(domain).strip().rstrip(".")


def email_skeleton(email):
    """An address without its "+tag" (spammer+1@bad.example is spammer@bad.example)."""
    local, at, domain = skeleton(email).strip().rpartition("@")
    if not at:
        return domain
    return f"{local.split('+', 1)[0]}@{domain_skeleton(domain)}"
