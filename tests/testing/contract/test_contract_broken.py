"""The contract must fail deliberately broken storages — and pass the sound one.

Each variant below breaks one method of the integrator-style storage (``integrator_store.py``). One
pytest subprocess runs the whole contract on the sound storage and on every variant (one generated test
class each, hypothesis derandomized and not shrinking), and its junit report is read per class. A variant
the contract does not catch is a bug in the contract.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import pytest

from volunteer_core.compliance import MemberTotals
from volunteer_core.errors import InvalidInput
from volunteer_core.model import Organisation, ServiceRecord
from volunteer_core.ports import UnitOfWork
from volunteer_core.testing.contract import PROFILE_ENV, UnitOfWorkContract

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # the helper module sits beside this file
    sys.path.insert(0, str(HERE))

from integrator_store import DictOrganisations, DictRecords, DictRepository, DictUnitOfWork  # noqa: E402

# -- the broken storages: each overrides one method ------------------------------------------------------


class UpdateIgnoresVersion(DictUnitOfWork):
    """``update`` replaces whatever version is stored."""

    def replace(self, table: str, key: Any, version: int, row: Any) -> None:
        stored = self.view(table).get(key)
        super().replace(table, key, version if stored is None else stored.version, row)


class RollbackKeepsWrites(DictUnitOfWork):
    """Leaving the block without commit keeps the writes."""

    def rollback(self) -> None:
        if self.in_transaction:
            self.commit()


class LeakyRecords(DictRecords):
    def in_year(self, year: int) -> Iterator[ServiceRecord]:
        found = self._where(lambda r: date(year - 1, 12, 31) <= r.on <= date(year, 12, 31))
        return iter(sorted(found, key=lambda r: (r.on, r.id)))


class InYearLeaksDecember(DictUnitOfWork):
    """``records.in_year(y)`` includes 31 December of ``y - 1``."""

    records_class = LeakyRecords


class GetRaisesKeyError(DictUnitOfWork):
    """``get`` of a missing id raises a bare ``KeyError`` instead of ``NotFound``."""

    def load(self, table: str, key: Any) -> Any:
        rows = self.view(table)
        if key not in rows:
            raise KeyError(key)
        return rows[key]


class AddOverwritesDuplicate(DictUnitOfWork):
    """``add`` of a stored id overwrites it."""

    def insert(self, table: str, key: Any, row: Any, *, path: str = "id") -> None:
        self.upsert(table, key, row)


class TotalsOverCount(DictUnitOfWork):
    """``member_year_totals`` over-counts: one branch activity too many, a cancelled month counted."""

    def member_year_totals(
        self, year: int, *, as_of: date | None = None, **options: Any
    ) -> dict[str, MemberTotals]:
        return {
            member_id: attrs.evolve(
                totals,
                community_sessions=tuple(abs(n) for n in totals.community_sessions),
                branch_activities=totals.branch_activities + 1,
            )
            for member_id, totals in super().member_year_totals(year, as_of=as_of, **options).items()
        }


class OrganisationsMovedFreely(DictOrganisations):
    def update(self, entity: Organisation) -> Organisation:
        return DictRepository.update(self, entity)


class UpdateClosesCycles(DictUnitOfWork):
    """``organisations.update`` stores any parent, one in the node's own subtree included."""

    organisations_class = OrganisationsMovedFreely


class OrganisationsOneLevelDeep(DictOrganisations):
    def subtree(self, organisation_id: str) -> list[Organisation]:
        return [self.get(organisation_id), *self.children(organisation_id)]


class SubtreeOneLevelDeep(DictUnitOfWork):
    """``organisations.subtree`` stops at the node's children."""

    organisations_class = OrganisationsOneLevelDeep


class RecordsChangeFreely(DictRecords):
    def update(self, entity: ServiceRecord) -> ServiceRecord:
        return DictRepository.update(self, entity)


