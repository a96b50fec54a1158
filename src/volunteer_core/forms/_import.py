"""Import a filled 附件1 (“微心愿”活动需求征集表) as beneficiaries and COLLECTED wishes.

Every row is read and judged before anything is stored; the rows that pass are then stored in **one**
transaction of the unit of work (retried as a whole on ``ConcurrencyConflict``), so an import is all
of its good rows or nothing — never half a file, and nothing already stored is ever changed.

Imports are idempotent: each row's wish is stored with the row's fingerprint (see
:mod:`volunteer_core.forms._fingerprint`) as its idempotency key, and a row whose fingerprint is already
stored is reported as already imported instead of being stored again.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import attrs

from volunteer_core.errors import ConcurrencyConflict, InvalidInput
from volunteer_core.forms._cells import (
    CellError,
    is_blank,
    read_age,
    read_category,
    read_date,
    read_gender,
    read_money,
    read_text,
    read_wish_kind,
)
from volunteer_core.forms._fingerprint import fingerprint
from volunteer_core.forms._headers import HEADERS, header_key
from volunteer_core.forms._result import ImportedRow, ImportResult, RowError
from volunteer_core.forms._sheet import input_path, read_table, writable_errors
from volunteer_core.model import Beneficiary, Wish, WishKind
from volunteer_core.policy import DEFAULT, Policy
from volunteer_core.ports import UnitOfWork
from volunteer_core.rules.wish import validate_wish

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_ROWS",
    "ImportResult",
    "ImportedRow",
    "RowError",
    "import_wishes",
]

#: Files larger than this are refused (bytes).
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
#: Files with more data rows than this are refused.
DEFAULT_MAX_ROWS = 50_000
#: Rows above the header (title lines) searched for the header row.
_HEADER_SEARCH = 30

_COLUMNS = HEADERS["wish_collection"]
# header key → field; 征集对象姓名 (附件2) and 身份证号 are accepted spellings
_FIELDS: dict[str, str] = {
    "序号": "number",
    "姓名": "name",
    "征集对象姓名": "name",
    "性别": "gender",
    "年龄": "age",
    "家庭住址": "address",
    "心愿内容": "content",
    "申领证明材料": "evidence",
    "联系电话": "phone",
    "身份证号码": "id_number",
    "身份证号": "id_number",
    "服务对象类别": "category",
    "所在社区": "community",
    "心愿类别": "kind",
    "心愿价值": "value",
    "征集日期": "collected_on",
}
# field → the column header named in errors (the form's own spelling)
_COLUMN_OF: dict[str, str] = {}
for _header in _COLUMNS:
    _COLUMN_OF.setdefault(_FIELDS[header_key(_header)], _header)
# a Beneficiary / Wish attribute named by InvalidInput.path → field
_PATH_FIELD = {
    "name": "name",
    "category": "category",
    "community": "community",
    "id_number": "id_number",
    "phone": "phone",
    "address": "address",
    "gender": "gender",
    "birth_date": "id_number",
    "content": "content",
    "value": "value",
    "kind": "kind",
    "collected_on": "collected_on",
    "evidence": "evidence",
}
_CODE_FIELD = {
    "wish.value_cap": "value",
    "wish.value_required": "value",
    "wish.content_required": "content",
}
# cells that would be masked in an export: a "*" means the file is a masked copy
_MASKABLE = ("name", "address", "phone", "id_number")


@attrs.frozen
class _Row:
    """A row that passed every check, ready to store, with its fingerprint."""

    row: int
    beneficiary: Beneficiary
    wish: Wish
    key: str


def _error(row: int, field: str, code: str, zh: str, en: str) -> RowError:
    column = _COLUMN_OF.get(field, "")
    return RowError(row, column, code, f"{zh}；{en}", message_zh=zh, message_en=en)


def _header_row(path: Path, rows: Sequence[tuple[int, tuple[object, ...]]]) -> tuple[int, dict[str, int]]:
    """The index (in ``rows``) of the header row and the column index of every known field."""
    for index, (number, values) in enumerate(rows[:_HEADER_SEARCH]):
        keys = [header_key(read_text(v)) for v in values]
        if "心愿内容" not in keys or not ({"姓名", "征集对象姓名"} & set(keys)):
            continue
        columns: dict[str, int] = {}
        for position, key in enumerate(keys):
            field = _FIELDS.get(key)
            if field is None:
                continue
            if field in columns:
                raise InvalidInput(
                    "header",
                    read_text(values[position]),
                    message_en=f"{path.name}: row {number} names the column {read_text(values[position])!r} twice",
                    message_zh=f"{path.name}：第 {number} 行表头“{read_text(values[position])}”重复",
                )
            columns[field] = position
        return index, columns
    raise InvalidInput(
        "header",
        path.name,
        message_en=f"{path.name}: no header row with 姓名 and 心愿内容 in the first {_HEADER_SEARCH} rows "
        "(is this a 附件1 “微心愿”活动需求征集表?)",
        message_zh=f"{path.name}：前 {_HEADER_SEARCH} 行中没有包含“姓名”“心愿内容”的表头（应为附件1“微心愿”活动需求征集表）",
    )


def _parse_row(
    number: int,
    cells: Mapping[str, object],
    *,
    collected_on: date | None,
    community: str | None,
    policy: Policy,
) -> _Row | list[RowError]:
    """Check one row; a stored-ready row, or every error found in it."""
    errors: list[RowError] = []
    text = {field: read_text(cells.get(field)) for field in _COLUMN_OF}

    def fail(field: str, err: CellError) -> None:
        errors.append(_error(number, field, err.code, err.message_zh, err.message_en))

    masked: set[str] = set()
    for field in _MASKABLE:
        if "*" in text[field]:
            masked.add(field)
            errors.append(
                _error(
                    number,
                    field,
                    "input.invalid",
                    f"“{text[field]}”是隐去部分内容的数据，不能导入（请导出未隐去的表格）",
                    f"{text[field]!r} is masked and cannot be imported (export with masked=False)",
                )
            )
    if is_blank(text["name"]) and "name" not in masked:
        errors.append(_error(number, "name", "input.required", "姓名为空", "姓名 (name) is blank"))
    if is_blank(text["content"]):
        errors.append(
            _error(
                number,
                "content",
                "wish.content_required",
                "心愿内容为空",
                "心愿内容 (the wish's content) is blank",
            )
        )
    category = None
    try:
        category = read_category(cells.get("category"))
    except CellError as err:
        fail("category", err)
    else:
        if category is None:
            errors.append(
                _error(
                    number,
                    "category",
                    "input.required",
                    "服务对象类别为空",
                    "服务对象类别 (category) is blank",
                )
            )
    place = text["community"] if not is_blank(text["community"]) else (community or "")
    if is_blank(place):
        errors.append(
            _error(
                number,
                "community",
                "input.required",
                "所在社区（村）为空",
                "所在社区（村） (community) is blank",
            )
        )
    readers: dict[str, Callable[[object], Any]] = {
        "gender": read_gender,
        "age": read_age,
        "kind": read_wish_kind,
        "value": read_money,
        "collected_on": read_date,
    }
    read: dict[str, Any] = {}
    for field, reader in readers.items():
        try:
            read[field] = reader(cells.get(field))
        except CellError as err:
            fail(field, err)
            read[field] = None
    day = read["collected_on"] if read["collected_on"] is not None else collected_on
    if day is None and is_blank(text["collected_on"]):
        errors.append(
            _error(
                number,
                "collected_on",
                "input.required",
                "征集日期为空（也未指定默认征集日期）",
                "征集日期 (collection date) is blank and no collected_on= was given",
            )
        )
    if errors:
        return errors
    assert category is not None
    assert day is not None
    kind = read["kind"] or (WishKind.MATERIAL if read["value"] is not None else WishKind.SERVICE)
    try:
        beneficiary = Beneficiary(
            id=f"ben-{uuid.uuid4().hex}",
            name=text["name"],
            category=category,
            community=place,
            id_number=None if is_blank(text["id_number"]) else text["id_number"],
            phone=None if is_blank(text["phone"]) else text["phone"],
            address=None if is_blank(text["address"]) else text["address"],
            gender=read["gender"],
        )
    except InvalidInput as err:
        field = _PATH_FIELD.get(err.path, "")
        return [_error(number, field, err.code, err.message_zh, err.message_en)]
    try:
        wish = Wish(
            id=f"wish-{uuid.uuid4().hex}",
            beneficiary_id=beneficiary.id,
            kind=kind,
            content=text["content"],
            collected_on=day,
            value=read["value"],
            evidence=text["evidence"],
        )
    except InvalidInput as err:
        field = _PATH_FIELD.get(err.path, "")
        return [_error(number, field, err.code, err.message_zh, err.message_en)]
    found = [
        _error(number, _CODE_FIELD.get(v.code, ""), v.code, v.message_zh, v.message_en)
        for v in validate_wish(wish, policy)
        if v.is_error
    ]
    if found:
        return found
    key = fingerprint(
        {
            "name": text["name"],
            "gender": read["gender"],
            "age": read["age"],
            "address": text["address"],
            "content": text["content"],
            "evidence": text["evidence"],
            "phone": text["phone"],
            "id_number": beneficiary.id_number,
            "category": category,
            "community": place,
            "kind": read["kind"],
            "value": read["value"],
            "collected_on": read["collected_on"],  # as written: not the collected_on= default
        }
    )
    return _Row(number, beneficiary, wish, key)


def _address_key(b: Beneficiary) -> tuple[str, str, str]:
    """Name and address; a beneficiary without an address is matched by name within its community."""
    address = "".join((b.address or "").split())
    return ("".join(b.name.split()), address, "" if address else b.community)


@attrs.define
class _Stored:
    """What one attempt of the transaction stored, recognised and refused."""

    wishes: list[Wish] = attrs.Factory(list)
    created: list[Beneficiary] = attrs.Factory(list)
    again: list[ImportedRow] = attrs.Factory(list)
    errors: list[RowError] = attrs.Factory(list)


def _store(uow: UnitOfWork, rows: Sequence[_Row], strict: bool) -> _Stored:
    """Inside an open transaction: skip each row whose fingerprint is stored (by an earlier import or an
    identical earlier row of this file), else match or add its beneficiary and add its wish with the
    fingerprint as idempotency key. With ``strict``, stop at the first refused row."""
    by_id_number: dict[str, Beneficiary] = {}
    by_address: dict[tuple[str, str, str], Beneficiary] = {}
    for stored in uow.beneficiaries.list():
        if stored.id_number:
            by_id_number.setdefault(stored.id_number, stored)
        by_address.setdefault(_address_key(stored), stored)
    done = _Stored()
    by_key: dict[str, Wish] = {}
    for item in rows:
        earlier = by_key.get(item.key) or uow.wishes.by_idempotency_key(item.key)
        if earlier is not None:
            done.again.append(ImportedRow(item.row, earlier, item.key))
            by_key[item.key] = earlier
            continue
        new = item.beneficiary
        if new.id_number:
            match = by_id_number.get(new.id_number)
            if match is not None and "".join(match.name.split()) != "".join(new.name.split()):
                done.errors.append(
                    _error(
                        item.row,
                        "id_number",
                        "input.invalid",
                        "身份证号码已登记在另一人名下（姓名不符）",
                        "the ID number is registered to another person (the names differ)",
                    )
                )
                if strict:
                    return done
                continue
        else:
            match = by_address.get(_address_key(new))
        if match is None:
            match = uow.beneficiaries.add(new)
            done.created.append(match)
            if match.id_number:
                by_id_number[match.id_number] = match
            by_address.setdefault(_address_key(match), match)
        wish = uow.wishes.add(attrs.evolve(item.wish, beneficiary_id=match.id), idempotency_key=item.key)
        by_key[item.key] = wish
        done.wishes.append(wish)
    return done


def _key_taken(err: InvalidInput) -> bool:
    """A wish's idempotency key stored meanwhile by a concurrent import: the retry will see the row."""
    return err.code == "input.duplicate" and err.path == "idempotency_key"


