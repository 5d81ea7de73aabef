"""The staff-only preview of a draft of changes: the public statement page, as it will be."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.generic import DetailView

from statements.models import Statement
from statements.views import StatementPageMixin

from . import drafts


class DraftPreview(StatementPageMixin, DetailView):
    """Reached through the statement admin (staff who may change it); never cached."""

    template_name = "statements/statement_detail.html"

    def get_object(self, queryset=None):
        statement = get_object_or_404(Statement.objects.for_detail(), pk=self.kwargs["pk"])
        draft = drafts.draft_of(statement)
        if draft is None:
            raise Http404(_("This statement has no draft of changes."))
        self.draft = draft
        return drafts.preview(statement, draft)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(drafts.preview_notes(self.draft))
        context["draft_preview"] = True
        context["is_preview"] = True  # the banner, noindex and no caching
        return context
