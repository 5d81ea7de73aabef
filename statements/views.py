from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property
from django.views.generic import (
    ArchiveIndexView,
    DetailView,
    ListView,
    MonthArchiveView,
    YearArchiveView,
)

from advocacy.pagecache import CachedPageMixin, is_cacheable_request

from . import languages, pages
from .models import Organization, Statement, Topic

SEARCH_MAX_LENGTH = 200


class CappedPaginator(Paginator):
    """At most LIST_MAX_PAGES pages: older statements are reached by the archive.

    Deep pages would make the database walk past every newer row (OFFSET), and
    counting a large table costs as much; counting at most the capped number
    of rows keeps both cheap whatever the size of the site. Search uses it:
    it says how many statements it found.
    """

    @cached_property
    def count(self):
        return self.object_list[: self.rows_to_count()].count()

    def rows_to_count(self):
        return settings.LIST_MAX_PAGES * self.per_page + 1

    @property
    def is_capped(self):
        return self.count > settings.LIST_MAX_PAGES * self.per_page

    @cached_property
    def num_pages(self):
        return min(super().num_pages, settings.LIST_MAX_PAGES)


class ListingPaginator(CappedPaginator):
    """Counts only as far as the page asked for needs: to its next page's first row.

    Lists say "Page 3" and link to newer and older pages, never "of 50", so the
    first page of a topic with 20,000 statements counts 21 rows, not 501: at
    100,000 statements that count cost a topic page 4–5 ms and an organization's
    page 30 ms (docs/scale.md).
    """

    asked_for = 1

    def page(self, number):
        try:
            self.asked_for = max(1, int(number))
        except (TypeError, ValueError):
            pass  # validate_number() refuses it
        return super().page(number)

    def rows_to_count(self):
        pages = min(self.asked_for + 1, settings.LIST_MAX_PAGES)
        return pages * self.per_page + 1


class PublicStatementsMixin:
    """What every public list of statements shares: published only, newest first."""

    model = Statement
    paginate_by = settings.STATEMENTS_PER_PAGE
    paginator_class = ListingPaginator
    date_field = "publish_at"

    def get_queryset(self):
        return Statement.objects.published().for_listing()


class HomeView(CachedPageMixin, PublicStatementsMixin, ListView):
    template_name = "statements/statement_list.html"

    def get_cache_tags(self):
        return pages.tags_for_home()


class InStatementLanguageMixin:
    """A page about one statement (self.object) speaks its language where the interface has it.

    An Arabic statement gets an Arabic, right-to-left page on an English site;
    a language the interface lacks gets the site's, with the statement's own
    lang and dir on its text.
    """

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        with translation.override(languages.interface_language(self.object.language)):
            response.render()
        return response


class StatementPageMixin(InStatementLanguageMixin):
    """What the statement page shows around the statement, and its preview headers.

    Used to show the page (StatementDetailView) and to show it again around a
    comment form that needs the visitor's attention (comments.views).
    """

    model = Statement

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        statement = self.object
        context["is_preview"] = not statement.is_published
        # Worked out once here: the head, the share row and Reply links use them.
        context["page_url"] = self.request.build_absolute_uri(statement.get_absolute_url())
        context["canonical_url"] = statement.canonical_url or context["page_url"]
        if statement.featured_image:
            context["featured_image_url"] = self.request.build_absolute_uri(
                statement.featured_image.display_url
            )
        context.update(statement.page_relations())
        context["alternates"] = self.language_alternates(statement, context["versions"])
        # A page the cache may share carries no CSRF token (it would be one visitor's).
        context["page_cacheable"] = is_cacheable_request(self.request)
        return context

    def language_alternates(self, statement, versions):
        """[(hreflang, absolute address)] of every published language version, and x-default.

        The original is the x-default: the version for readers whose language
        is none of them.
        """
        if not any(v.slug != statement.slug for v in versions):
            return []
        absolute = self.request.build_absolute_uri
        alternates = [(v.language, absolute(v.get_absolute_url())) for v in versions]
        original = next((v for v in versions if v.is_original), versions[0])
        return [*alternates, ("x-default", absolute(original.get_absolute_url()))]

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if context["is_preview"]:
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex"
        return response


class StatementDetailView(CachedPageMixin, StatementPageMixin, DetailView):
    def get_cache_tags(self):
        return pages.tags_for_statement(self.kwargs["slug"])

    def can_preview(self):
        return self.request.user.has_perm("statements.change_statement")

    def get_object(self, queryset=None):
        # Staff who may edit statements see drafts and scheduled ones here, exactly
        # as the public will: that is the preview.
        statement = Statement.objects.for_page(self.kwargs["slug"], drafts=self.can_preview())
        if statement is None:
            raise Http404("No statement found.")
        return statement


class TopicView(CachedPageMixin, PublicStatementsMixin, ListView):
    template_name = "statements/topic_detail.html"

    def get_cache_tags(self):
        return pages.tags_for_topic(self.kwargs["slug"])

    def get_queryset(self):
        self.topic = get_object_or_404(Topic, slug=self.kwargs["slug"])
        return super().get_queryset().filter(topics=self.topic)

    def get_context_data(self, **kwargs):
        return super().get_context_data(topic=self.topic, **kwargs)


