"""Personal data of beneficiaries: masking for public notices (公示) and validation of identifiers.

One module per identifier, as python-stdnum lays out one module per standard, each with ``validate`` /
``is_valid`` (and ``mask`` where the identifier is personal): :mod:`~volunteer_core.privacy.id_number`,
:mod:`~volunteer_core.privacy.credit_code`, :mod:`~volunteer_core.privacy.phone`; names and addresses are
masked by :mod:`~volunteer_core.privacy.name` and :mod:`~volunteer_core.privacy.address`;
:mod:`~volunteer_core.privacy.personal` says which fields are personal and how errors and reprs show them.
Every function below is importable from ``volunteer_core.privacy`` itself.

Masks (for exports meant to be published):

* :func:`mask_id_number` — first 6 and last 4 characters kept (``110105********002X``);
* :func:`mask_phone` — a mobile keeps the first 3 and last 4 digits (``139****4859``);
* :func:`mask_name` — the first character kept, one ``*`` per remaining character (``欧**``);
* :func:`mask_address` — kept up to the community / village / residential compound, rest ``***``
  (house numbers are recognised in digits, full-width digits and every form of Chinese numerals).

Errors and reprs (never a full personal value):

* :func:`mask_field` — a value as an error or a repr shows it, masked by its field's mask
  (:data:`PERSONAL_FIELDS`: ID number, phone, address) and cut to 40 characters;
* :func:`masked_repr` — the ``repr=`` of an entity's personal field;
* :func:`personal_field` — which personal field a path such as ``rows[3].phone`` names.

Validators and normalisers (for input):

* :func:`is_mobile`, :func:`normalize_mobile`, :func:`normalize_phone`;
* :func:`normalize_id_number` (GB 11643, through ``stdnum.cn.ric``), :func:`id_number_birth_date`,
  :func:`id_number_gender`;
* :func:`normalize_credit_code` (GB 32100 unified social credit code, through ``stdnum.cn.uscc``).

Conventions shared by every function here:

* Full-width characters (``１３９``, ``Ｘ``, ``－``) are read as their ASCII forms and whitespace
  (including the ideographic space U+3000) is ignored.
* A value that is not a ``str`` raises :class:`~volunteer_core.errors.InvalidType` (code ``input.type``:
  an ``InvalidInput`` that is also a ``TypeError``); :func:`is_mobile` and the modules' ``is_valid``
  alone never raise and answer ``False``.
* A malformed ``str`` given to a normaliser raises :class:`~volunteer_core.errors.InvalidInput` whose
  ``.path`` names the field and whose bilingual message names the failed check and the value — masked
  for an ID number or a phone (``.value`` too), so an error in a log never holds the full number.
  A mask never raises on a ``str``: what it cannot recognise it hides completely.

>>> mask_id_number("11010519491231002X"), mask_phone("+86 139-1234-4859"), mask_name("欧阳修")
('110105********002X', '139****4859', '欧**')
>>> mask_address("福建省莆田市城厢区龙桥街道凤山社区8号楼2单元301")
'福建省莆田市城厢区龙桥街道凤山社区***'
>>> normalize_id_number("11010519491231002x")
'11010519491231002X'
"""

from __future__ import annotations

from volunteer_core.privacy.address import mask_address
from volunteer_core.privacy.credit_code import normalize_credit_code
from volunteer_core.privacy.id_number import (
    id_number_birth_date,
    id_number_gender,
    mask_id_number,
    normalize_id_number,
)
from volunteer_core.privacy.name import mask_name
from volunteer_core.privacy.personal import PERSONAL_FIELDS, mask_field, masked_repr, personal_field
from volunteer_core.privacy.phone import is_mobile, mask_phone, normalize_mobile, normalize_phone

__all__ = [
    "PERSONAL_FIELDS",
    "id_number_birth_date",
    "id_number_gender",
    "is_mobile",
    "mask_address",
    "mask_field",
    "mask_id_number",
    "mask_name",
    "mask_phone",
    "masked_repr",
    "normalize_credit_code",
    "normalize_id_number",
    "normalize_mobile",
    "normalize_phone",
    "personal_field",
]
