"""edpool nginx-site: print the nginx site file for this EdPool (ops.deploy, deploy/nginx/edpool.conf)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ops.deploy import DeployError, nginx_site


class Command(BaseCommand):
    help = ("Print the nginx site file (deploy/nginx/edpool.conf filled in) for nginx in front of the "
            "given gunicorn servers; its body-size limit follows this EdPool's upload limit. See docs/deploy.md.")

    def add_arguments(self, parser):
        parser.add_argument("--server-name", required=True, help="the public host name, e.g. edpool.example.org")
        parser.add_argument("--upstream", action="append", required=True, metavar="HOST:PORT",
                            help="an application server (gunicorn); repeat for each")
        parser.add_argument("--tls-certificate", required=True, metavar="FILE")
        parser.add_argument("--tls-certificate-key", required=True, metavar="FILE")
        parser.add_argument("--static-root", default=str(settings.STATIC_ROOT), metavar="DIR",
                            help="where `edpool collectstatic` put the static files on the nginx machine "
                                 "(default: STATIC_ROOT)")
        parser.add_argument("--log-dir", default="/var/log/nginx", metavar="DIR")

    def handle(self, *args, **o):
        try:
            self.stdout.write(nginx_site(
                server_name=o["server_name"], upstreams=o["upstream"], tls_certificate=o["tls_certificate"],
                tls_certificate_key=o["tls_certificate_key"], static_root=o["static_root"], log_dir=o["log_dir"]),
                ending="")
        except DeployError as exc:
            raise CommandError(str(exc))
