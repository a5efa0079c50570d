"""Rate limits for signing in and for password-reset requests.

Signing in (the web form and `POST /api/v1/auth/token` share the counts):
- at most LOGIN_FAILURE_LIMIT failures (default 5) for one email *from one client address* per
  LOGIN_FAILURE_WINDOW_SECONDS (default 15 minutes). Someone who guesses wrong from their own
  address locks only that address out of that account: the owner signs in from theirs;
- at most LOGIN_IP_FAILURE_LIMIT failures (default 50) from one address, whatever the email.

Each attempt is counted *before* the password is checked, so attempts sent in parallel cannot
all slip under the limit; a successful sign-in takes its attempt back. A password reset clears
every lock on the email (from any address).

Password-reset requests: at most PASSWORD_RESET_LIMIT (default 3) per email, whether or not it
has an account, and PASSWORD_RESET_IP_LIMIT (default 20) per address, per
PASSWORD_RESET_WINDOW_SECONDS (default one hour).

Counts live in the default cache, shared by every process: Redis when REDIS_URL is set, else a
table in the database with atomic counts (core/cache.py)."""

from __future__ import annotations


from django.conf import settings
from django.core.cache import cache

from core.ratelimit import digest, hit

LOGIN_LIMITED_MESSAGE = ("Too many failed sign-in attempts for this email address from your "
                         "network. Wait 15 minutes, or reset your password.")
PASSWORD_RESET_LIMITED_MESSAGE = (
    "Too many password-reset requests for this email address or from your network. If you asked "
    "for a link already, check your inbox and spam folder: every link we sent still works. "
    "Otherwise wait an hour and try again.")


def _normal(email: str) -> str:
    return (email or "").strip().lower()


def _take_back(key: str) -> None:
    try:
        if cache.decr(key) <= 0:
            cache.delete(key)
    except ValueError:  # already expired
        pass


# --- Signing in -------------------------------------------------------------------------------

def _epoch(email: str) -> str:
    """Changes when the email's locks are cleared (a password reset), so every per-address count
    for the email starts again without having to find them."""
    return str(cache.get(_login_epoch_key(email), 0))


def _login_epoch_key(email: str) -> str:
    return "login-epoch:" + digest(_normal(email))


def _pair_key(email: str, ip: str) -> str:
    email = _normal(email)
    return "login-fail:pair:" + digest(email, ip, _epoch(email))


def _ip_key(ip: str) -> str:
    return "login-fail:ip:" + digest(ip)


def login_attempt(*, email: str, ip: str) -> bool:
    """Count one sign-in attempt for `email` from `ip` before its password is checked. False: over
    a limit; refuse without checking the password (even the right one, from this address)."""
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    pair = hit(_pair_key(email, ip), window)
    address = hit(_ip_key(ip), window)
    return pair <= settings.LOGIN_FAILURE_LIMIT and address <= settings.LOGIN_IP_FAILURE_LIMIT


def login_succeeded(*, email: str, ip: str) -> None:
    """The password was right: forget this email's failures from this address, and take the
    attempt back from the address's count (only failures count against it)."""
    cache.delete(_pair_key(email, ip))
    _take_back(_ip_key(ip))


def login_locks_clear(*, email: str) -> None:
    """Clear every sign-in lock on `email`, from every address (after a password reset)."""
    key = _login_epoch_key(email)
    if not cache.add(key, 1, None):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, None)


# --- Password-reset requests ------------------------------------------------------------------

def password_reset_attempt(*, email: str, ip: str) -> bool:
    """Count one password-reset request; False once the email or the address is over its limit.
    Counted the same for addresses with and without an account, so the answer reveals nothing."""
    window = settings.PASSWORD_RESET_WINDOW_SECONDS
    per_email = hit("reset:email:" + digest(_normal(email)), window)
    per_address = hit("reset:ip:" + digest(ip), window)
    return per_email <= settings.PASSWORD_RESET_LIMIT and per_address <= settings.PASSWORD_RESET_IP_LIMIT


# --- The client's address ---------------------------------------------------------------------

def client_ip(request) -> str:
    """The client's address: the connection's, or behind TRUSTED_PROXY_COUNT reverse proxies the
    address the outermost trusted proxy saw (X-Forwarded-For, counted from the right, so a client
    cannot choose its own address by sending the header)."""
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                     if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies][:100]
    return request.META.get("REMOTE_ADDR", "") or "unknown"
