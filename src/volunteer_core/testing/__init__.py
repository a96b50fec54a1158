"""Helpers for integrators' tests: hypothesis strategies (:mod:`volunteer_core.testing.strategies`).

Nothing here is imported by ``import volunteer_core``; importing :mod:`volunteer_core.testing.strategies`
needs the ``testing`` extra (hypothesis). Once the package is installed, hypothesis' entry point
registers a strategy for every entity, so ``st.from_type(volunteer_core.Wish)`` works without importing
this package.

>>> import volunteer_core.testing.strategies as vcst
>>> from hypothesis import find
>>> find(vcst.members(), lambda m: True).skills != frozenset()
True
"""

import sys as _sys

if "pytest" in _sys.modules:  # let pytest rewrite the contract's asserts before it is imported
    _sys.modules["pytest"].register_assert_rewrite("volunteer_core.testing.contract")
