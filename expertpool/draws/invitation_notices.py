"""Mail and text messages of the invitation flow, queued once the transaction commits
(core.delivery), so a rolled-back change never reaches anybody. In Chinese first."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from expertpool.accounts.models import PoolRole, Role
from expertpool.activities.models import Activity, ActivityParty
from expertpool.core.delivery import mail_after_commit, sms_after_commit
from expertpool.draws.invitation_links import invitation_url
from expertpool.draws.models import PanelSeat

TEMPLATES = "draws/mail/"


def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def kind_name(activity: Activity) -> str:
    for kind in activity.pool.policy.rules.activity_kinds:
        if kind.code == activity.kind:
            return kind.name_en if (translation.get_language() or "").startswith("en") else kind.name
    return activity.kind


def activity_facts(activity: Activity) -> dict[str, Any]:
    """What an invited expert needs to decide: the job, and the subjects, so that they
    can spot a conflict of interest. Names follow the active language."""
    subjects = ActivityParty.objects.filter(activity_id=activity.pk, role=ActivityParty.Role.SUBJECT)
    return {
        "activity": activity,
        "kind_name": kind_name(activity),
        "starts_at": timezone.localtime(activity.starts_at),
        "ends_at": timezone.localtime(activity.ends_at),
        "subjects": list(subjects.order_by("pk").values_list("organisation__name", flat=True)),
    }


def _mail_facts(activity: Activity) -> dict[str, Any]:
    with translation.override(settings.LANGUAGE_CODE):
        return activity_facts(activity)


def _send(template: str, context: dict[str, Any], recipients: list[str]) -> None:
    mail_after_commit(
        subject_template=f"{TEMPLATES}{template}_subject.txt",
        body_template=f"{TEMPLATES}{template}_body.txt",
        context=context,
        recipients=recipients,
    )


def notify_invited(seat: PanelSeat) -> dict[str, bool]:
    """E-mail and text the invited expert the signed link; says which channels were used."""
    expert = seat.expert
    context = {
        **_mail_facts(seat.activity),
        "seat": seat,
        "expert": expert,
        "pool": seat.activity.pool,
        "link": invitation_url(seat),
        "due": timezone.localtime(seat.answer_due_at) if seat.answer_due_at else None,
    }
    _send("invitation", context, [expert.email])
    mobile = expert.mobile
    if mobile:
        sms_after_commit(template=f"{TEMPLATES}invitation_sms.txt", context=context, to=mobile)
    return {"email": bool(expert.email), "sms": bool(mobile)}


def _pool_users(activity: Activity, role: str, **filters: Any) -> list[str]:
    roles = PoolRole.objects.filter(pool_id=activity.pool_id, role=role, **filters)
    return sorted(set(roles.exclude(user__email="").values_list("user__email", flat=True)))


def notify_reserves_exhausted(activity: Activity, open_seats: int) -> None:
    """Tell the pool's admins that a supplementary draw is needed."""
    pool_home = reverse("console:pool_home", args=[activity.pool.slug])
    context = {
        **_mail_facts(activity),
        "open_seats": open_seats,
        # The admin draw page (docs/invitations.md): /console/<pool>/activities/<id>/draw/.
        "link": _site(f"{pool_home}activities/{activity.pk}/draw/"),
    }
    _send("invitation_reserves_exhausted", context, _pool_users(activity, Role.POOL_ADMIN))


def notify_panel_confirmed(activity: Activity) -> None:
    """Tell the client unit's users that every panel member has accepted."""
    context = {**_mail_facts(activity), "link": _site("/")}
    recipients = _pool_users(activity, Role.CLIENT_UNIT, organisation_id=activity.client_unit_id)
    _send("invitation_panel_confirmed", context, recipients)
