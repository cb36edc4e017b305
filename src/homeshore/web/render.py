"""Rendering of the pages: one Jinja2 environment, texts in the page's language, and the
security headers every page carries (the content policy also keeps pages off any CDN)."""

from __future__ import annotations

from typing import Any, Final

import jinja2
from starlette.responses import HTMLResponse

from homeshore.web.i18n import LANGUAGE_NAMES, Translator

#: nothing is loaded from anywhere but the platform itself
CONTENT_SECURITY_POLICY: Final = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS: Final = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

ENVIRONMENT: Final = jinja2.Environment(
    loader=jinja2.PackageLoader("homeshore.web", "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(
    template: str,
    translator: Translator,
    *,
    page: str,
    title_key: str,
    path: str,
    status_code: int = 200,
    user: dict[str, Any] | None = None,
    nav: list[dict[str, Any]] | None = None,
    script: str | None = None,
    connect_src: tuple[str, ...] = (),
    **context: Any,
) -> HTMLResponse:
    """The page; ``connect_src`` adds origins its scripts may connect to (the SIP
    WebSocket of the platform's own telephony server, when voice is on)."""
    html = ENVIRONMENT.get_template(template).render(
        t=translator,
        lang=translator.language,
        language_names=LANGUAGE_NAMES,
        page=page,
        title_key=title_key,
        path=path,
        user=user,
        nav=nav or [],
        script=script,
        **context,
    )
    headers = SECURITY_HEADERS
    if connect_src:
        extra = " ".join(connect_src)
        policy = CONTENT_SECURITY_POLICY.replace(
            "connect-src 'self'", f"connect-src 'self' {extra}"
        )
        headers = SECURITY_HEADERS | {"Content-Security-Policy": policy}
    return HTMLResponse(html, status_code=status_code, headers=headers)
