#!/usr/bin/env python3
"""Fuzz the API from its own OpenAPI document with Schemathesis, over HTTP against a real server.

    .venv/bin/python tests/fuzz/run.py                      # SQLite, ~2.5 minutes
    .venv/bin/python tests/fuzz/run.py --postgres postgres://postgres@127.0.0.1:5432/postgres
    make fuzz                                                # the same as the first line

What it does, every time from scratch:
1. makes a throwaway database (a temporary SQLite file, or with --postgres a new database on
   that server, dropped at the end), migrates it and builds the demo consortium;
2. starts gunicorn on a free local port, production settings (DEBUG off);
3. asks for bearer tokens (POST /api/v1/auth/token) for demo staff, a buyer and a vendor;
4. runs `schemathesis run /api/v1/openapi.json` once anonymously and once per token, each for a
   fixed time budget (--seconds), with the checks below;
5. exits non-zero if any run found a failure; the findings are printed with a curl line to
   reproduce each, and saved as JUnit XML under --report-dir.

Checks: no 5xx (`not_a_server_error`), every status documented (`status_code_conformance`), the
documented content type (`content_type_conformance`) and headers, and bodies that conform to the
documented response schemas (`response_schema_conformance`). Schemathesis sends valid and
invalid data (`--mode all`) through its examples, coverage (boundary values) and fuzzing phases.

Token revocation is left out of the signed-in runs (it would end the run's own token); the
anonymous run covers it (401).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DEMO_PASSWORD = "edpool-demo-2026"
ROLES = {
    "anonymous": None,
    "staff": "staff@demo.edpool.org",
    "buyer": "buyer1@demo.edpool.org",
    "vendor": "vendor1@demo.edpool.org",
}
CHECKS = ",".join([
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
])
# DELETE /auth/token and /auth/tokens/{id} would revoke the run's own token.
SIGNED_IN_EXCLUDE = ["--exclude-operation-id-regex", "^accounts_api_token_revoke"]


def say(message: str) -> None:
    print(f"\n--> {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post_json(url: str, data: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(data).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def wait_for(url: str, seconds: float, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"The server exited with code {server.returncode}.")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.3)
    raise SystemExit(f"The server did not answer {url} within {seconds:.0f} s.")


class Database:
    """A throwaway database: a temporary SQLite file, or a new PostgreSQL database."""

    def __init__(self, postgres: str | None, workdir: Path):
        self.postgres = postgres
        if postgres:
            import dj_database_url  # installed with EdPool

            cfg = dj_database_url.parse(postgres)
            self.name = f"edpool_fuzz_{os.getpid()}_{int(time.time())}"
            self.admin = {k: cfg[k] for k in ("HOST", "PORT", "USER", "PASSWORD") if cfg.get(k)}
            self.url = postgres.rsplit("/", 1)[0] + "/" + self.name
        else:
            self.url = f"sqlite:///{workdir / 'fuzz.sqlite3'}"

    def _admin_sql(self, sql: str) -> None:
        import psycopg

        conninfo = " ".join(f"{k.lower() if k != 'USER' else 'user'}={v}" for k, v in self.admin.items())
        with psycopg.connect(conninfo + " dbname=postgres", autocommit=True) as conn:
            conn.execute(sql)

    def create(self) -> None:
        if self.postgres:
            self._admin_sql(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        if self.postgres:
            try:
                self._admin_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            except Exception as exc:  # noqa: BLE001 - cleanup must not hide the result
                print(f"(could not drop {self.name}: {exc})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", metavar="URL", default=os.environ.get("FUZZ_POSTGRES_URL"),
                        help="a PostgreSQL server URL: the run creates and drops its own database there")
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("FUZZ_SECONDS", "30")),
                        help="fuzzing time budget per role (default 30)")
    parser.add_argument("--roles", default=",".join(ROLES), help="comma list of " + ", ".join(ROLES))
    parser.add_argument("--seed", type=int, default=None, help="Schemathesis seed (default: random, printed)")
    parser.add_argument("--report-dir", type=Path, default=ROOT / "var" / "fuzz-report")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory and database")
    parser.add_argument("extra", nargs="*", help="more arguments for `schemathesis run` (after --)")
    args = parser.parse_args(argv)

    roles = [r.strip() for r in args.roles.split(",") if r.strip()]
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        parser.error(f"unknown roles: {', '.join(unknown)}")
    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    schemathesis = shutil.which("schemathesis", path=str(BIN)) or shutil.which("schemathesis")
    if schemathesis is None:
        raise SystemExit("Schemathesis is not installed: pip install -e '.[test]'")

    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="edpool-fuzz-"))
    db = Database(args.postgres, workdir)
    env = {**os.environ, "DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(50),
           "BID_SEALING_KEY": secrets.token_urlsafe(48), "DATABASE_URL": db.url,
           "EDPOOL_VAR_DIR": str(workdir), "MEDIA_ROOT": str(workdir / "media"),
           "ALLOWED_HOSTS": "127.0.0.1,localhost",
           "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
           "AWARD_ENGINE_TIME_LIMIT_SECONDS": "2", "LOG_LEVEL": "ERROR"}
    env.pop("REDIS_URL", None)
    server = None
    failed: list[str] = []
    try:
        say(f"database: {'PostgreSQL ' + db.name if args.postgres else db.url}")
        db.create()
        subprocess.run([str(BIN / "edpool"), "migrate", "--no-input", "-v", "0"], env=env, check=True, cwd=ROOT)
        subprocess.run([str(BIN / "edpool"), "demo"], env=env, check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        workers = "2" if args.postgres else "1"  # SQLite: one writer at a time
        log = open(workdir / "server.log", "w")
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "edpool.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", workers,
             "--timeout", "60", "--graceful-timeout", "5", "--limit-request-line", "8190"],
            env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_for(base + "/healthz", 60, server)
        say(f"server {base} ({workers} worker(s)); setup took {time.monotonic() - started:.0f} s; seed {seed}")

        args.report_dir.mkdir(parents=True, exist_ok=True)
        for role in roles:
            command = [schemathesis, "run", base + "/api/v1/openapi.json", "--checks", CHECKS,
                       "--mode", "all", "--phases", "examples,coverage,fuzzing",
                       "--max-time", str(args.seconds), "--seed", str(seed), "--workers", "1",
                       "--request-timeout", "60", "--suppress-health-check", "all",
                       "--report", "junit", "--report-junit-path",
                       str(args.report_dir / f"{role}{'-postgres' if args.postgres else ''}.xml")]
            email = ROLES[role]
            if email:
                status, body = post_json(base + "/api/v1/auth/token",
                                         {"email": email, "password": DEMO_PASSWORD, "name": "fuzz"})
                if status != 201:
                    raise SystemExit(f"Could not get a token for {email}: {status} {body}")
                command += ["-H", f"Authorization: Bearer {body['token']}", *SIGNED_IN_EXCLUDE]
            command += args.extra
            say(f"schemathesis as {role} ({args.seconds} s)")
            run_started = time.monotonic()
            result = subprocess.run(command, cwd=workdir)
            print(f"({role}: {time.monotonic() - run_started:.0f} s, exit {result.returncode})")
            if result.returncode != 0:
                failed.append(role)
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        if failed or args.keep:
            print(f"server log: {workdir / 'server.log'}")
        if not args.keep:
            db.drop()
            if not failed:
                shutil.rmtree(workdir, ignore_errors=True)
    total = time.monotonic() - started
    if failed:
        say(f"FUZZING FAILED as {', '.join(failed)} ({total:.0f} s, seed {seed}); "
            f"rerun with --seed {seed} --roles {','.join(failed)}")
        return 1
    say(f"fuzzing passed: {', '.join(roles)} ({total:.0f} s, seed {seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
