"""Token sign-in to the API, and revocation."""

from __future__ import annotations

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from expertpool.accounts.models import User
from expertpool.audit.models import AuditRecord
from expertpool.pools.models import Pool


def test_token_grants_access_and_revocation_withdraws_it(gz_admin: User, gz_pool: Pool, password: str) -> None:
    client = APIClient()

    issued = client.post("/api/auth/token", {"username": "gz_admin", "password": password}, format="json")
    assert issued.status_code == 200
    token = issued.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(f"/api/pools/{gz_pool.slug}/experts/").status_code == 200

    assert client.delete("/api/auth/token").status_code == 204
    assert client.get(f"/api/pools/{gz_pool.slug}/experts/").status_code == 401
    assert not Token.objects.filter(user=gz_admin).exists()
    actions = list(AuditRecord.objects.filter(actor=gz_admin).values_list("action", flat=True))
    assert actions == ["auth.token_issued", "auth.token_revoked"]
    assert token not in str(AuditRecord.objects.values_list("data", flat=True))


def test_same_token_until_revoked(gz_admin: User, password: str) -> None:
    client = APIClient()
    credentials = {"username": "gz_admin", "password": password}

    first = client.post("/api/auth/token", credentials, format="json").json()["token"]
    second = client.post("/api/auth/token", credentials, format="json").json()["token"]

    assert first == second


def test_wrong_password_gets_no_token(gz_admin: User) -> None:
    response = APIClient().post("/api/auth/token", {"username": "gz_admin", "password": "wrong"}, format="json")

    assert response.status_code == 400
    assert "token" not in response.json()


def test_token_of_one_pool_gives_nothing_in_another(outsider: User, gz_pool: Pool, password: str) -> None:
    client = APIClient()
    token = client.post("/api/auth/token", {"username": "outsider", "password": password}, format="json")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")

    assert client.get(f"/api/pools/{gz_pool.slug}/experts/").status_code == 404


def test_revoking_needs_authentication(db: None) -> None:
    response = APIClient().delete("/api/auth/token")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_bad_token_is_refused(gz_pool: Pool) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    assert client.get("/api/pools/").status_code == 401
