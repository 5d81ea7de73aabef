"""Demo content for a fresh checkout: invented organizations, statements and pictures.

Everything here is fiction written for this project: the organizations, the city
of Riverside, the people quoted and the photo agencies do not exist. Pictures are
drawn with Pillow at load time, so no binary files live in git.

`make run` calls the loader on every start; the command loads only into a site
without statements. Loading is keyed by slug (and by username for the staff
accounts) and skips whatever is already there, so `load_demo --restore` adds
back only what is missing.

- `content`: the organizations, topics, statements and staff accounts (text).
- `pictures`: the photos, drawn with Pillow, with their alt text, captions and credits.
- `loader`: what `manage.py load_demo` runs: creates whatever part is missing.
"""

from .content import ACCOUNTS, ORGANIZATIONS, STATEMENTS, TOPICS
from .loader import LoadResult, admin_url, existing_demo_accounts, load
from .pictures import IMAGES

__all__ = [
    "ACCOUNTS",
    "IMAGES",
    "ORGANIZATIONS",
    "STATEMENTS",
    "TOPICS",
    "LoadResult",
    "admin_url",
    "existing_demo_accounts",
    "load",
]
