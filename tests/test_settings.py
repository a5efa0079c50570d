"""Settings come from the environment; production refuses to start without a secret key."""

from __future__ import annotations

import os
import subprocess
import sys


def run_settings(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("DEBUG", "SECRET_KEY", "DATABASE_URL", "PYTEST_VERSION", "SECURE_HTTPS")}
    clean["EDPOOL_ENV_FILE"] = ""  # this checkout's .env (DEBUG=true) must not leak in
    clean.update(env)
    code = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE']='edpool.settings'; "
            "from django.conf import settings; "
            "print(settings.DATABASES['default']['ENGINE'], settings.DEBUG, "
            "getattr(settings, 'SECURE_HSTS_SECONDS', 0), settings.SESSION_COOKIE_SECURE)")
    return subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True, text=True)


def test_secret_key_required_when_debug_is_off():
    result = run_settings({})
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_production_settings_from_environment():
    result = run_settings({"SECRET_KEY": "x" * 50, "DATABASE_URL": "postgres://u@db.example/edpool",
                           "SECURE_HTTPS": "true"})
    assert result.returncode == 0, result.stderr
    engine, debug, hsts, secure_cookie = result.stdout.split()
    assert engine == "django.db.backends.postgresql" and debug == "False"
    assert int(hsts) > 0 and secure_cookie == "True"


def test_default_database_is_sqlite_under_var(tmp_path):
    result = run_settings({"DEBUG": "true", "EDPOOL_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "django.db.backends.sqlite3"


def test_collectstatic_works_on_a_fresh_deploy(tmp_path):
    """The README's deploy step: `edpool collectstatic --no-input` before any static folder exists."""
    target = tmp_path / "staticfiles"
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "PYTEST_VERSION")}
    env.update({"SECRET_KEY": "x" * 50, "STATIC_ROOT": str(target), "EDPOOL_ENV_FILE": "",
                "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    result = subprocess.run([sys.executable, "-m", "edpool.cli", "collectstatic", "--no-input"],
                            env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert any((target / "edpool").rglob("*.css")) and (target / "admin").is_dir()


def test_the_env_file_make_writes_is_read_and_the_environment_wins(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DEBUG=true\nALLOWED_HOSTS=from-file.example\n")
    common = {"EDPOOL_VAR_DIR": str(tmp_path)}
    # Outside make, with no DEBUG in the environment: the file's DEBUG=true lets commands run.
    result = run_settings({**common, "EDPOOL_ENV_FILE": str(env_file)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1] == "True"
    # A value set in the environment wins over the file: production is never switched by a file.
    result = run_settings({**common, "EDPOOL_ENV_FILE": str(env_file), "DEBUG": "false"})
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr
    # No file read at all.
    result = run_settings({**common, "EDPOOL_ENV_FILE": ""})
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr
