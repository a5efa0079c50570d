"""A small EdPool cluster on this machine's loopback: nginx in front of two (or more) gunicorn
application servers, separate processes on one database, as docs/deploy.md lays it out across
machines. The tests start one (ops/tests/test_cluster.py) and so does the load test (`make load`).

    with LoopbackCluster(database_url="postgres://postgres@127.0.0.1:5432/edpool_x") as cluster:
        cluster.url                  # https://127.0.0.1:PORT, nginx balancing over every server
        cluster.pinned[0].url        # nginx in front of server 0 only (the same site file)
        cluster.ca_file              # the self-signed certificate, to verify TLS against

What is started, each in a process group of its own (so stopping it stops its children too):
- gunicorn per server with deploy/gunicorn.conf.py, on a free loopback port, DEBUG off, HTTPS
  settings on (SECURE_HTTPS, TRUSTED_PROXY_COUNT=1), nginx's receipt time trusted from 127.0.0.1
  (EDPOOL_EDGE_PROXIES, core/received.py), one MEDIA_ROOT shared by all (the "shared
  storage"), one SECRET_KEY and BID_SEALING_KEY;
- nginx (Debian's package) with the site file rendered from deploy/nginx/edpool.conf by
  ops.deploy (TLS with a self-signed certificate made here): one instance balancing over all the
  servers and, for tests that must say which server answers, one instance per server.
`stop()` (also on leaving the `with` block, and at interpreter exit as a last resort) sends
SIGTERM to every group, then SIGKILL to what is left after a few seconds, and removes the
working folder. Nothing listens beyond 127.0.0.1.

It imports none of EdPool's apps (ops.deploy renders the site file).
"""

from __future__ import annotations

import atexit
import datetime as dt
import http.client
import ipaddress
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from ops.deploy import DEPLOY_DIR, GUNICORN_CONFIG, nginx_site

ROOT = DEPLOY_DIR.parent
NGINX_CANDIDATES = ("/usr/sbin/nginx", "/usr/bin/nginx")
# Variables of the test runner that must not reach the servers: they would switch EdPool's settings
# to their test behaviour (test secret key, no persistent connections, per-worker Redis database).
_RUNNER_VARIABLES = ("PYTEST_VERSION", "PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT",
                     "PYTEST_XDIST_TESTRUNUID", "PYTEST_CURRENT_TEST", "PYTEST_ADDOPTS")


class ClusterError(RuntimeError):
    pass


def nginx_binary() -> str | None:
    """Debian's nginx (`apt-get install nginx`), or None."""
    for candidate in NGINX_CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("nginx")