class UpdateChangesBookedRecords(DictUnitOfWork):
    """``records.update`` stores any change of a record (it forgets ``check_ledger_update``)."""

    records_class = RecordsChangeFreely


class RecordsReversedTwice(DictRecords):
    def add(self, entity: ServiceRecord, *, idempotency_key: str | None = None) -> ServiceRecord:
        if entity.reverses is None:
            return super().add(entity, idempotency_key=idempotency_key)
        stored = DictRepository.add(self, entity)
        if idempotency_key is not None:
            self._uow.insert("idempotency", idempotency_key, entity.id, path="idempotency_key")
        return stored


class AddReversesTwice(DictUnitOfWork):
    """``records.add`` stores any reversal: a second one, a reversal of a reversal, one that does not
    mirror its original (it forgets ``check_ledger_entry`` for reversals)."""

    records_class = RecordsReversedTwice


class RecordsKeyedLoosely(DictRecords):
    def add(self, entity: ServiceRecord, *, idempotency_key: str | None = None) -> ServiceRecord:
        if idempotency_key is not None and idempotency_key in self._uow.view("idempotency"):
            raise InvalidInput(
                "idempotency_key",
                idempotency_key,
                code="input.duplicate",
                message_en="idempotency key already stored",
                message_zh="幂等键已存在",
            )
        return super().add(entity, idempotency_key=idempotency_key)


class KeyIgnoresTheRequest(DictUnitOfWork):
    """A reused idempotency key is always ``input.duplicate``, never ``ledger.idempotency_conflict``."""

    records_class = RecordsKeyedLoosely


class RecordsBlindToLocks(DictRecords):
    def _locked(self, record: ServiceRecord) -> bool:
        return False


class LedgerIgnoresLocks(DictUnitOfWork):
    """The ledger never looks at the locks: records are added to, and decided in, locked years."""

    records_class = RecordsBlindToLocks


#: variant → the contract tests (name prefixes) that must catch it; the state machine must catch all.
EXPECTED: dict[str, tuple[str, ...]] = {
    "UpdateIgnoresVersion": ("test_update_with_stale_version_conflicts[",),
    "RollbackKeepsWrites": (
        "test_leaving_the_block_without_commit_rolls_back",
        "test_an_exception_inside_the_block_rolls_back_and_propagates",
    ),
    "InYearLeaksDecember": ("test_records_in_year_is_exactly_that_year_ordered_by_day_then_id",),
    "GetRaisesKeyError": ("test_get_missing_raises_not_found[",),
    "AddOverwritesDuplicate": (
        "test_add_duplicate_in_the_same_transaction_is_refused[",
        "test_add_duplicate_of_committed_id_is_refused[",
    ),
    "TotalsOverCount": ("test_member_year_totals_equal_the_reference_fold",),
    "UpdateChangesBookedRecords": ("test_update_of_a_confirmed_record_is_refused[",),
    "AddReversesTwice": ("test_a_record_is_reversed_once[", "test_a_reversal_mirrors_its_original["),
    "KeyIgnoresTheRequest": ("test_a_key_reused_for_another_request_conflicts[",),
    "LedgerIgnoresLocks": (
        "test_nothing_is_added_to_a_locked_year",
        "test_nothing_of_a_locked_year_is_updated",
    ),
    "UpdateClosesCycles": (
        "test_update_under_its_own_subtree_is_refused[",
        "test_update_closing_a_cycle_with_its_own_uncommitted_moves_is_refused",
    ),
    "SubtreeOneLevelDeep": ("test_subtree_is_depth_first_children_by_id", "test_moves_that_close_no_cycle"),
}
MACHINE = "test_random_operations_agree_with_reference"
VARIANTS: dict[str, type[DictUnitOfWork]] = {
    "Sound": DictUnitOfWork,
    "UpdateIgnoresVersion": UpdateIgnoresVersion,
    "RollbackKeepsWrites": RollbackKeepsWrites,
    "InYearLeaksDecember": InYearLeaksDecember,
    "GetRaisesKeyError": GetRaisesKeyError,
    "AddOverwritesDuplicate": AddOverwritesDuplicate,
    "TotalsOverCount": TotalsOverCount,
    "UpdateChangesBookedRecords": UpdateChangesBookedRecords,
    "AddReversesTwice": AddReversesTwice,
    "KeyIgnoresTheRequest": KeyIgnoresTheRequest,
    "LedgerIgnoresLocks": LedgerIgnoresLocks,
    "UpdateClosesCycles": UpdateClosesCycles,
    "SubtreeOneLevelDeep": SubtreeOneLevelDeep,
}


