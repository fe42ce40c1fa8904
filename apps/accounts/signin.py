"""Sign-in hardening that settings alone do not give (issue 9, OWASP ASVS L2): the client address that
sign-in throttling (django-axes) counts, and the idle session timeout (ASVS 3.3.2).

A signed-in session ends after ``SESSION_IDLE_TIMEOUT_SECONDS`` without a request. The session records when it was last used; the record is renewed at most once a minute, so
a busy session does not write on every request (``SESSION_COOKIE_AGE`` stays the absolute lifetime)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

LAST_SEEN_KEY = "pqctrack_last_seen"
RENEW_AFTER_SECONDS = 60


def mark_session_active(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    """``user_logged_in`` receiver: a fresh sign-in starts the idle clock."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN_KEY] = int(time.time())


def idle_timeout(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Sign out a session idle for longer than the timeout before the view sees it (the page then asks for
    a sign-in like any anonymous request); renew the activity record of one still in use."""

    def middleware(request: HttpRequest) -> HttpResponse:
        session = request.session
        if session.get("_auth_user_id") is not None:
            now = int(time.time())
            last_seen = session.get(LAST_SEEN_KEY)
            if not isinstance(last_seen, int) or now - last_seen > settings.SESSION_IDLE_TIMEOUT_SECONDS:
                logout(request)
            elif now - last_seen >= RENEW_AFTER_SECONDS:
                session[LAST_SEEN_KEY] = now
        return get_response(request)

    return middleware


def client_address(request: HttpRequest) -> str | None:
    """The address sign-in throttling counts per (``AXES_CLIENT_IP_CALLABLE``). Behind ``TRUSTED_PROXY_COUNT``
    proxies that each append to ``X-Forwarded-For``, it is the entry the outermost one added; entries left of
    it are the client's to invent, so they are never trusted. Without proxies it is the peer address."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
