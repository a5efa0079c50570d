"""The deployment files (deploy/): the nginx site file rendered by ops.deploy, the gunicorn settings,
the systemd units, and the settings that make several servers one (S3 media)."""

from __future__ import annotations

import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command, get_commands

from ops.deploy import DEPLOY_DIR, GUNICORN_CONFIG, DeployError, client_max_body_size, nginx_site
from ops.loopback import nginx_binary, nginx_main_conf, self_signed_certificate


def _site(**overrides) -> str:
    values = dict(server_name="edpool.example.org", upstreams=["10.0.0.11:8001", "10.0.0.12:8001"],
                  tls_certificate="/etc/tls/edpool.pem", tls_certificate_key="/etc/tls/edpool.key",
                  static_root="/srv/edpool/staticfiles")
    values.update(overrides)
    return nginx_site(**values)


def test_the_body_limit_follows_the_apps_upload_limit(settings):
    limit = re.search(r"client_max_body_size (\d+)m;", _site())
    mib = int(limit.group(1))
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= mib * 1024 * 1024 < settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024 * 1024
    settings.MAX_DOCUMENT_BYTES = 50 * 1024 * 1024  # a site that allows larger documents
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4 * ((settings.MAX_DOCUMENT_BYTES + 2) // 3) * 4 + 2 * 1024 * 1024
    assert client_max_body_size() == f"{-(-settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024))}m"


def test_the_site_file_proxies_to_every_server_with_the_headers_edpool_reads():
    site = _site()
    assert "{{" not in site and "}}" not in site
    assert "server 10.0.0.11:8001 max_fails=3" in site and "server 10.0.0.12:8001 max_fails=3" in site
    for header in ("X-Forwarded-For $proxy_add_x_forwarded_for", "X-Forwarded-Proto $scheme",
                   "X-Request-ID $request_id", "Host $http_host", 'X-Request-Start "t=${msec}"'):
        assert f"proxy_set_header {header};" in site
    # The receipt time is taken once the whole body is in: request buffering on, and nowhere off.
    assert "proxy_request_buffering on;" in site and "proxy_request_buffering off" not in site
    assert "alias /srv/edpool/staticfiles/;" in site
    assert re.search(r"location /media/ \{\s*return 404;", site)


@pytest.mark.parametrize("field,value", [
    ("server_name", "evil.org; include /etc/passwd"), ("static_root", "/srv/x;\n}"),
    ("tls_certificate", "/a b"), ("upstreams", ["10.0.0.1:80; evil"]), ("upstreams", []),
    ("server_name", "a$host"),
])
def test_a_value_that_would_break_out_of_its_directive_is_refused(field, value):
    with pytest.raises(DeployError):
        _site(**{field: value})


def test_nginx_accepts_the_rendered_site_file(tmp_path):
    nginx = nginx_binary()
    if nginx is None:
        pytest.skip("nginx is not installed (Debian: apt-get install -y nginx)")
    cert, key = self_signed_certificate(tmp_path)
    site = tmp_path / "site.conf"
    site.write_text(_site(tls_certificate=str(cert), tls_certificate_key=str(key), log_dir=str(tmp_path),
                          https_listen="127.0.0.1:1", http_listen="127.0.0.1:2"))
    main = tmp_path / "nginx.conf"
    main.write_text(nginx_main_conf(tmp_path, site))
    result = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(main), "-e", str(tmp_path / "error.log")],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


def test_the_nginx_site_command_prints_the_file(capsys):
    call_command("nginx_site", "--server-name", "edpool.example.org", "--upstream", "10.0.0.11:8001",
                 "--tls-certificate", "/c.pem", "--tls-certificate-key", "/k.pem")
    assert "server 10.0.0.11:8001" in capsys.readouterr().out


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("EDPOOL_BIND", "10.0.0.11:8002")
    monkeypatch.setenv("EDPOOL_WEB_WORKERS", "5")
    monkeypatch.delenv("EDPOOL_WEB_CONTROL_SOCKET", raising=False)
    config = runpy.run_path(str(GUNICORN_CONFIG))
    assert config["bind"] == ["10.0.0.11:8002"] and config["workers"] == 5
    assert config["worker_class"] == "gthread" and config["timeout"] <= settings.BID_OPENING_DELAY_SECONDS
    assert config["control_socket_disable"] is True  # two instances on one machine would share one socket


def test_the_systemd_units_run_commands_that_exist():
    units = sorted((DEPLOY_DIR / "systemd").iterdir())
    names = {u.name for u in units}
    assert {"edpool-web@.service", "edpool-worker@.service", "edpool-tick.service", "edpool-tick.timer",
            "edpool-backup.service", "edpool-backup.timer"} <= names
    commands = get_commands()
    for unit in units:
        for command in re.findall(r"\.venv/bin/edpool ([a-z-]+)", unit.read_text()):
            assert command.replace("-", "_") in commands, f"{unit.name}: edpool {command}"


def _settings_in_subprocess(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", "S3_MEDIA_BUCKET")}
    clean.update({"EDPOOL_ENV_FILE": "", "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "edpool.settings"}, **env)
    code = ("import django; django.setup(); from django.core.files.storage import storages; "
            "s = storages['default']; "
            "from django.conf import settings; "
            "print(type(s).__name__, getattr(s, 'bucket_name', ''), getattr(s, 'location', ''), "
            "getattr(s, 'default_acl', ''), getattr(s, 'endpoint_url', ''), settings.SESSION_ENGINE)")
    return subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=60)


def test_media_go_to_an_s3_bucket_when_one_is_named_and_stay_local_otherwise():
    pytest.importorskip("storages")
    s3 = _settings_in_subprocess({"S3_MEDIA_BUCKET": "edpool-media", "S3_ENDPOINT_URL": "https://s3.internal:9000"})
    assert s3.returncode == 0, s3.stderr
    assert s3.stdout.split() == ["S3Storage", "edpool-media", "media", "private", "https://s3.internal:9000",
                                 "django.contrib.sessions.backends.db"]
    from django.core.files.storage import storages  # this process: no S3_MEDIA_BUCKET

    assert type(storages["default"]).__name__ == "FileSystemStorage"


def test_the_launcher_stops_a_whole_process_group_even_one_ignoring_sigterm(tmp_path):
    """What ops.loopback relies on when a test fails: stop() ends every process it started and
    their children, SIGKILL after the timeout, and removes its folder."""
    from ops.loopback import LoopbackCluster

    cluster = LoopbackCluster(database_url="sqlite:///unused")
    cluster.workdir = tmp_path / "cluster"
    cluster.workdir.mkdir()
    stubborn = cluster._spawn("stubborn", ["sh", "-c", "trap '' TERM INT; sleep 60 & sleep 60 & wait"])
    import time

    time.sleep(0.2)
    started = time.monotonic()
    cluster.stop(timeout=0.5)
    assert stubborn.popen.poll() is not None and time.monotonic() - started < 5
    # SIGKILL is delivered asynchronously: an orphaned child may take a moment to die (seen once
    # under CI load, the second sleep still there right after stop())
    gone = time.monotonic() + 3
    while _living_members(stubborn.popen.pid) and time.monotonic() < gone:
        time.sleep(0.05)
    assert _living_members(stubborn.popen.pid) == [], "the group's children (the sleeps) are gone too"
    assert not cluster.workdir.exists()


def _living_members(group: int) -> list[int]:
    """Processes of the group that are not zombies (a killed orphan waits for init to reap it)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] not in ("Z", "X"):
            members.append(int(stat.parent.name))
    return members
