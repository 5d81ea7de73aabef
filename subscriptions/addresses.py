"""What counts as the same email address, and the hash an erased address is kept as."""

import hashlib
import hmac

from django.conf import settings

EMAIL_MAX_LENGTH = 254


def normalize(email):
    """The form an address is stored and compared in: trimmed, lower-cased.

    The local part is case-sensitive in theory; no mail provider in use treats
    it so, and two rows for Rosa@ and rosa@ would mail one person twice.
    """
    return (email or "").strip().lower()


def address_hash(email):
    """A keyed hash of the normalized address: an erased address is kept only as this.

    Keyed by SECRET_KEY (HMAC) so that the table cannot be checked against a
    list of known addresses by someone holding only a copy of the database.
    """
    key = f"subscriptions.erased:{settings.SECRET_KEY}".encode()
    return hmac.new(key, normalize(email).encode(), hashlib.sha256).hexdigest()
