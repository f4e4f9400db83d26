"""No redirect is built from the request's Host header (``web.routing``)."""

from __future__ import annotations

import re

import pytest

EVIL = "evil.example"
# A value for each converter the app's rules use.
SAMPLE = {"int": "1", "default": "x", "string": "x", "path": "x/y"}


def _paths(app) -> list[str]:
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        path = re.sub(
            r"<(?:(\w+)(?:\([^)]*\))?:)?\w+>", lambda m: SAMPLE[m.group(1) or "default"], rule.rule
        )
        paths.append(path)
    return paths


def _variants(path: str) -> list[str]:
    toggled = path.rstrip("/") if path.endswith("/") and path != "/" else path + "/"
    inner = path.replace("/", "//", 2)[1:] if path.count("/") > 1 else "/" + path
    return [toggled, "/" + path, inner, path + "//"]


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_no_path_of_any_rule_redirects_to_the_host_the_request_named(app):
    client = app.test_client()
    paths = _paths(app)
    assert len(paths) > 30  # every page, not a few
    for path in paths:
        for variant in _variants(path):
            response = client.get("/", environ_overrides={"PATH_INFO": variant, "HTTP_HOST": EVIL})
            location = response.headers.get("Location", "")
            assert EVIL not in location, (variant, response.status_code, location)


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_doubled_slashes_are_not_redirected_and_a_trailing_slash_is_optional(app):
    client = app.test_client()
    for path in ("/static//portal.css", "/invoices//1/pdf", "/invoices/1//pdf"):
        response = client.get("/", environ_overrides={"PATH_INFO": path, "HTTP_HOST": EVIL})
        assert response.status_code == 404, path
    # A path that starts with two slashes is read as the page (before, a 308 to the Host).
    response = client.get("/", environ_overrides={"PATH_INFO": "//invoices", "HTTP_HOST": EVIL})
    assert response.status_code == 401
    assert client.get("/static/portal.css").status_code == 200
    # The console's home is /ar/; /ar is the same page: sign in first, on this host.
    for path in ("/ar/", "/ar"):
        response = client.get(path, headers={"Host": EVIL})
        assert response.status_code == 303
        assert response.headers["Location"] == f"/ar/sign-in?next={path}"


def test_query_values_answer_as_werkzeugs_do_without_raising_for_a_missing_name():
    """``QueryValues.get`` skips Werkzeug's raise-and-catch for a name the request did not send,
    and otherwise answers exactly as ``ImmutableMultiDict.get``: the first value, converted by
    ``type``, the default where the conversion fails."""
    from werkzeug.datastructures import ImmutableMultiDict

    from web.routing import ArdeskRequest, QueryValues

    pairs = [("page", "2"), ("page", "3"), ("q", "x"), ("empty", "")]
    ours, theirs = QueryValues(pairs), ImmutableMultiDict(pairs)
    for name in ("page", "q", "empty", "missing"):
        for kwargs in ({}, {"default": "d"}, {"type": int}, {"default": 7, "type": int}):
            assert ours.get(name, **kwargs) == theirs.get(name, **kwargs), (name, kwargs)
    assert ours.getlist("page") == ["2", "3"]
    request = ArdeskRequest.from_values("/invoices?status=open&status=paid")
    assert isinstance(request.args, QueryValues)
    assert request.args.get("status") == "open" and request.args.get("sort", "issued") == "issued"
