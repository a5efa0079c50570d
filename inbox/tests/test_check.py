"""`edpool check --deploy` refuses a SITE_URL the links in emails cannot use."""

from __future__ import annotations

import pytest

from core.checks import site_url_check


@pytest.mark.parametrize("url", ["edpool.example.org", "", "ftp://edpool.example.org",
                                 "https://", "https://edpool.example.org/edpool/"])
def test_refused(settings, url):
    settings.SITE_URL = url
    assert [e.id for e in site_url_check(None)] == ["core.E001"]


@pytest.mark.parametrize("url", ["https://edpool.example.org", "https://edpool.example.org/",
                                 "http://127.0.0.1:8000"])
def test_accepted(settings, url):
    settings.SITE_URL = url
    assert site_url_check(None) == []


def test_registered_as_a_deploy_check():
    from django.core.checks import registry

    assert site_url_check in registry.registry.get_checks(include_deployment_checks=True)
    assert site_url_check not in registry.registry.get_checks(include_deployment_checks=False)
