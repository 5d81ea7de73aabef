from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from advocacy.jinja2 import PublicFormRenderer
from advocacy.numbers import whole_number

from . import spam
from .captcha import SingleUseCaptchaField, new_question
from .models import Comment


class CommentForm(forms.ModelForm):
    # Its inputs are rendered with the public pages' templates (advocacy/jinja2.py).
    default_renderer = PublicFormRenderer()

    # Hidden from people by CSS; bots that fill every field fill this one too.
    homepage = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        max_length=200,
        strip=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    # Declared here for assume_scheme: "example.org" means https://example.org.
    website = forms.URLField(
        required=False,
        max_length=Comment._meta.get_field("website").max_length,
        assume_scheme="https",
        label=_("Website"),
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    # Unticked by default (no pre-ticked consent); mailed only once the address is
    # confirmed and only for approved replies (subscriptions.replies).
    notify_replies = forms.BooleanField(
        required=False, label=_("Email me when someone replies"), initial=False
    )
    form_time = forms.CharField(required=False, widget=forms.HiddenInput, max_length=100)
    captcha = SingleUseCaptchaField(label=_("Solve :"))

    field_order = [
        "body",
        "name",
        "email",
        "website",
        "notify_replies",
        "captcha",
        "homepage",
        "parent",
    ]

    class Meta:
        model = Comment
        fields = ["body", "name", "email", "website", "parent"]
        labels = {
            "body": _("Comment"),
            "name": _("Name"),
            "email": _("Email"),
            "website": _("Website"),
        }
        widgets = {
            "body": forms.Textarea(attrs={"rows": 8, "cols": 45}),
            "parent": forms.HiddenInput,
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "website": forms.URLInput(attrs={"autocomplete": "url"}),
        }
        help_texts = {"email": _("Never published.")}

    def __init__(self, statement, *args, **kwargs):
        self.statement = statement
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Comment.objects.approved().filter(statement=statement)
        self.fields["parent"].error_messages["invalid_choice"] = _(
            "The comment you were replying to is not available; your reply will be posted "
            "as a new comment if you post again."
        )
        self.fields["form_time"].initial = spam.form_time_token()

    @property
    def reply_to(self):
        """The approved comment this form answers, or None."""
        pk = whole_number(self["parent"].value())
        if pk is None:
            return None
        return self.fields["parent"].queryset.filter(pk=pk).first()

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if parent and depth_of(parent) >= settings.COMMENTS_MAX_DEPTH:
            raise forms.ValidationError(
                _("Replies cannot be nested deeper here."), code="too_deep"
            )
        return parent

    def clean(self):
        cleaned_data = super().clean()
        if self.data.get("homepage"):
            raise forms.ValidationError(
                _(
                    "Leave the field “Leave this field empty” empty: it is there to catch "
                    "automated spam."
                ),
                code="honeypot",
            )
        elapsed = spam.seconds_since_form_shown(
            self.data.get("form_time"), self.data.get("captcha_0", "")
        )
        if elapsed is None or elapsed < settings.COMMENTS_MIN_SECONDS:
            raise forms.ValidationError(
                _(
                    "That was quicker than a person types. Please check your comment and post "
                    "it again."
                ),
                code="too_fast",
            )
        return cleaned_data

    def ask(self, client=None):
        """A new form shown with its question from the start (on a page never cached)."""
        question = new_question(client)
        self.fields["captcha"].widget.question = question
        self.initial["form_time"] = spam.form_time_token(question["key"])

    def prepare_retry(self, client=None):
        """After any error: a fresh question and timer; what was typed stays."""
        question = new_question(client)
        self.fields["captcha"].widget.question = question
        data = self.data.copy()
        data["form_time"] = spam.form_time_token(question["key"])
        self.data = data
        for name in self.errors:
            if name in self.fields:
                # Screen readers read the error with the field it belongs to.
                described_by = [f"id_{name}_error"]
                if self.fields[name].help_text:
                    described_by.append(f"id_{name}_helptext")
                self.fields[name].widget.attrs["aria-describedby"] = " ".join(described_by)


def depth_of(comment):
    """1 for a top-level comment, 2 for a reply, …; bounded by the depth limit."""
    depth, current = 1, comment
    while current.parent_id and depth <= settings.COMMENTS_MAX_DEPTH:
        current = Comment.objects.only("parent_id").get(pk=current.parent_id)
        depth += 1
    return depth
