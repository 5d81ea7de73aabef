from django.apps import AppConfig


class EditingConfig(AppConfig):
    """What makes editing in the admin safe: names for every control, revisions, autosave,
    drafts of changes to published statements."""

    name = "editing"
    verbose_name = "Editing"

    def ready(self):
        from . import review_admin, revisions  # noqa: F401 - registers the review list

        revisions.register()