def import_wishes(
    path: str | Path,
    uow: UnitOfWork,
    *,
    strict: bool = False,
    collected_on: date | None = None,
    community: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
    policy: Policy = DEFAULT,
    progress: Callable[[int, int], None] | None = None,
    retries: int = 8,
) -> ImportResult:
    """Turn a filled 附件1 (.csv or .xlsx) into beneficiaries and COLLECTED wishes.

    The header row is found among the first rows (title lines above it are skipped) and read by name,
    in any order (``心愿内容(清晰扼要)`` and ``心愿内容`` are one column). Each data row is judged: a blank
    required cell (姓名, 服务对象类别, 所在社区（村） → ``input.required``; 心愿内容 →
    ``wish.content_required``), a cell that cannot be read (an ID number with a bad checksum, an unknown
    性别, money that cannot be read exactly → ``input.invalid``) or an ERROR of :func:`validate_wish`
    under ``policy`` (``wish.value_cap`` …) gives a :class:`RowError` and stores nothing of that row.
    The cap bounds every row with a value, whatever its 心愿类别: a 书籍 row marked 精神文化 at 500 yuan is
    refused like the same row marked 生活物资 (004 §三 — a wish that costs money is a 物资 need).
    Blank rows (and rows holding only a 序号) are skipped; reading goes to the end of the sheet.

    Blank 心愿类别 → MATERIAL when a value is given, else SERVICE; blank 征集日期 → ``collected_on``;
    blank 所在社区（村） → ``community``. Beneficiaries are matched to stored ones by ID number when the
    row gives one, else by name and address (by name within the community when there is no address),
    and created otherwise — once per import, however many rows name them.

    Importing is idempotent. Each row's wish is stored with the row's fingerprint — a hash of its
    content, not of its position or file (``"wish-row/1:"`` + SHA-256; see docs/forms.md) — as its
    idempotency key. A row whose fingerprint is already stored, by an earlier import or by an identical
    earlier row of the same file, stores nothing (neither wish nor beneficiary) and is listed in
    :attr:`ImportResult.already_imported` with the stored wish it matches; it is not an error. A row
    that differs in any cell (a corrected row) is a new row and imports. Two imports of one file at
    the same time store each row once: the key is unique in the storage, and the one that loses the
    race retries and finds the rows already imported.

    Everything is stored in one transaction: with ``strict=True`` nothing is stored when any row
    fails (the result then lists only the errors); a failure of the storage stores nothing at all.
    Nothing already stored is changed.

    Args:
        path: the file (``.csv`` UTF-8 — with or without BOM — or GB18030; ``.xlsx`` is read without any extra).
        uow: where to store.
        strict: store nothing unless every row passes.
        collected_on: the date of rows whose 征集日期 is blank.
        community: the community of rows whose 所在社区（村） is blank.
        max_bytes: refuse larger files (``InvalidInput``, code ``input.too_large``).
        max_rows: refuse files with more data rows (``InvalidInput``, code ``input.too_large``).
        policy: the rules rows are judged by (the value cap, on every kind of wish).
        progress: called as ``progress(rows_done, rows_total)`` while rows are checked.
        retries: how often the transaction is retried on ``ConcurrencyConflict`` (or on a row's key
            stored meanwhile by a concurrent import, ``input.duplicate``).

    Returns:
        An :class:`ImportResult`.

    >>> import pathlib, tempfile
    >>> from volunteer_core.storage.memory import InMemoryUnitOfWork
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "annex1.csv"
    >>> _ = path.write_text("姓名,心愿内容,服务对象类别,所在社区（村）,征集日期\\n"
    ...                     "赵大爷,理发上门,老,凤山社区,2026-05-01\\n", encoding="utf-8")
    >>> uow = InMemoryUnitOfWork()
    >>> len(import_wishes(path, uow).imported)
    1
    >>> again = import_wishes(path, uow)
    >>> again.imported, [row.row for row in again.already_imported], again.ok
    ((), [2], True)

    Raises:
        InvalidType: ``path`` is neither a ``str`` nor an ``os.PathLike`` of text (code ``input.type``).
        InvalidInput: the file cannot be read as a 附件1 at all (missing, a directory, unknown format, no
            header row, too large, not UTF-8/GB18030, a damaged XLSX); the messages name the file with its
            control characters and lone surrogates escaped.
    """
    file = input_path(path)
    if isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < 1:
        raise InvalidInput("max_rows", max_rows, message_en="must be an integer ≥ 1", message_zh="须为正整数")
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
        raise InvalidInput(
            "max_bytes", max_bytes, message_en="must be an integer ≥ 1", message_zh="须为正整数"
        )
    if collected_on is not None and type(collected_on) is not date:
        raise InvalidInput(
            "collected_on",
            collected_on,
            code="input.type",
            message_en="must be a date",
            message_zh="须为日期",
        )
    with writable_errors():  # the messages name the file, whose name may hold any character
        table = read_table(file, max_bytes=max_bytes, max_rows=max_rows + _HEADER_SEARCH)
        header_index, columns = _header_row(file, table)
        data = table[header_index + 1 :]
        if len(data) > max_rows:
            raise InvalidInput(
                "path",
                str(file),
                code="input.too_large",
                message_en=f"{file.name} has {len(data)} data rows, more than the limit of {max_rows}",
                message_zh=f"{file.name} 有 {len(data)} 行数据，超过上限 {max_rows} 行",
            )
    good: list[_Row] = []
    errors: list[RowError] = []
    rows_read = 0
    for done, (number, values) in enumerate(data, start=1):
        if progress is not None and (done % 200 == 0 or done == len(data)):
            progress(done, len(data))
        cells = {field: values[i] if i < len(values) else None for field, i in columns.items()}
        if all(is_blank(read_text(v)) for f, v in cells.items() if f != "number"):
            continue  # a blank row, or one that holds only its 序号
        rows_read += 1
        parsed = _parse_row(number, cells, collected_on=collected_on, community=community, policy=policy)
        if isinstance(parsed, _Row):
            good.append(parsed)
        else:
            errors.extend(parsed)
    if strict and errors:
        return ImportResult(imported=(), errors=tuple(errors), rows=rows_read)
    if not good:
        return ImportResult(imported=(), errors=tuple(errors), rows=rows_read)
    attempt = 0
    while True:
        try:
            with uow:
                outcome = _store(uow, good, strict)
                if strict and outcome.errors:
                    return ImportResult(imported=(), errors=tuple(errors + outcome.errors), rows=rows_read)
                uow.commit()
            break
        except (ConcurrencyConflict, InvalidInput) as err:
            if isinstance(err, InvalidInput) and not _key_taken(err):
                raise
            attempt += 1
            if attempt > retries:
                raise
            time.sleep(0.002 * 2 ** min(attempt, 6))
    all_errors = sorted([*errors, *outcome.errors], key=lambda e: e.row)
    return ImportResult(
        imported=tuple(outcome.wishes),
        errors=tuple(all_errors),
        beneficiaries=tuple(outcome.created),
        rows=rows_read,
        already_imported=tuple(outcome.again),
    )
