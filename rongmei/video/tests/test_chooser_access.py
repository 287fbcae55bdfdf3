"""The video and audio choosers list the media library: only its readers open them."""

import pytest
from django.urls import reverse

from rongmei.organisation import roles
from rongmei.testing import login, make_user


@pytest.mark.parametrize("name", ["video_chooser:choose", "audio_chooser:choose"])
def test_only_the_media_librarys_readers_open_the_chooser(newsroom, client, name):
    login(client, newsroom.reporter)
    assert client.get(reverse(name)).status_code == 200
    analyst = make_user("analyst", roles.ANALYST)
    client.logout()
    login(client, analyst)
    assert client.get(reverse(name)).status_code in (302, 403)
