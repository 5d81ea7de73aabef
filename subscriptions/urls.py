from django.urls import path

from advocacy.middleware import handles_null_characters

from . import replies, views

app_name = "subscriptions"

urlpatterns = [
    path("", handles_null_characters(views.SubscribeView.as_view()), name="subscribe"),
    path("sent/", views.SentView.as_view(), name="sent"),
    path("confirm/<str:token>/", views.ConfirmView.as_view(), name="confirm"),
    path("u/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
    path("preferences/<str:token>/", views.PreferencesView.as_view(), name="preferences"),
    path(
        "replies/confirm/<str:token>/",
        views.RepliesView.as_view(salt=replies.CONFIRM_SALT),
        name="replies-confirm",
    ),
    path(
        "replies/stop/<str:token>/",
        views.RepliesView.as_view(salt=replies.STOP_SALT),
        name="replies-stop",
    ),
    path(
        "replies/stop-all/<str:token>/",
        views.RepliesView.as_view(salt=replies.STOP_ALL_SALT),
        name="replies-stop-all",
    ),
]
