"""Attachments: finding each file (the uploads folder first, then its URL) and what it became.

A file is stored through the image library's own path (Image.full_clean and
save: the same validation, re-encoding, metadata stripping and renditions as
an upload in the admin). Downloads (--fetch-media) have a timeout, a size cap
and a type check, and never go to a loopback, private, link-local or otherwise
non-public address — checked for every address the name resolves to, and the
connection goes to the address that was checked.
"""

import http.client
import ipaddress
import posixpath
import re
import socket
import ssl
import time
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from statements.images import FORMATS

_SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.[A-Za-z0-9]+$)")
_UPLOADS = "/wp-content/uploads/"
MIME_TYPES = {fmt.mime_type for fmt in FORMATS.values()}
MAX_REDIRECTS = 3


class MediaError(Exception):
    """Why an attachment's file could not be had; goes into the report."""


def uploads_path(url_or_path):
    """'https://x.org/wp-content/uploads/2023/05/a.jpg' → '2023/05/a.jpg' (else the URL's path)."""
    path = unquote(urlsplit(url_or_path).path)
    if _UPLOADS in path:
        path = path.split(_UPLOADS, 1)[1]
    return path.lstrip("/")


class MediaMap:
    """WordPress attachment ids and file addresses → library images, for bodies and redirects."""

    def __init__(self):
        self._by_id = {}  # wp id → Image
        self._by_path = {}  # uploads path (lower case) → wp id
        self._children = {}  # wp post id → [attachment wp ids], for [gallery] without ids

    def add(self, wp_id, image, paths, parent=None):
        self._by_id[wp_id] = image
        for path in paths:
            if path:
                self._by_path[path.lower()] = wp_id
        if parent:
            self._children.setdefault(parent, []).append(wp_id)

    def by_id(self, wp_id):
        return self._by_id.get(wp_id)

    def by_url(self, url):
        path = uploads_path(url).lower()
        wp_id = self._by_path.get(path)
        if wp_id is None:
            wp_id = self._by_path.get(_SIZE_SUFFIX.sub("", path))
        return self._by_id.get(wp_id)

    def attached_to(self, post_id):
        return list(self._children.get(post_id, []))

    def __len__(self):
        return len(self._by_id)


def file_paths(item, metadata):
    """Every uploads path the attachment's file and its resized copies were known by."""
    attached = item["meta_dict"].get("_wp_attached_file", "")
    main = attached or uploads_path(item.get("attachment_url") or item.get("guid") or "")
    paths = [main, uploads_path(item.get("attachment_url") or "")]
    if isinstance(metadata, dict):
        folder = posixpath.dirname(metadata.get("file") or main)
        sizes = metadata.get("sizes")
        if isinstance(sizes, dict):
            for size in sizes.values():
                if isinstance(size, dict) and size.get("file"):
                    paths.append(posixpath.join(folder, str(size["file"])))
    return [p for p in dict.fromkeys(paths) if p]


def read_local(media_dirs, relative, max_bytes):
    """The file's bytes from the first uploads folder that has it, or None."""
    for folder in media_dirs:
        root = Path(folder).resolve()
        candidate = (root / relative).resolve()
        if not candidate.is_relative_to(root) or not candidate.is_file():
            continue
        if candidate.stat().st_size > max_bytes:
            raise MediaError(_too_large(relative, max_bytes))
        return candidate.read_bytes()
    return None


# -- downloads ------------------------------------------------------------------------


def public_only(address):
    """May a download connect to `address`? Only to public unicast addresses."""
    ip = ipaddress.ip_address(address)
    if getattr(ip, "ipv4_mapped", None):
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def fetch(url, *, timeout=20, max_bytes=None, address_allowed=public_only):
    """The bytes at `url`, an image of one of the library's types; MediaError otherwise."""
    max_bytes = max_bytes or settings.IMAGE_MAX_BYTES
    deadline = time.monotonic() + timeout
    for _attempt in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise MediaError(_("not an http(s) address: %(url)s") % {"url": url})
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise MediaError(
                _("cannot resolve %(host)s: %(error)s") % {"host": parts.hostname, "error": exc}
            ) from exc
        addresses = [info[4][0] for info in infos]
        refused = [a for a in addresses if not address_allowed(a)]
        if refused or not addresses:
            raise MediaError(
                _(
                    "refused to download from %(host)s: it resolves to a non-public address "
                    "(%(addresses)s)"
                )
                % {"host": parts.hostname, "addresses": ", ".join(refused) or _("none")}
            )
        connection_class = (
            _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
        )
        remaining = max(0.1, deadline - time.monotonic())
        connection = connection_class(parts.hostname, port, addresses[0], remaining)
        target = parts.path or "/"
        if parts.query:
            target += f"?{parts.query}"
        try:
            connection.request("GET", target, headers={"User-Agent": "advocacy-cms-import"})
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308) and response.getheader("Location"):
                url = urljoin(url, response.getheader("Location"))
                continue
            if response.status != 200:
                raise MediaError(
                    _("%(url)s answered %(status)s") % {"url": url, "status": response.status}
                )
            mime = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
            if mime not in MIME_TYPES:
                raise MediaError(
                    _("%(url)s is %(type)s, not a JPEG, PNG, WebP or GIF")
                    % {"url": url, "type": mime or _("of no type")}
                )
            length = response.getheader("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise MediaError(_too_large(url, max_bytes))
            chunks, total = [], 0
            while chunk := response.read(64 * 1024):
                total += len(chunk)
                if total > max_bytes:
                    raise MediaError(_too_large(url, max_bytes))
                if time.monotonic() > deadline:
                    raise MediaError(_too_slow(url, timeout))
                chunks.append(chunk)
            return b"".join(chunks)
        except (OSError, http.client.HTTPException) as exc:
            if isinstance(exc, TimeoutError | socket.timeout):
                raise MediaError(_too_slow(url, timeout)) from exc
            raise MediaError(
                _("cannot download %(url)s: %(error)s") % {"url": url, "error": exc}
            ) from exc
        finally:
            connection.close()
    raise MediaError(
        _("%(url)s redirects more than %(max)s times") % {"url": url, "max": MAX_REDIRECTS}
    )


def _too_large(what, max_bytes):
    return _("%(file)s is larger than %(mb)s MB") % {"file": what, "mb": max_bytes // 1_048_576}


def _too_slow(url, timeout):
    return _("%(url)s took longer than %(seconds)s s") % {"url": url, "seconds": timeout}
