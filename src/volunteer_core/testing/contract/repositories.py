"""The repositories' contract, every repository of the table of aggregates alike: ``get``, ``add`` (its
version, duplicates, dangling references), ``update`` (version numbering, stale versions, missing ids),
``list`` (ordered by id) and round trips of fixed and drawn entities (keyword ``contract_repositories``).
A record's update is its decision, the one change the ledger takes (the sample record is PENDING); the
ledger area (``contract_ledger``) checks every other.

Every test is parametrized over :data:`volunteer_core.testing.contract.REPOSITORIES` (the rows of
:data:`volunteer_core.aggregates.AGGREGATES`) or over every reference of the table (:data:`DANGLING`).

>>> DANGLING[:2]
(('organisations', 'parent_id', 'parent_id'), ('branches', 'organisation_id', 'organisation_id'))
>>> [case for case in DANGLING if case[0] == "wishes"][-1]
('wishes', 'claims[].supporter_id', 'claims[0].supporter_id')
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Final

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from volunteer_core.aggregates import AGGREGATES
from volunteer_core.errors import ConcurrencyConflict, InvalidInput, NotFound, RuleViolation
from volunteer_core.ports import LockRepository, UnitOfWork, port_of
from volunteer_core.testing.contract._base import (
    REPOSITORIES,
    ContractBase,
    contract_area,
    contract_settings,
    ids_of,
    read,
    repository,
    store,
)
from volunteer_core.testing.contract._seed import (
    MISSING,
    fixed_world,
    make_changed,
    make_collected_wish,
    make_dangling,
    make_sample,
    round_trip_entities,
)

__all__ = ["DANGLING", "RepositoryContract"]

#: The repository interface every repository of a unit of work implements: the table's, and the locks.
_PORTS: Final[dict[str, type]] = {
    **{name: port_of(name) for name in REPOSITORIES},
    "locks": LockRepository,
}


def _dangling_cases() -> tuple[tuple[str, str, str], ...]:
    cases = []
    for aggregate in AGGREGATES:
        for reference in aggregate.references:
            entity = make_dangling(aggregate.name, reference.field, "new-1")
            path = next(path for path, value in reference.ids(entity) if value == MISSING)
            cases.append((aggregate.name, reference.field, path))
    return tuple(cases)


#: ``(repository, reference field, path)`` of every reference a storage must check (the references of
#: the table of aggregates): the path a refusal names (``claims[0].member_id`` for ``claims[].member_id``).
DANGLING: Final = _dangling_cases()


@contract_area("repositories")
class RepositoryContract(ContractBase):
    """What every repository does: ``get``, ``add``, ``update``, ``list`` and round trips.

    >>> RepositoryContract.test_get_missing_raises_not_found.contract_repositories
    True
    """

    __test__: ClassVar[bool] = False

    def test_make_uow_returns_a_unit_of_work_with_every_repository(self, uow: UnitOfWork) -> None:
        for name, abc in _PORTS.items():
            found = getattr(uow, name, None)
            assert isinstance(found, abc), f"uow.{name} is {found!r}, not a {abc.__name__}"

    def test_make_uow_starts_empty(self, uow: UnitOfWork) -> None:
        with uow:
            for name in (*REPOSITORIES, "locks"):
                assert repository(uow, name).list() == [], (
                    f"make_uow() must give empty storage: {name} is not"
                )

    # -- get, add -------------------------------------------------------------------------------------

    @pytest.mark.parametrize("repo", REPOSITORIES)
    def test_get_missing_raises_not_found(self, seeded: UnitOfWork, repo: str) -> None:
        with seeded, pytest.raises(NotFound):
            repository(seeded, repo).get("nobody-here")

    @pytest.mark.parametrize("repo", REPOSITORIES)
    def test_add_returns_the_entity_and_get_finds_it(self, seeded: UnitOfWork, repo: str) -> None:
        entity = make_sample(repo, "new-1")
        with seeded:
            assert repository(seeded, repo).add(entity) == entity
            assert repository(seeded, repo).get("new-1") == entity, "reads see the unit's own writes"
            seeded.commit()
        assert read(seeded, lambda u: repository(u, repo).get("new-1")) == entity

    @pytest.mark.parametrize("repo", REPOSITORIES)
    def test_add_stores_the_given_version(self, seeded: UnitOfWork, repo: str) -> None:
        entity = attrs.evolve(make_sample(repo, "new-1"), version=7)
        store(seeded, [(repo, entity)])
        assert read(seeded, lambda u: repository(u, repo).get("new-1")).version == 7

    @pytest.mark.parametrize("repo", REPOSITORIES)
    def test_add_duplicate_in_the_same_transaction_is_refused(self, seeded: UnitOfWork, repo: str) -> None:
        with seeded:
            repository(seeded, repo).add(make_sample(repo, "new-1"))
            with pytest.raises(InvalidInput) as refused:
                repository(seeded, repo).add(make_changed(repo, make_sample(repo, "new-1")))
        assert (refused.value.code, refused.value.path) == ("input.duplicate", "id")

    @pytest.mark.parametrize("repo", REPOSITORIES)
    def test_add_duplicate_of_committed_id_is_refused(self, seeded: UnitOfWork, repo: str) -> None:
        original = make_sample(repo, "new-1")
        store(seeded, [(repo, original)])
        with seeded:
            with pytest.raises(InvalidInput) as refused:
                repository(seeded, repo).add(make_changed(repo, original))
            seeded.commit()
        assert (refused.value.code, refused.value.path) == ("input.duplicate", "id")
        assert read(seeded, lambda u: repository(u, repo).get("new-1")) == original, "the original stays"

    @pytest.mark.parametrize(("repo", "field", "path"), DANGLING, ids=[f"{r}.{p}" for r, _, p in DANGLING])
    def test_add_with_dangling_reference_is_refused(
        self, seeded: UnitOfWork, repo: str, field: str, path: str
    ) -> None:
        with seeded, pytest.raises(InvalidInput) as refused:
            repository(seeded, repo).add(make_dangling(repo, field, "new-1"))
        assert (refused.value.code, refused.value.path) == ("input.reference", path)
        with seeded, pytest.raises(NotFound):
            repository(seeded, repo).get("new-1")

    @pytest.mark.parametrize(("repo", "field", "path"), DANGLING, ids=[f"{r}.{p}" for r, _, p in DANGLING])
    def test_update_with_dangling_reference_is_refused(
        self, seeded: UnitOfWork, repo: str, field: str, path: str
    ) -> None:
        """A dangling reference is refused on update too; every reference of a record is a booked field
        of the ledger, which no update changes (``RuleViolation`` ``ledger.append_only``)."""
        original = make_sample(repo, "new-1")
        store(seeded, [(repo, original)])
        with seeded, pytest.raises((InvalidInput, RuleViolation)) as refused:
            repository(seeded, repo).update(make_dangling(repo, field, "new-1"))
        if repo == "records":
            assert isinstance(refused.value, RuleViolation), f"{refused.value!r} is not a RuleViolation"
            assert refused.value.code == "ledger.append_only"
        else:
            assert isinstance(refused.value, InvalidInput), f"{refused.value!r} is not an InvalidInput"
            assert (refused.value.code, refused.value.path) == ("input.reference", path)
        assert read(seeded, lambda u: repository(u, repo).get("new-1")) == original

    def test_references_to_entities_added_in_the_same_transaction_resolve(self, uow: UnitOfWork) -> None:
        world = fixed_world()
        with uow:
            for repo, entity in world:
                repository(uow, repo).add(entity)
            uow.commit()
        with uow:
            for repo, entity in world:
                assert repository(uow, repo).get(entity.id) == entity

    # -- update ---------------------------------------------------------------------------------------

    @pytest.mark.parametrize("repo", REPOSITORIES)
    def test_update_numbers_versions_and_returns_what_it_stored(self, seeded: UnitOfWork, repo: str) -> None:
        """Versions 0 → 1 → 2 → 3. A record takes one update, its decision (the ledger area,
        ``contract_ledger``, checks that it takes no other)."""
        original = make_sample(repo, "new-1")
        store(seeded, [(repo, original)])
        changed = make_changed(repo, original)
        with seeded:
            first = repository(seeded, repo).update(changed)
            assert first == attrs.evolve(changed, version=1), "update stores the entity with version + 1"
            assert repository(seeded, repo).get("new-1") == first, "update returns what it stored"
            if repo == "records":
                seeded.commit()
                assert read(seeded, lambda u: u.records.get("new-1")) == first
                return
            second = repository(seeded, repo).update(first)
            assert second == attrs.evolve(changed, version=2)
            seeded.commit()
        assert read(seeded, lambda u: repository(u, repo).get("new-1")) == second
        with seeded:
            third = repository(seeded, repo).update(second)
            seeded.commit()
        assert third.version == 3
        assert read(seeded, lambda u: repository(u, repo).get("new-1")) == third

    @pytest.mark.parametrize("repo", REPOSITORIES)
    def test_update_with_stale_version_conflicts(self, seeded: UnitOfWork, repo: str) -> None:
        original = make_sample(repo, "new-1")
        store(seeded, [(repo, original)])
        with seeded:
            stored = repository(seeded, repo).update(make_changed(repo, original))
            seeded.commit()
        for version in (0, 2, 5):
            with seeded, pytest.raises(ConcurrencyConflict):
                repository(seeded, repo).update(attrs.evolve(original, version=version))
        assert read(seeded, lambda u: repository(u, repo).get("new-1")) == stored, (
            "a refused update changes nothing"
        )

    @pytest.mark.parametrize("repo", REPOSITORIES)
    def test_update_of_missing_id_raises_not_found(self, seeded: UnitOfWork, repo: str) -> None:
        with seeded, pytest.raises(NotFound):
            repository(seeded, repo).update(make_sample(repo, "new-1"))

    # -- list and round trips ---------------------------------------------------------------------------

    @pytest.mark.parametrize("repo", REPOSITORIES)
    def test_list_returns_everything_ordered_by_id(self, seeded: UnitOfWork, repo: str) -> None:
        """Ordered as Python orders str (code points): ``X-1 < x-1 < x-10 < x-9 < x_1 < 支部-1``; a SQL
        storage orders by a binary collation (``COLLATE "C"``), not a linguistic one."""
        tricky = ["x-9", "支部-1", "x-10", "X-1", "x_1", "x-1", "x-1a"]
        with seeded:
            before = repository(seeded, repo).list()
            for entity_id in tricky:
                repository(seeded, repo).add(make_sample(repo, entity_id))
            inside = ids_of(repository(seeded, repo).list())
            seeded.commit()
        expected = sorted([*ids_of(before), *tricky])
        assert inside == expected, "list() inside the transaction sees its own adds, ordered by id"
        assert ids_of(read(seeded, lambda u: repository(u, repo).list())) == expected

    @pytest.mark.parametrize("repo", REPOSITORIES)
    def test_round_trip_keeps_every_field(self, seeded: UnitOfWork, repo: str) -> None:
        """A sample entity comes back equal (a wish with its claims, a plan with its items)."""
        entity = attrs.evolve(make_sample(repo, "new-1"), version=3)
        store(seeded, [(repo, entity)])
        assert read(seeded, lambda u: repository(u, repo).get("new-1")) == entity
        assert entity in read(seeded, lambda u: repository(u, repo).list())

    @pytest.mark.parametrize("repo", REPOSITORIES)
    def test_round_trip_of_drawn_entities(self, repo: str) -> None:
        """Entities drawn from :mod:`volunteer_core.testing.strategies` come back equal."""

        def check(uow: UnitOfWork, entity: Any) -> None:
            store(uow, [(repo, entity)])
            with uow:
                assert repository(uow, repo).get(entity.id) == entity
                assert entity in repository(uow, repo).list()

        run = self._drawn(check)
        strategy = st.tuples(round_trip_entities(repo), st.integers(0, 5)).map(
            lambda pair: attrs.evolve(pair[0], version=pair[1])
        )
        given(strategy)(settings(contract_settings())(run))()

    def test_round_trip_of_a_wish_in_every_state(self, seeded: UnitOfWork) -> None:
        day = date(2026, 3, 2)
        published = make_collected_wish("w-p", value="200.00").screen(True, day).publish(day)
        claimed = published.claim("m-1", day, pledged="80.00").claim("m-2", day)
        wishes = [
            make_collected_wish("w-c"),
            make_collected_wish("w-r").screen(False, day, reason="重复征集"),
            published,
            attrs.evolve(claimed, id="w-cl"),
            attrs.evolve(claimed.withdraw_claim("m-1", day), id="w-w"),
            attrs.evolve(claimed.fulfil(day), id="w-f"),
            attrs.evolve(claimed.cancel(day, "服务对象已搬离"), id="w-x"),
        ]
        store(seeded, [("wishes", w) for w in wishes])
        with seeded:
            for wish in wishes:
                assert seeded.wishes.get(wish.id) == wish
