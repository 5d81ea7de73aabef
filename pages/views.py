from django.views.generic import DetailView

from advocacy.pagecache import CachedPageMixin
from statements import pages as page_cache

from .models import Page


class PageView(CachedPageMixin, DetailView):
    template_name = "pages/page_detail.html"
    context_object_name = "page"

    def get_cache_tags(self):
        return page_cache.tags_for_page(self.kwargs["slug"])

    def get_queryset(self):
        # Editors see a draft at its address, as visitors will once it is published.
        if self.request.user.has_perm("pages.change_page"):
            return Page.objects.select_related("parent")
        return Page.objects.published().select_related("parent")
