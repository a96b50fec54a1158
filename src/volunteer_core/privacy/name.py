"""Personal names: masked for a public notice (the first character kept).

>>> mask_name("欧阳修")
'欧**'
"""

from __future__ import annotations

from volunteer_core.privacy._text import require_str as _require_str

__all__ = ["mask_name"]


def mask_name(text: str) -> str:
    """Mask a person's name: the first character, then one ``*`` per remaining character.

    Whitespace is ignored (forms often pad two-character names to the width of three: ``张　三``).
    Every character after the first is hidden, the middle dot of a transliterated name included
    (``买买提·艾力`` → ``买*****``). A one-character name becomes ``*``: keeping "the first character"
    would publish the whole name.

    Args:
        text: the name.

    Returns:
        The masked name, as long as the name without its whitespace; ``""`` for a blank name.

    Raises:
        InvalidType: ``text`` is not a str (code ``input.type``; also a ``TypeError``).

    >>> mask_name("张三"), mask_name("欧阳修"), mask_name(" 张　三 ")
    ('张*', '欧**', '张*')
    >>> mask_name("张"), mask_name("买买提·艾力")
    ('*', '买*****')
    """
    _require_str("mask_name", text)
    name = "".join(text.split())
    if len(name) <= 1:
        return "*" * len(name)
    return name[0] + "*" * (len(name) - 1)
