"""Attempt keys (答题凭据): how the paper page's saves prove who sent them.

The paper page is served to the signed-in owner of an attempt, and it
carries a key: the attempt's id and ``Attempt.key_version``, signed with the
project's SECRET_KEY. The page sends the key in the ``X-Attempt-Key`` header
with every answer save, flag and clock resync. Such a request needs no
session lookup and no CSRF cookie: the key is the proof. A forged or altered
key fails the signature; a key of another attempt names another id; a
cross-site page can neither read the key nor send a custom header without
the site's consent (CORS), so the header is also the CSRF defence.

The database decides the rest in the same statement that stores the save:
the attempt must still be open, before its deadline plus grace, and at the
key's version. Signing out, and any change to the account other than the
login time (password, deactivation, name), moves the version of that
user's open attempts on, so every key handed out before stops working at
once. A page whose key was retired this way asks the state endpoint (a
normal signed-in request) for a fresh key and sends the save again; a
signed-out browser cannot get one.

Requests without the header go the usual way (session, CSRF, login).
"""

from django.conf import settings
from django.core import signing
from django.db.models import F

from .choices import AttemptStatus

HEADER = "X-Attempt-Key"
META_KEY = "HTTP_X_ATTEMPT_KEY"
_SALT = "assessments.attempt-key"


def _signer() -> tuple[signing.Signer, dict]:
    """One Signer per SECRET_KEY and fallbacks (it is asked on every save), and the keys
    it has verified: a page sends the same key with each of its saves, and
    a key already found genuine (the very same string, under the same
    secret) need not be hashed again. Only genuine keys are remembered, and
    at most _VERIFIED_MAX of them before the memory starts afresh."""
    global _cached
    secret = (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)
    if _cached is None or _cached[0] != secret:
        _cached = (secret, signing.Signer(salt=_SALT), {})
    return _cached[1], _cached[2]


_cached: tuple[tuple, signing.Signer, dict] | None = None
_VERIFIED_MAX = 50_000


def attempt_key(*, attempt_id: int, version: int) -> str:
    """The key the paper page sends with its saves."""
    return _signer()[0].sign(f"{attempt_id}.{version}")


def key_version(key: str, *, attempt_id: int) -> int | None:
    """The version a genuine key for this attempt names, else None."""
    if not key or len(key) > 200:
        return None
    signer, verified = _signer()
    payload = verified.get(key)
    if payload is None:
        try:
            payload = signer.unsign(key)
        except signing.BadSignature:
            return None
        if len(verified) >= _VERIFIED_MAX:
            verified.clear()
        verified[key] = payload
    named, _sep, version = payload.partition(".")
    if named != str(attempt_id) or not version.isdigit():
        return None
    return int(version)


def keys_retire(*, user_id: int) -> int:
    """Retire every key of this user's open attempts; how many attempts."""
    from .models import Attempt

    return Attempt.objects.filter(
        cadre__user_id=user_id, status=AttemptStatus.IN_PROGRESS
    ).update(key_version=F("key_version") + 1)


def _on_logout(sender, request, user, **kwargs):
    if user is not None and user.pk is not None:
        keys_retire(user_id=user.pk)


def _on_user_saved(sender, instance, created, update_fields=None, **kwargs):
    # A sign-in only records the login time: keys of other devices stay good.
    if created or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    keys_retire(user_id=instance.pk)


def connect_signals() -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.signals import user_logged_out
    from django.db.models.signals import post_save

    user_logged_out.connect(_on_logout, dispatch_uid="attempt-keys-logout")
    post_save.connect(
        _on_user_saved, sender=get_user_model(), dispatch_uid="attempt-keys-user"
    )
