"""Every uploaded file in the media storage, read and written through the Storage API only.

backup_site and restore_site work the same on local files and on an S3
bucket: names come from listdir(), bytes from open() and save(); nothing asks
for a path (S3 has none).
"""

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage


def is_local(storage=None):
    return isinstance(storage or default_storage, FileSystemStorage)


def all_names(storage=None, folder=""):
    """Every file name below `folder`, sorted."""
    storage = storage or default_storage
    folders, files = storage.listdir(folder)
    names = [f"{folder}/{name}" if folder else name for name in files]
    for sub in folders:
        names += all_names(storage, f"{folder}/{sub}" if folder else sub)
    return sorted(names)


def read(name, storage=None):
    with (storage or default_storage).open(name, "rb") as stored:
        return stored.read()


def replace_all(files, storage=None):
    """Make the storage hold exactly `files` ({name: bytes}): write each, then delete the rest.

    Written first, deleted last: a failure half-way leaves every old image
    and some new ones, never a page pointing at nothing.
    """
    storage = storage or default_storage
    before = set(all_names(storage))
    for name, data in files.items():
        if name in before:
            storage.delete(name)
        stored = storage.save(name, ContentFile(data))
        if stored != name:
            raise OSError(f"The storage renamed {name!r} to {stored!r} while restoring.")
    for name in before - set(files):
        storage.delete(name)
