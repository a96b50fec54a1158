"""The contract is a package of mixins, one per area, that reads the table of aggregates: every test of
``UnitOfWorkContract`` belongs to exactly one area (its ``-k`` keyword), and every aggregate, every
reference and every repository interface of the table is covered."""

from __future__ import annotations

import inspect

from volunteer_core.aggregates import AGGREGATES
from volunteer_core.ports import UnitOfWork, port_of
from volunteer_core.testing import contract
from volunteer_core.testing.contract import CAPABILITIES, REPOSITORIES, UnitOfWorkContract, capability_report
from volunteer_core.testing.contract.repositories import DANGLING

AREAS = (
    "repositories",
    "transactions",
    "queries",
    "tree",
    "ledger",
    "concurrency",
    "durability",
    "state_machine",
)


def test_every_test_belongs_to_exactly_one_area_named_after_its_module() -> None:
    tests = {name: member for name, member in vars_of(UnitOfWorkContract).items() if name.startswith("test_")}
    assert len(tests) > 40
    for name, function in tests.items():
        areas = [area for area in AREAS if getattr(function, f"contract_{area}", False)]
        assert len(areas) == 1, f"{name} is in the areas {areas}"
        assert function.__module__ == f"{contract.__name__}.{areas[0]}", name


def test_the_suite_reads_the_table_of_aggregates() -> None:
    assert [a.name for a in AGGREGATES] == list(REPOSITORIES)
    assert {(a.name, r.field) for a in AGGREGATES for r in a.references} == {
        (repo, field) for repo, field, _ in DANGLING
    }
    assert ("wishes", "claims[].member_id", "claims[0].member_id") in DANGLING
    assert ("wishes", "claims[].supporter_id", "claims[0].supporter_id") in DANGLING
    assert ("organisations", "parent_id", "parent_id") in DANGLING
    for name in REPOSITORIES:
        assert inspect.isabstract(port_of(name)), name


def test_the_mixins_are_not_collected_and_their_composition_is_not_either() -> None:
    for mixin in UnitOfWorkContract.__mro__:
        if mixin is not object:
            assert mixin.__dict__.get("__test__") is False, mixin.__name__

    class TestComposed(UnitOfWorkContract):
        pass

    class TestWithSiblings(UnitOfWorkContract):
        def make_sibling(self, uow: UnitOfWork) -> UnitOfWork:
            return uow

    class TestDeclared(TestWithSiblings):
        supports_siblings = False

    class TestReopening(UnitOfWorkContract):
        def reopen(self, uow: UnitOfWork) -> UnitOfWork:
            return uow

    class TestNotReopening(TestReopening):
        supports_reopen = False

    assert TestComposed.__test__ is True
    assert (TestComposed.supports_siblings, TestWithSiblings.supports_siblings) == (False, True)
    assert TestDeclared.supports_siblings is False
    assert (TestComposed.supports_reopen, TestReopening.supports_reopen) == (False, True)
    assert (TestNotReopening.supports_reopen, TestWithSiblings.supports_reopen) == (False, False)


def test_the_capability_report_says_whether_the_storage_is_durable() -> None:
    class TestDurable(UnitOfWorkContract):
        def reopen(self, uow: UnitOfWork) -> UnitOfWork:
            return uow

    assert "TestDurable: supports_reopen = True (durable)" in capability_report(TestDurable).splitlines()
    report = capability_report(UnitOfWorkContract).splitlines()
    assert "UnitOfWorkContract: supports_reopen = False (not durable: no reopen(uow))" in report
    assert len(report) == len(CAPABILITIES)


def vars_of(cls: type) -> dict[str, object]:
    """Every attribute of ``cls`` and its bases, the nearest definition winning."""
    found: dict[str, object] = {}
    for klass in reversed(cls.__mro__):
        found.update(vars(klass))
    return found
