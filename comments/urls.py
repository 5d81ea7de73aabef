from django.urls import path

from advocacy.middleware import handles_null_characters

from . import views

app_name = "comments"

urlpatterns = [
    path("question/", views.QuestionView.as_view(), name="question"),
    path(
        "statements/<slug:slug>/post/",
        handles_null_characters(views.PostCommentView.as_view()),
        name="post",
    ),
]
