import pytest

from content_service.domain.kinds import ContentKind, may_publish, normalise_tags


class TestMayPublish:
    @pytest.mark.parametrize("roles", [[], ["MEMBER"], ["MEMBER", "EXPERT"], ["MEMBER", "OPERATOR"]])
    def test_anyone_may_publish_ugc(self, roles: list[str]) -> None:
        assert may_publish(ContentKind.UGC, roles) is True

    @pytest.mark.parametrize("roles", [["MEMBER", "EXPERT"], ["MEMBER", "EXPERT", "OPERATOR"]])
    def test_expert_may_publish_pgc(self, roles: list[str]) -> None:
        assert may_publish(ContentKind.PGC, roles) is True

    @pytest.mark.parametrize("roles", [[], ["MEMBER"], ["MEMBER", "OPERATOR"]])
    def test_non_expert_may_not_publish_pgc(self, roles: list[str]) -> None:
        assert may_publish(ContentKind.PGC, roles) is False

    @pytest.mark.parametrize("roles", [["MEMBER", "OPERATOR"], ["MEMBER", "EXPERT", "OPERATOR"]])
    def test_operator_may_publish_commercial(self, roles: list[str]) -> None:
        assert may_publish(ContentKind.COMMERCIAL, roles) is True

    @pytest.mark.parametrize("roles", [[], ["MEMBER"], ["MEMBER", "EXPERT"]])
    def test_non_operator_may_not_publish_commercial(self, roles: list[str]) -> None:
        assert may_publish(ContentKind.COMMERCIAL, roles) is False


class TestNormaliseTags:
    def test_lower_cases(self) -> None:
        assert normalise_tags(["Python", "MONGO"]) == ["python", "mongo"]

    def test_trims_whitespace(self) -> None:
        assert normalise_tags(["  python ", "\tmongo\n"]) == ["python", "mongo"]

    def test_drops_duplicates_after_normalising(self) -> None:
        assert normalise_tags(["python", " Python", "PYTHON "]) == ["python"]

    def test_keeps_first_seen_order(self) -> None:
        assert normalise_tags(["zeta", "alpha", "Zeta", "mid"]) == ["zeta", "alpha", "mid"]

    def test_drops_blank_tags(self) -> None:
        assert normalise_tags(["", "   ", "python", "\t"]) == ["python"]

    def test_empty_list_gives_empty_list(self) -> None:
        assert normalise_tags([]) == []
