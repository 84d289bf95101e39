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


def _signer() -> signing.Signer:
    """One Signer per SECRET_KEY (it is asked on every save)."""
    global _cached
    secret = settings.SECRET_KEY
    if _cached is None or _cached[0] != secret:
        _cached = (secret, signing.Signer(salt=_SALT))
    return _cached[1]


_cached: tuple[str, signing.Signer] | None = None


def attempt_key(*, attempt_id: int, version: int) -> str:
    """The key the paper page sends with its saves."""
    return _signer().sign(f"{attempt_id}.{version}")


def key_version(key: str, *, attempt_id: int) -> int | None:
    """The version a genuine key for this attempt names, else None."""
    if not key or len(key) > 200:
        return None
    try:
        payload = _signer().unsign(key)
    except signing.BadSignature:
        return None
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
