"""The policy presets, one per seed document, and DEFAULT (their union).

>>> from volunteer_core import policies
>>> sorted(policies.PRESETS)
['DEFAULT', 'FUJIAN_GOV_2022', 'LOUDI_2018', 'MCA_LEIFENG', 'MEILIE_2017', 'PUTIAN_2022']
"""

from volunteer_core.policy import (
    DEFAULT,
    FUJIAN_GOV_2022,
    LOUDI_2018,
    MCA_LEIFENG,
    MEILIE_2017,
    PRESETS,
    PUTIAN_2022,
    Policy,
)

__all__ = [
    "DEFAULT",
    "FUJIAN_GOV_2022",
    "LOUDI_2018",
    "MCA_LEIFENG",
    "MEILIE_2017",
    "PRESETS",
    "PUTIAN_2022",
    "Policy",
]
