from django.urls import path
from django.utils.translation import gettext_lazy as _

from advocacy.middleware import handles_null_characters, keeps_typed_text

from . import views

app_name = "comments"

urlpatterns = [
    path("question/", views.QuestionView.as_view(), name="question"),
    path("moderate/<str:token>/", views.ModerateFromMailView.as_view(), name="moderate"),
    path("statements/<slug:slug>/respond/", views.RespondPageView.as_view(), name="respond"),
    path(
        "statements/<slug:slug>/post/",
        keeps_typed_text(
            {"body": _("Comment"), "name": _("Name"), "email": _("Email"), "website": _("Website")}
        )(handles_null_characters(views.PostCommentView.as_view())),
        name="post",
    ),
]
