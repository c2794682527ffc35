from datetime import UTC, datetime

import jwt
import pytest

from gateway.auth import Authenticator, TokenIssuer, Viewer
from infra.errors import UnauthenticatedError
from infra.settings import Settings

ADMIN_KEY = "k" * 20
SECRET = "s" * 32
OTHER_SECRET = "o" * 32
TTL_SECONDS = 3600


def auth_settings(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "jwt_secret": SECRET,
        "platform_admin_key": ADMIN_KEY,
        "jwt_ttl_seconds": TTL_SECONDS,
        "jwt_issuer": "community-platform",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def issuer() -> TokenIssuer:
    return TokenIssuer(auth_settings())


@pytest.fixture
def authenticator(issuer: TokenIssuer) -> Authenticator:
    return Authenticator(auth_settings(), issuer)


class TestTokenIssuer:
    def test_verify_returns_member_and_community_of_issued_token(self, issuer: TokenIssuer) -> None:
        token = issuer.issue(member_id="m1", community_id="c1")

        assert issuer.verify(token) == ("m1", "c1")

    def test_expired_token_is_refused(self, issuer: TokenIssuer) -> None:
        token = issuer.issue(member_id="m1", community_id="c1", now=datetime.now(UTC) - 2 * issuer.ttl)

        with pytest.raises(UnauthenticatedError, match=r"^token has expired$"):
            issuer.verify(token)

    def test_token_signed_with_another_secret_is_invalid(self, issuer: TokenIssuer) -> None:
        token = TokenIssuer(auth_settings(jwt_secret=OTHER_SECRET)).issue(member_id="m1", community_id="c1")

        with pytest.raises(UnauthenticatedError, match=r"^token is invalid$"):
            issuer.verify(token)

    def test_token_from_another_issuer_is_invalid(self, issuer: TokenIssuer) -> None:
        token = TokenIssuer(auth_settings(jwt_issuer="someone-else")).issue(member_id="m1", community_id="c1")

        with pytest.raises(UnauthenticatedError, match=r"^token is invalid$"):
            issuer.verify(token)

    def test_token_without_community_is_invalid(self, issuer: TokenIssuer) -> None:
        now = datetime.now(UTC)
        token = jwt.encode(
            {"sub": "m1", "iss": "community-platform", "iat": now, "exp": now + issuer.ttl}, SECRET, algorithm="HS256"
        )

        with pytest.raises(UnauthenticatedError, match=r"^token is invalid$"):
            issuer.verify(token)

    def test_garbage_is_invalid(self, issuer: TokenIssuer) -> None:
        with pytest.raises(UnauthenticatedError, match=r"^token is invalid$"):
            issuer.verify("not-a-jwt")

    def test_a_kept_token_answers_alike_and_a_tampered_one_is_still_refused(self, issuer: TokenIssuer) -> None:
        token = issuer.issue(member_id="m1", community_id="c1")
        assert issuer.verify(token) == issuer.verify(token) == ("m1", "c1")

        tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
        with pytest.raises(UnauthenticatedError, match=r"^token is invalid$"):
            issuer.verify(tampered)

    def test_a_kept_token_is_refused_once_it_expires(
        self, issuer: TokenIssuer, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        token = issuer.issue(member_id="m1", community_id="c1")
        assert issuer.verify(token) == ("m1", "c1")
        later = datetime.now(UTC) + 2 * issuer.ttl

        class Later(datetime):
            @classmethod
            def now(cls, tz: object = None) -> "Later":  # noqa: UP037 - the class is being defined
                return cls.fromtimestamp(later.timestamp(), UTC)

        monkeypatch.setattr("gateway.auth.time.time", later.timestamp)
        monkeypatch.setattr("jwt.api_jwt.datetime", Later)
        with pytest.raises(UnauthenticatedError, match=r"^token has expired$"):
            issuer.verify(token)

    def test_requires_a_secret(self) -> None:
        with pytest.raises(RuntimeError, match=r"^JWT_SECRET must be set$"):
            TokenIssuer(auth_settings(jwt_secret=None))


class TestAuthenticator:
    def test_right_api_key_is_admin(self, authenticator: Authenticator) -> None:
        assert authenticator.viewer(api_key=ADMIN_KEY, authorization=None) == Viewer(is_admin=True)

    def test_wrong_api_key_sets_auth_error_and_is_not_admin(self, authenticator: Authenticator) -> None:
        viewer = authenticator.viewer(api_key="x" * 20, authorization=None)

        assert viewer == Viewer(is_admin=False, auth_error="invalid API key")

    def test_wrong_api_key_wins_over_a_valid_bearer_token(
        self, authenticator: Authenticator, issuer: TokenIssuer
    ) -> None:
        token = issuer.issue(member_id="m1", community_id="c1")

        viewer = authenticator.viewer(api_key="x" * 20, authorization=f"Bearer {token}")

        assert viewer == Viewer(auth_error="invalid API key")

    def test_valid_bearer_token_is_a_member(self, authenticator: Authenticator, issuer: TokenIssuer) -> None:
        token = issuer.issue(member_id="m1", community_id="c1")

        viewer = authenticator.viewer(api_key=None, authorization=f"Bearer {token}")

        assert (viewer, viewer.is_member) == (Viewer(member_id="m1", community_id="c1"), True)

    def test_bearer_scheme_is_case_insensitive(self, authenticator: Authenticator, issuer: TokenIssuer) -> None:
        token = issuer.issue(member_id="m1", community_id="c1")

        viewer = authenticator.viewer(api_key=None, authorization=f"bearer {token}")

        assert viewer == Viewer(member_id="m1", community_id="c1")

    @pytest.mark.parametrize("authorization", ["Basic x", "Bearer", "Bearer   ", "token"])
    def test_non_bearer_authorization_sets_auth_error(self, authenticator: Authenticator, authorization: str) -> None:
        viewer = authenticator.viewer(api_key=None, authorization=authorization)

        assert viewer == Viewer(auth_error="Authorization must be 'Bearer <token>'")

    def test_expired_bearer_token_sets_auth_error(self, authenticator: Authenticator, issuer: TokenIssuer) -> None:
        token = issuer.issue(member_id="m1", community_id="c1", now=datetime.now(UTC) - 2 * issuer.ttl)

        viewer = authenticator.viewer(api_key=None, authorization=f"Bearer {token}")

        assert viewer == Viewer(auth_error="token has expired")

    def test_no_credentials_is_anonymous(self, authenticator: Authenticator) -> None:
        viewer = authenticator.viewer(api_key=None, authorization=None)

        assert (viewer, viewer.is_member) == (Viewer(), False)

    def test_requires_an_admin_key(self, issuer: TokenIssuer) -> None:
        with pytest.raises(RuntimeError, match=r"^PLATFORM_ADMIN_KEY must be set$"):
            Authenticator(auth_settings(platform_admin_key=None), issuer)
