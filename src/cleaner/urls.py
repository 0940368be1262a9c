"""A URL's host, and whether two hosts are one site: the HTML reader asks it of a page's links (which
leave the site) and the spam rules of a page's own address (a link to the page's own site is no ad)."""

from __future__ import annotations

from urllib.parse import urlsplit


def host(url: str) -> str:
    """The lower-case host of an http(s) or scheme-relative URL, without ``www.``; "" otherwise."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # "http://[" and the like
        return ""
    if parts.scheme.lower() not in ("http", "https", "") or not parts.netloc:
        return ""
    return (parts.hostname or "").removeprefix("www.")


def same_site(host: str, home: str) -> bool:
    """One site: the same host, or one a subdomain of the other (``blog.example.com``, ``example.com``)."""
    return bool(host) and (host == home or host.endswith("." + home) or home.endswith("." + host))
