from django.urls import path

from advocacy.middleware import handles_null_characters

from . import views

app_name = "subscriptions"

urlpatterns = [
    path("", handles_null_characters(views.SubscribeView.as_view()), name="subscribe"),
    path("sent/", views.SentView.as_view(), name="sent"),
    path("confirm/<str:token>/", views.ConfirmView.as_view(), name="confirm"),
    path("u/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
    path("preferences/<str:token>/", views.PreferencesView.as_view(), name="preferences"),
]
