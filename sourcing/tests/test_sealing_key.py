"""The sealing key: `edpool check --deploy` fails without BID_SEALING_KEY in production; under
DEBUG (`make run`) a development key is kept in var/ beside the database."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError


def deploy_check_ids() -> set[str]:
    return {m.id for m in run_checks(include_deployment_checks=True)}


def test_deploy_check_fails_without_a_sealing_key(settings):
    settings.DEBUG, settings.BID_SEALING_KEY = False, ""
    assert "sourcing.E001" in deploy_check_ids()
    with pytest.raises(SystemCheckError, match="BID_SEALING_KEY is not set"):
        call_command("check", "--deploy")
    settings.BID_SEALING_KEY = "short"
    assert "sourcing.E001" not in deploy_check_ids() and "sourcing.W001" in deploy_check_ids()
    settings.BID_SEALING_KEY = "k" * 48
    assert not deploy_check_ids() & {"sourcing.E001", "sourcing.W001"}
    settings.DEBUG, settings.BID_SEALING_KEY = True, ""
    assert "sourcing.E001" not in deploy_check_ids()


def settings_value(env: dict, expression: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("DEBUG", "SECRET_KEY", "DATABASE_URL", "PYTEST_VERSION", "BID_SEALING_KEY")}
    clean["EDPOOL_ENV_FILE"] = ""  # this checkout's .env (DEBUG=true) must not leak in
    clean.update(env)
    code = ("import os; os.environ['DJANGO_SETTINGS_MODULE']='edpool.settings'; "
            f"from django.conf import settings; print({expression})")
    return subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True, text=True)


def test_the_development_key_lives_in_var(tmp_path):
    result = settings_value({"DEBUG": "true", "EDPOOL_VAR_DIR": str(tmp_path)}, "settings.BID_SEALING_KEY")
    assert result.returncode == 0, result.stderr
    key_file = tmp_path / "dev-bid-sealing-key"
    key = key_file.read_text().strip()
    assert result.stdout.strip() == key and len(key) >= 48 and "derived" not in key
    again = settings_value({"DEBUG": "true", "EDPOOL_VAR_DIR": str(tmp_path)}, "settings.BID_SEALING_KEY")
    assert again.stdout.strip() == key  # kept, not regenerated
    # The environment wins.
    env = settings_value({"DEBUG": "true", "EDPOOL_VAR_DIR": str(tmp_path), "BID_SEALING_KEY": "e" * 48},
                         "settings.BID_SEALING_KEY")
    assert env.stdout.strip() == "e" * 48


def test_an_existing_development_var_keeps_the_key_its_bids_were_sealed_with(tmp_path):
    """A checkout that ran before the key file existed sealed its bids under the key derived
    from its development SECRET_KEY: the new key file reproduces exactly that master key."""
    (tmp_path / "dev-secret-key").write_text("old-dev-secret")
    code = ("__import__('sourcing.sealing').sealing._master_key().hex() if __import__('django').setup() "
            "is None else ''")
    result = settings_value({"DEBUG": "true", "EDPOOL_VAR_DIR": str(tmp_path)}, code)
    assert result.returncode == 0, result.stderr
    import hashlib

    assert result.stdout.strip() == hashlib.sha256(b"derived-from-secret-key:old-dev-secret").hexdigest()
    assert (tmp_path / "dev-bid-sealing-key").read_text() == "derived-from-secret-key:old-dev-secret"


def test_production_without_a_key_still_starts(tmp_path):
    """Existing deployments keep working (the check tells the operator); nothing is written to var/."""
    result = settings_value({"SECRET_KEY": "s" * 50, "EDPOOL_VAR_DIR": str(tmp_path)},
                            "repr(settings.BID_SEALING_KEY)")
    assert result.returncode == 0 and result.stdout.strip() == "''"
    assert not (tmp_path / "dev-bid-sealing-key").exists()
