"""The policy presets: the national layer, one preset per seed document, and DEFAULT (the union).

Each seed preset is :data:`NATIONAL` plus exactly the rules its seed states, each citing file and section
(``Policy.sources``); :data:`SWITCHES` says which fields switch which rule.

>>> from volunteer_core import policies
>>> sorted(policies.PRESETS)
['DEFAULT', 'FUJIAN_GOV_2022', 'LOUDI_2018', 'MCA_LEIFENG', 'MEILIE_2017', 'NATIONAL', 'PUTIAN_2022']
>>> {code: policies.LOUDI_2018.sources[code] for code in policies.LOUDI_2018.rules_on()[:2]}
{'wish.value_cap': '004 §三', 'activity.festival_window': '004 §三'}
"""

from volunteer_core.policy import (
    DEFAULT,
    FUJIAN_GOV_2022,
    LOUDI_2018,
    MCA_LEIFENG,
    MEILIE_2017,
    NATIONAL,
    PRESETS,
    PUTIAN_2022,
    SWITCHES,
    Policy,
    RuleSwitch,
)

__all__ = [
    "DEFAULT",
    "FUJIAN_GOV_2022",
    "LOUDI_2018",
    "MCA_LEIFENG",
    "MEILIE_2017",
    "NATIONAL",
    "PRESETS",
    "PUTIAN_2022",
    "SWITCHES",
    "Policy",
    "RuleSwitch",
]
