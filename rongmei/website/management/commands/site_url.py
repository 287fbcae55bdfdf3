from django.core.management.base import BaseCommand, CommandError

from rongmei.website.site_url import SiteUrlError, apply_site_url, configured_site_url, public_root


class Command(BaseCommand):
    help = (
        "Show the public site's address, or set the default Site record's hostname and port to URL "
        "(e.g. `rongmei site_url https://news.example.cn`; the demo sets the address it serves)."
    )

    def add_arguments(self, parser):
        parser.add_argument("url", nargs="?", help="http(s)://host[:port] the public site is served at")

    def handle(self, *args, url=None, **options):
        if url:
            try:
                site = apply_site_url(url)
            except SiteUrlError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"Site record: {site.hostname}:{site.port} ({site.root_url})")
        configured = configured_site_url()
        if configured:
            self.stdout.write(f"SITE_URL decides the links: {configured}")
        else:
            self.stdout.write(f"Links without a request start with: {public_root() or '(no site yet)'}")