class VariantContract(UnitOfWorkContract):
    """The contract on ``variant`` (a DictUnitOfWork class); the generated module subclasses it."""

    __test__ = False
    variant: type[DictUnitOfWork] = DictUnitOfWork
    supports_threads = True

    def make_uow(self) -> UnitOfWork:
        return self.variant()

    def make_sibling(self, uow: UnitOfWork) -> UnitOfWork:
        assert isinstance(uow, DictUnitOfWork)
        return self.variant(uow.store)


# -- the run ----------------------------------------------------------------------------------------------

GENERATED = '''\
"""Generated by test_contract_broken.py: the contract on the sound storage and on each broken one."""
import sys

sys.path.insert(0, {here!r})

from hypothesis import Phase, settings

import test_contract_broken as variants

settings.register_profile(
    "contract-broken-check",
    parent=settings.get_profile("volunteer_core.default"),
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
)
'''


def outcomes_per_class(report: Path) -> dict[str, dict[str, str]]:
    """class name → test name → passed / failed / skipped, from a junit XML report."""
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for case in ElementTree.parse(report).iter("testcase"):
        cls = case.get("classname", "").rsplit(".", 1)[-1]
        if case.find("failure") is not None or case.find("error") is not None:
            outcome = "failed"
        elif case.find("skipped") is not None:
            outcome = "skipped"
        else:
            outcome = "passed"
        found[cls][case.get("name", "")] = outcome
    return found


@pytest.fixture(scope="module")
def contract_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """Run the contract on every variant in one subprocess; return the outcomes per class."""
    directory = tmp_path_factory.mktemp("broken")
    module = directory / "test_variants.py"
    classes = "".join(
        f"\n\nclass Test{name}(variants.VariantContract):\n    variant = variants.{cls.__name__}\n"
        for name, cls in VARIANTS.items()
    )
    module.write_text(GENERATED.format(here=str(HERE)) + classes, encoding="utf-8")
    report = directory / "report.xml"
    environment = {**os.environ, PROFILE_ENV: "contract-broken-check"}
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(module),
            "-q",
            "-p",
            "no:cacheprovider",
            "-o",
            "addopts=",
            f"--junitxml={report}",
        ],
        cwd=directory,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert report.exists(), completed.stdout[-3000:] + completed.stderr[-3000:]
    return outcomes_per_class(report)


def test_the_sound_storage_passes(contract_run: dict[str, dict[str, str]]) -> None:
    outcomes = contract_run["TestSound"]
    assert len(outcomes) > 150
    assert [name for name, outcome in outcomes.items() if outcome == "failed"] == []


@pytest.mark.parametrize("variant", list(EXPECTED))
def test_the_contract_catches_the_broken_variant(
    contract_run: dict[str, dict[str, str]], variant: str
) -> None:
    outcomes = contract_run[f"Test{variant}"]
    failed = sorted(name for name, outcome in outcomes.items() if outcome == "failed")
    print(f"{variant} is caught by {len(failed)} contract tests: {', '.join(failed)}")
    for prefix in EXPECTED[variant]:
        assert any(name.startswith(prefix) for name in failed), f"{variant} not caught by {prefix}…"
    assert MACHINE in failed, f"the state machine did not catch {variant}"
