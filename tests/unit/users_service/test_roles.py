from users_service.domain.roles import Role, with_role, without_role


class TestWithRole:
    def test_adds_the_role_after_member(self) -> None:
        assert with_role(["MEMBER"], Role.EXPERT) == ["MEMBER", "EXPERT"]

    def test_granting_a_held_role_adds_it_once(self) -> None:
        assert with_role(["MEMBER", "EXPERT"], Role.EXPERT) == ["MEMBER", "EXPERT"]

    def test_adds_member_when_missing(self) -> None:
        assert with_role([], Role.OPERATOR) == ["MEMBER", "OPERATOR"]

    def test_granting_member_to_nobody_gives_member_only(self) -> None:
        assert with_role([], Role.MEMBER) == ["MEMBER"]

    def test_orders_roles_member_expert_operator_whatever_the_input_order(self) -> None:
        assert with_role(["OPERATOR", "MEMBER"], Role.EXPERT) == ["MEMBER", "EXPERT", "OPERATOR"]


class TestWithoutRole:
    def test_removes_the_role(self) -> None:
        assert without_role(["MEMBER", "EXPERT", "OPERATOR"], Role.EXPERT) == ["MEMBER", "OPERATOR"]

    def test_revoking_a_role_not_held_changes_nothing(self) -> None:
        assert without_role(["MEMBER", "EXPERT"], Role.OPERATOR) == ["MEMBER", "EXPERT"]

    def test_revoking_member_keeps_member(self) -> None:
        assert without_role(["MEMBER", "EXPERT"], Role.MEMBER) == ["MEMBER", "EXPERT"]

    def test_keeps_member_first_in_a_stable_order(self) -> None:
        assert without_role(["OPERATOR", "EXPERT", "MEMBER"], Role.EXPERT) == ["MEMBER", "OPERATOR"]