def nginx_main_conf(home: Path, site: Path) -> str:
    """nginx.conf for an nginx of its own under `home` (pid, logs and temporary files there, in the
    foreground) serving the one site file `site`."""
    temp = "\n".join(f"    {kind}_temp_path {home / kind};" for kind in
                     ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    # As root, nginx's workers would switch to an unprivileged user that cannot read this
    # folder: keep them the launcher's own user (nginx ignores `user` when not root).
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (f"{user}daemon off;\nmaster_process on;\nworker_processes 1;\npid {home / 'nginx.pid'};\n"
            f"error_log {home / 'error.log'} warn;\n"
            # Each proxied request holds two connections (client and upstream): 512 reset
            # connections when the load test's 540 users met the bid deadline (bench/README.md).
            "events { worker_connections 4096; }\n"
            "http {\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
            f"    sendfile on;\n{temp}\n    include {site};\n}}\n")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, valid for a day, its own authority."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "EdPool loopback")])
    # The certificate's validity is the machine's real time (the consortium's clock may be set in tests).
    now = dt.datetime.fromtimestamp(time.time(), dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=False,
                                         content_commitment=False, key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = directory / "tls.crt", directory / "tls.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return cert_file, key_file


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path
    stop_signal: int = signal.SIGTERM

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@dataclass
class AppServer:
    index: int
    port: int
    process: Process
    access_log: Path

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"


@dataclass
class Front:
    """One nginx instance: `url` is its HTTPS address, `http_url` its plain-HTTP one (redirects)."""
    name: str
    https_port: int
    http_port: int
    upstreams: list[AppServer]
    process: Process | None = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"


@dataclass
class LoopbackCluster:
    database_url: str
    servers: int = 2
    workers: int = 1
    threads: int = 4
    redis_url: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    start_timeout: float = 40.0
    keep_workdir: bool = False

    def __post_init__(self) -> None:
        self.workdir: Path | None = None
        self.app_servers: list[AppServer] = []
        self.front: Front | None = None
        self.pinned: list[Front] = []
        self._processes: list[Process] = []
        self.ca_file: Path | None = None
        self.media_root: Path | None = None

    # --- starting -------------------------------------------------------------------------

    def __enter__(self) -> "LoopbackCluster":
        self.start()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:  # a failing test: what the servers said, before their folder goes
            sys.stderr.write(f"Loopback cluster logs ({self.workdir}):\n{self.logs()}\n")
        self.stop()

    @property
    def url(self) -> str:
        assert self.front is not None, "start() the cluster first"
        return self.front.url

    def start(self) -> "LoopbackCluster":
        nginx = nginx_binary()
        if nginx is None:
            raise ClusterError("nginx is not installed (Debian: apt-get install -y nginx).")
        atexit.register(self.stop)
        try:
            self._start(nginx)
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self, nginx: str) -> None:
        self.workdir = Path(tempfile.mkdtemp(prefix="edpool-loopback-"))
        self.workdir.chmod(0o755)  # nginx's worker processes read the static files under it
        self.media_root = self.workdir / "media"
        self.media_root.mkdir()
        self.ca_file, key_file = self_signed_certificate(self.workdir)
        env = self._server_env()
        static_root = self.workdir / "static"
        # Static files for nginx, collected while the servers start.
        collect = self._spawn("collectstatic", [sys.executable, "-m", "edpool.cli", "collectstatic",
                                                "--no-input", "-v", "0"], env)

        for index in range(self.servers):
            port = free_port()
            access_log = self.workdir / f"web{index}.access.log"
            server_env = dict(env, EDPOOL_BIND=f"127.0.0.1:{port}", EDPOOL_WEB_WORKERS=str(self.workers),
                              EDPOOL_WEB_THREADS=str(self.threads), EDPOOL_WEB_ACCESS_LOG=str(access_log))
            process = self._spawn(f"web{index}", [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONFIG),
                                                  "edpool.wsgi:application"], server_env,
                                  stop_signal=signal.SIGINT)  # gunicorn's quick shutdown (TERM waits)
            self.app_servers.append(AppServer(index, port, process, access_log))
        deadline = time.monotonic() + self.start_timeout
        for server in self.app_servers:
            self._wait_http(f"http://{server.address}/", server.process, deadline)

        try:
            collect.popen.wait(max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            raise ClusterError("collectstatic did not finish in time.") from None
        if collect.popen.returncode != 0:
            raise ClusterError(f"collectstatic failed:\n{collect.tail()}")

        fronts = [Front("front", free_port(), free_port(), list(self.app_servers))]
        fronts += [Front(f"pin{s.index}", free_port(), free_port(), [s]) for s in self.app_servers]
        for front in fronts:
            front.process = self._start_nginx(nginx, front, static_root, key_file)
        for front in fronts:
            self._wait_http(front.url + "/static/", front.process, deadline)
        self.front, self.pinned = fronts[0], fronts[1:]

    def _server_env(self) -> dict[str, str]:
        assert self.workdir is not None and self.media_root is not None
        env = {k: v for k, v in os.environ.items() if k not in _RUNNER_VARIABLES}
        env.pop("REDIS_URL", None)
        env.update({
            "EDPOOL_ENV_FILE": "",  # never the checkout's .env (DEBUG=true)
            "DJANGO_SETTINGS_MODULE": "edpool.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "BID_SEALING_KEY": secrets.token_urlsafe(48),
            "DATABASE_URL": self.database_url,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_HTTPS": "true",
            "TRUSTED_PROXY_COUNT": "1",
            # nginx runs here: its X-Request-Start (when it had the whole request) is believed.
            "EDPOOL_EDGE_PROXIES": "127.0.0.1",
            "EDPOOL_VAR_DIR": str(self.workdir / "var"),
            "MEDIA_ROOT": str(self.media_root),
            "STATIC_ROOT": str(self.workdir / "static"),
            "AUDIT_CHECKPOINT_FILE": str(self.workdir / "var" / "audit-checkpoints.txt"),
            "SITE_URL": "https://127.0.0.1",
            "PYTHONUNBUFFERED": "1",
        })
        if self.redis_url:
            env["REDIS_URL"] = self.redis_url
        env.update(self.env)
        return env

    def _spawn(self, name: str, command: list[str], env: dict[str, str] | None = None,
               stop_signal: int = signal.SIGTERM) -> Process:
        assert self.workdir is not None
        log = self.workdir / f"{name}.log"
        with open(log, "wb") as out:
            popen = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        process = Process(name, popen, log, stop_signal)
        self._processes.append(process)
        return process

    def _start_nginx(self, nginx: str, front: Front, static_root: Path, key_file: Path) -> Process:
        assert self.workdir is not None and self.ca_file is not None
        home = self.workdir / front.name
        home.mkdir()
        site = home / "site.conf"
        site.write_text(nginx_site(
            server_name="127.0.0.1 localhost", upstreams=[s.address for s in front.upstreams],
            tls_certificate=str(self.ca_file), tls_certificate_key=str(key_file), static_root=str(static_root),
            https_listen=f"127.0.0.1:{front.https_port}", http_listen=f"127.0.0.1:{front.http_port}",
            log_dir=str(home)))
        main = home / "nginx.conf"
        main.write_text(nginx_main_conf(home, site))
        return self._spawn(f"nginx-{front.name}", [nginx, "-p", str(home), "-c", str(main),
                                                    "-e", str(home / "error.log")])

    def _wait_http(self, url: str, process: Process, deadline: float) -> None:
        """Wait until `url` answers at all (any HTTP status, redirects not followed), or fail naming
        the process's last words."""
        parts = urllib.parse.urlsplit(url)
        last = ""
        while time.monotonic() < deadline:
            if process.popen.poll() is not None:
                raise ClusterError(f"{process.name} stopped (exit {process.popen.returncode}) while "
                                   f"starting:\n{process.tail()}")
            if parts.scheme == "https":
                context = ssl.create_default_context(cafile=str(self.ca_file))
                conn = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=2, context=context)
            else:
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=2)
            try:
                conn.request("HEAD", parts.path or "/")
                conn.getresponse()
                return
            except (OSError, http.client.HTTPException) as exc:
                last = str(exc)
                time.sleep(0.1)
            finally:
                conn.close()
        raise ClusterError(f"{process.name} did not answer {url} in time ({last}):\n{process.tail()}")

    # --- stopping -------------------------------------------------------------------------

    def stop(self, timeout: float = 5.0) -> None:
        """Stop every process group (SIGTERM, gunicorn SIGINT; SIGKILL after `timeout` s) and remove the folder.
        Safe to call twice, and after a failed start."""
        processes, self._processes = self._processes, []
        for process in processes:
            _signal_group(process.popen, process.stop_signal)
        deadline = time.monotonic() + timeout
        for process in processes:
            try:
                process.popen.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            # The group may hold children still (nginx or gunicorn workers): SIGKILL whatever is left.
            _signal_group(process.popen, signal.SIGKILL)
            try:
                process.popen.wait(2)
            except subprocess.TimeoutExpired:  # pragma: no cover - a process SIGKILL did not end
                pass
        if self.workdir is not None and not self.keep_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
        try:
            atexit.unregister(self.stop)
        except Exception:  # pragma: no cover
            pass

    def save_logs(self, folder: Path) -> list[Path]:
        """Copies of every process's log in `folder` (the workdir goes when the cluster stops)."""
        folder.mkdir(parents=True, exist_ok=True)
        saved = []
        for p in self._processes:
            if p.log.exists():
                saved.append(Path(shutil.copy(p.log, folder / p.log.name)))
        return saved

    def logs(self) -> str:
        """The last lines of every process's log (for a failing test's report)."""
        return "\n".join(f"--- {p.name}\n{p.tail()}" for p in self._processes)


def _signal_group(popen: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(popen.pid, sig)  # start_new_session: the group's id is the leader's pid
    except (ProcessLookupError, PermissionError):
        pass
