from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("question/", views.QuestionView.as_view(), name="question"),
    path("statements/<slug:slug>/post/", views.PostCommentView.as_view(), name="post"),
]
