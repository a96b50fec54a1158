"""The in-memory storage (``storage/memory.py``) beyond the contract suite: its queries read through
the indexes, so that the serializable check tracks exactly what they depended on."""

from __future__ import annotations

from datetime import date

from volunteer_core import Branch, Member
from volunteer_core.storage.memory import InMemoryUnitOfWork


def test_members_in_branches_reads_the_branch_index_of_each_id_only() -> None:
    uow = InMemoryUnitOfWork()
    with uow:
        for branch in ("b1", "b2", "b3"):
            uow.branches.add(Branch(id=branch, name=f"{branch}支部"))
            uow.members.add(
                Member(id=f"m-{branch}", name="张三", branch_id=branch, joined_on=date(2020, 1, 1))
            )
        uow.commit()
    with uow:
        found = uow.members.in_branches(["b2", "b1", "b2", "b9"])
        reads = {key for key in uow._transaction().reads if key[0] == "members"}
    assert [m.id for m in found] == ["m-b1", "m-b2"]
    assert reads == {("members", "branch", b) for b in ("b1", "b2", "b9")}  # never the whole table
