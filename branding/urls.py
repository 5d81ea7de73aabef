from django.urls import path

from . import views

app_name = "branding"

urlpatterns = [
    path("favicon.ico", views.favicon_ico, name="favicon"),
    path("favicon-<int:size>.png", views.favicon_png, name="favicon-png"),
    path("brand.css", views.accent_css, name="accent-css"),
]
