"""Official forms (表格), both ways: export to and import from the spreadsheets branches and
communities fill in and send up.

* :data:`HEADERS` — the column headers of each form, in order, as the seeds print them;
* :func:`export` — write a form (``.csv`` UTF-8 with BOM, or ``.xlsx`` with the extra ``xlsx``);
* :func:`import_wishes` — read a filled 附件1 into beneficiaries and COLLECTED wishes, row by row,
  returning an :class:`ImportResult` with the stored wishes, an :class:`ImportedRow` per row already
  imported (imports are idempotent) and a :class:`RowError` per refused row;
* :func:`read_money` — money as people write it (``"300元"``, ``"¥300"``, ``"三百元"``), exactly.

Kinds: ``plan`` (活动计划表, 000), ``wish_collection`` (附件1 需求征集表), ``wish_claims`` (附件2
认领落实表), ``wish_summary`` (附件3 落实情况汇总表), ``half_year`` (活动开展情况), ``notice`` (公示),
``organisation_summary`` (汇总表, 逐级上报: one row per organisation node).

>>> from volunteer_core import forms
>>> forms.HEADERS["wish_collection"][:8]
('序号', '姓名', '性别', '年龄', '家庭住址', '心愿内容', '申领证明材料', '联系电话')
>>> str(forms.read_money("贰佰伍拾元"))
'250.00'
"""

from volunteer_core.forms._cells import MAX_AMOUNT_CHARS, MAX_CELL_CHARS, CellError, guard, read_money
from volunteer_core.forms._export import export, export_all
from volunteer_core.forms._headers import HEADERS, KINDS, TITLES
from volunteer_core.forms._import import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ROWS,
    ImportedRow,
    ImportResult,
    RowError,
    import_wishes,
)
from volunteer_core.forms._package import (
    MAX_XLSX_ELEMENTS,
    MAX_XLSX_EXPANSION,
    MAX_XLSX_UNPACKED,
    XLSX_EXPANSION_FLOOR,
)
from volunteer_core.forms._xlsx import MAX_COLUMN_NUMBER, MAX_ROW_NUMBER

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_ROWS",
    "HEADERS",
    "KINDS",
    "MAX_AMOUNT_CHARS",
    "MAX_CELL_CHARS",
    "MAX_COLUMN_NUMBER",
    "MAX_ROW_NUMBER",
    "MAX_XLSX_ELEMENTS",
    "MAX_XLSX_EXPANSION",
    "MAX_XLSX_UNPACKED",
    "TITLES",
    "XLSX_EXPANSION_FLOOR",
    "CellError",
    "ImportResult",
    "ImportedRow",
    "RowError",
    "export",
    "export_all",
    "guard",
    "import_wishes",
    "read_money",
]
