import pytest

ADD = "/admin/branding/sitesettings/add/"
CHANGE = "/admin/branding/sitesettings/1/change/"


def settings_form(**changes):
    data = {
        "name": "Tenants United",
        "tagline": "Homes for everyone",
        "logo": "",
        "show_name": "on",
        "accent": "",
        "footer_text": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def save_settings(editor_client):
    """Post the settings form as an editor; returns the response."""

    def save(expect_redirect=True, **changes):
        from branding.models import SiteSettings

        address = CHANGE if SiteSettings.objects.exists() else ADD
        response = editor_client.post(address, settings_form(**changes))
        if expect_redirect:
            assert response.status_code == 302, response.content.decode()[:3000]
        return response

    return save
