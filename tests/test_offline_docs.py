"""The API's documentation page works offline: Swagger UI's assets are served by EdPool itself."""

import re

from django.contrib.staticfiles import finders


def test_docs_page_loads_its_assets_locally(client, db):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "cdn" not in html.lower()
    sources = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html)
    assert any("swagger-ui-bundle.js" in s for s in sources)
    for src in sources:
        assert src.startswith("/static/"), src
        assert finders.find(src.removeprefix("/static/")), f"{src} is not a static file EdPool has"
