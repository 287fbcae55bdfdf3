"""What 舆情 adds to the admin: the one 舆情 menu with every feature's screens (menu.py), and the
dashboard panel of the reader's unread alert notifications."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .alerts.views import NotificationsPanel
from .menu import MonitoringViewSetGroup

# A snippet group: it registers the snippet viewsets and the features' own screens alike.
register_snippet(MonitoringViewSetGroup)


@hooks.register("construct_homepage_panels")
def add_notifications_panel(request, panels):
    panels.append(NotificationsPanel())
