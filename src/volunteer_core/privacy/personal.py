"""Personal fields: which fields hold personal data, and how a value of one is shown in an error or a repr.

:class:`~volunteer_core.errors.InvalidInput` masks its value (and that value in its messages) when its
path names a personal field; an entity's repr shows such a field through :func:`masked_repr`. Both read
:data:`PERSONAL_FIELDS`.

>>> mask_field("id_number", "11010519491231002X"), mask_field("rows[3].phone", "+86 139 1234 4859")
('110105********002X', '139****4859')
>>> personal_field("beneficiaries[2].home_address"), personal_field("name")
('address', None)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from types import MappingProxyType

from volunteer_core.privacy._text import MAX_SHOWN_LENGTH as _MAX_SHOWN_LENGTH
from volunteer_core.privacy._text import compact as _compact
from volunteer_core.privacy._text import require_str as _require_str
from volunteer_core.privacy._text import shown as _shown
from volunteer_core.privacy.address import mask_address
from volunteer_core.privacy.id_number import mask_id_number
from volunteer_core.privacy.phone import mask_phone

__all__ = [
    "MAX_SHOWN_LENGTH",
    "PERSONAL_FIELDS",
    "mask_birth_date",
    "mask_field",
    "mask_unknown",
    "masked_repr",
    "personal_field",
]


def mask_birth_date(text: str) -> str:
    """A birth date with every digit hidden, its separators kept: the eight digits an ID number's mask hides
    are this date, so showing it beside a masked ID number would show the whole number.

    >>> mask_birth_date("1949-12-31"), mask_birth_date("1949年12月31日")
    ('****-**-**', '***********')
    """
    return "".join(
        c if c in "-/." else "*" for c in _compact(_require_str("mask_birth_date", text, "birth_date"))
    )


#: The personal fields and the mask each is shown with in errors and reprs. A field is personal when the
#: last name of its path is one of these (``id_number``, ``rows[3].phone``) or ends with ``_`` and one of
#: these (``contact_phone``, ``home_address``, ``guardian_id_number``). Names are not listed: members'
#: names are public (they are the actors of a public notice) and a message must say which record it means.
PERSONAL_FIELDS: Mapping[str, Callable[[str], str]] = MappingProxyType(
    {
        "id_number": mask_id_number,
        "phone": mask_phone,
        "mobile": mask_phone,
        "address": mask_address,
        "birth_date": mask_birth_date,
    }
)

#: The longest masked value an error or a repr shows: a longer one is cut to this many characters, the
#: last being ``…`` (a 10 MB "phone number" is not repeated, not even as asterisks).
MAX_SHOWN_LENGTH = _MAX_SHOWN_LENGTH


def _leaf(path: str) -> str:
    """The last name of ``path`` without its trailing indexes (``rows[3].phone[0]`` → ``phone``): what
    ``re.sub(r"(?:\\[[^\\]]*\\])+$", "", path)`` leaves, then the text after the last dot — but read from the
    end, index by index, in time linear in the path's length whatever it holds (that regex backtracks
    quadratically on a key of 200,000 ``[`` read from the input)."""
    end = len(path)  # the path's length once the indexes taken off so far are gone
    while end and path[end - 1] == "]":
        opening = path.rfind("]", 0, end - 1) + 1  # an index holds no "]": it opens after the one before
        start = path.find("[", opening, end - 1)
        if start < 0:
            break
        end = start
        if start != opening:  # text before this index: it is the first one
            break
    return path[:end].rsplit(".", 1)[-1]


def personal_field(path: str) -> str | None:
    """The key of :data:`PERSONAL_FIELDS` that ``path`` names, or None for any other path.

    The path's last name counts, without its indexes: ``rows[3].phone`` and ``phone[0]`` name ``phone``;
    ``contact_phone`` names ``phone`` too.

    >>> personal_field("rows[3].id_number"), personal_field("contact_phone"), personal_field("phones")
    ('id_number', 'phone', None)
    """
    if not isinstance(path, str):
        return None
    leaf = _leaf(path)
    for key in PERSONAL_FIELDS:
        if leaf == key or leaf.endswith("_" + key):
            return key
    return None


def mask_unknown(text: str) -> str:
    """The mask of a value whose kind is unknown: one ``*`` per character, whitespace dropped.

    Raises:
        InvalidType: ``text`` is not a str (code ``input.type``; also a ``TypeError``).

    >>> mask_unknown("13912344859"), mask_unknown("")
    ('***********', '')
    """
    return "*" * len(_compact(_require_str("mask_unknown", text)))


def mask_field(path: str, value: object) -> object:
    """``value`` as an error or a repr may show it at ``path``: masked by the field's mask (see
    :data:`PERSONAL_FIELDS`), or by :func:`mask_unknown` when ``path`` names no personal field; then cut
    to :data:`MAX_SHOWN_LENGTH` characters.

    A ``str`` or an ``int`` (an ID number typed as a number) gives the masked text; None and booleans are
    returned as they are; any other value (and an int of more than 40 digits) gives ``<its type name>``,
    since its text is not known to be safe.
    A value that the field's own mask recognises is shown as a public notice shows it (``139****4859``);
    a malformed one (an ID number of 17 characters, a phone of 5 digits) has every character hidden.

    >>> mask_field("phone", "13912344859"), mask_field("id_number", "1101051949123100")
    ('139****4859', '****************')
    >>> mask_field("id_number", 110105491231002), mask_field("phone", None), mask_field("phone", [1])
    ('110105*****1002', None, '<list>')
    >>> mask_field("note", "13912344859")
    '***********'
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if abs(value) >= 10**MAX_SHOWN_LENGTH:  # no number of ours is this long; str() of 5,000 digits fails
            return "<int>"
        value = str(value)
    if isinstance(value, date):  # a birth date (a datetime too): its text, masked as the field's
        value = value.isoformat()
    if not isinstance(value, str):
        return f"<{type(value).__name__}>"
    key = personal_field(path)
    mask = PERSONAL_FIELDS[key] if key is not None else mask_unknown
    return _shown(mask(value))


def masked_repr(field: str) -> Callable[[object], str]:
    """A repr for the personal field ``field`` of an entity: ``repr`` of the masked value.

    For ``attrs.field(repr=masked_repr("phone"))``: the entity's repr and str then never show the value.

    >>> masked_repr("phone")("13912344859"), masked_repr("id_number")(None)
    ("'139****4859'", 'None')
    """

    def show(value: object) -> str:
        return repr(mask_field(field, value))

    show.__name__ = show.__qualname__ = f"masked_repr_{field}"
    return show
