"""Packaging promises: the public face, no optional dependency on import, the demo."""

import io
import subprocess
import sys

import volunteer_core as vc
from volunteer_core import demo


def test_importing_the_package_imports_no_optional_dependency() -> None:
    code = (
        "import sys, volunteer_core, volunteer_core.policies, volunteer_core.calendar, volunteer_core.privacy;"
        "bad = [m for m in ('hypothesis', 'sqlalchemy', 'openpyxl', 'pandas') if m in sys.modules];"
        "print(','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_all_names_exist_once() -> None:
    assert len(vc.__all__) == len(set(vc.__all__))
    for name in vc.__all__:
        assert hasattr(vc, name), name


def test_enum_labels_do_not_collide_between_enums_sharing_a_value() -> None:
    # StrEnum members of different enums with one value compare equal; labels must still differ
    assert vc.WishStatus.REJECTED.label_zh == "未通过甄别"
    assert vc.RecordStatus.REJECTED.label_zh == "未确认"
    assert vc.ActivityKind.PAIRING.label_zh != vc.PlanLine.PAIRING.label_zh


def test_demo_prints_a_chinese_summary_with_violations() -> None:
    out = io.StringIO()
    assert demo.run(out, members=60, branches=3, seed=5) == 1
    text = out.getvalue()
    assert "合规汇总" in text
    assert "member." in text
    first = io.StringIO()
    demo.run(first, members=60, branches=3, seed=5)
    assert first.getvalue() == text  # seeded and reproducible


def test_from_type_works_through_the_hypothesis_entry_point_alone() -> None:
    code = (
        "from hypothesis import find, strategies as st\n"
        "import volunteer_core as vc\n"
        "w = find(st.from_type(vc.Wish), lambda w: True)\n"
        "print(type(w).__name__)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "Wish"


def test_the_strategies_module_imports_first_without_a_cycle() -> None:
    # hypothesis loads our entry point while being imported by the strategies module itself
    code = "import volunteer_core.testing.strategies as s; print(callable(s.datasets))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "True"


def test_subpackages_are_reached_as_attributes_when_first_used() -> None:
    """``import volunteer_core as vc; vc.services.record_service`` works without importing the subpackage
    first, and a plain ``import volunteer_core`` still loads neither SQLAlchemy nor hypothesis."""
    import subprocess
    import sys

    code = (
        "import sys, volunteer_core as vc\n"
        "assert 'sqlalchemy' not in sys.modules and 'hypothesis' not in sys.modules\n"
        "assert vc.services.record_service.__name__ == 'record_service'\n"
        "assert vc.forms.import_wishes and vc.certificates.issue_certificate and vc.serialization.from_json\n"
        "try:\n    vc.no_such_thing\nexcept AttributeError:\n    pass\nelse:\n    raise SystemExit(1)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