class OrganizationView(CachedPageMixin, PublicStatementsMixin, ListView):
    template_name = "statements/organization_detail.html"

    def get_cache_tags(self):
        return pages.tags_for_organization(self.kwargs["slug"])

    def get_queryset(self):
        self.organization = get_object_or_404(Organization, slug=self.kwargs["slug"])
        return super().get_queryset().filter(organizations=self.organization)

    def get_context_data(self, **kwargs):
        return super().get_context_data(organization=self.organization, **kwargs)


class LabelIndexView(CachedPageMixin, ListView):
    """/topics/ and /organizations/: each with its number of published statements."""

    template_name = "statements/label_index.html"

    def get_cache_tags(self):
        return pages.tags_for_label_index()

    def get_queryset(self):
        return self.model.objects.with_published_counts().order_by("name")

    def get_context_data(self, **kwargs):
        return super().get_context_data(kind=self.model._meta.model_name, **kwargs)


class LanguageIndexView(CachedPageMixin, ListView):
    """/languages/: the languages statements are written in, with their numbers."""

    template_name = "statements/language_index.html"

    def get_cache_tags(self):
        return pages.tags_for_languages()

    def get_queryset(self):
        return [
            languages.Listed(code, count)
            for code, count in Statement.objects.published().count_by_language()
        ]


class LanguageView(CachedPageMixin, PublicStatementsMixin, ListView):
    """/languages/<code>/: the statements written in one language."""

    template_name = "statements/language_detail.html"

    def get_cache_tags(self):
        return pages.tags_for_languages()

    def get_queryset(self):
        self.language = languages.Listed(self.kwargs["code"])
        if not self.language.is_known:
            raise Http404("No such language.")
        return super().get_queryset().in_language(self.language.code)

    def get_context_data(self, **kwargs):
        return super().get_context_data(language=self.language, **kwargs)


class StatementDateMixin:
    """The archive files a statement under its own date, the one its byline shows.

    Not under its publication: a 2022 statement reposted today belongs to 2022.
    """

    date_field = "statement_date"
    # A statement's date may be later than "today" in the server's time zone.
    allow_future = True
    ordering = ["-statement_date", "-publish_at", "-pk"]

    def get_queryset(self):
        return super().get_queryset().order_by(*self.ordering)


class ArchiveIndex(CachedPageMixin, StatementDateMixin, PublicStatementsMixin, ArchiveIndexView):
    date_list_period = "month"

    def get_cache_tags(self):
        return pages.tags_for_archive()

    allow_empty = True
    paginate_by = None

    def get_dated_items(self):
        # Only the list of months is shown; no statements are loaded.
        date_list, _, extra = super().get_dated_items()
        return date_list, self.model.objects.none(), extra


class LeanArchiveMixin:
    """The year and month lists without the queries their pages do not show.

    Django's archive views first check that the period has statements and
    list its days or months; here an empty period is a 404 from the
    paginator itself (allow_empty is False), and no date list is made.
    """

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        return None

    def get_dated_queryset(self, **lookup):
        return self.get_queryset().filter(**lookup)

    def get_queryset(self):
        queryset = super().get_queryset()
        # Finding the neighbouring month needs one row's date, not its relations.
        if getattr(self, "_finding_neighbour", False):
            return queryset.select_related(None).prefetch_related(None)
        return queryset

    def get_previous_month(self, date):
        return self._neighbour(super().get_previous_month, date)

    def get_next_month(self, date):
        return self._neighbour(super().get_next_month, date)

    def _neighbour(self, find, date):
        self._finding_neighbour = True
        try:
            return find(date)
        finally:
            self._finding_neighbour = False


class YearArchive(
    CachedPageMixin, StatementDateMixin, LeanArchiveMixin, PublicStatementsMixin, YearArchiveView
):
    make_object_list = True

    def get_cache_tags(self):
        return pages.tags_for_year(self.kwargs["year"])

    def get_year(self):
        year = super().get_year()
        if not 1 <= int(year) <= 9999:
            raise Http404("No such year.")
        return year


class MonthArchive(
    CachedPageMixin, StatementDateMixin, LeanArchiveMixin, PublicStatementsMixin, MonthArchiveView
):
    month_format = "%m"

    def get_cache_tags(self):
        return pages.tags_for_month(self.kwargs["year"], self.kwargs["month"])

    def get_year(self):
        year = super().get_year()
        if not 1 <= int(year) <= 9999:
            raise Http404("No such year.")
        return year


class SearchView(PublicStatementsMixin, ListView):
    template_name = "statements/search.html"
    paginator_class = CappedPaginator

    def get_query(self):
        return self.request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]

    def get_language(self):
        """The language asked for, if statements are written in it; otherwise every language."""
        code = self.request.GET.get("language", "")
        return code if code in self.languages_in_use else ""

    @cached_property
    def languages_in_use(self):
        return languages.in_use()

    def get_queryset(self):
        return super().get_queryset().search(self.get_query(), language=self.get_language())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            query=self.get_query(),
            language=self.get_language(),
            language_choices=[languages.Listed(code) for code in self.languages_in_use]
            if len(self.languages_in_use) > 1
            else [],
            **kwargs,
        )
