"""The time-bank part of the demo: star levels of the generated year and one certificate on disk.

>>> import io, tempfile
>>> from volunteer_core.synthetic import generate_year
>>> world = generate_year(2026, members=12, branches=2, seed=3)
>>> out = io.StringIO()
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = show_timebank(out, world, out_dir=tmp)
...     text = path.read_text(encoding="utf-8")
...     path.name.startswith("certificate-"), "志愿服务记录证明" in text, "经办人：陈干事（签字）" in text
(True, True, True)
>>> "星级" in out.getvalue()
True
"""

from __future__ import annotations

import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from volunteer_core._extras import install_hint, missing_extra
from volunteer_core.calendar.dates import DateRange
from volunteer_core.certificates import issue_certificate, verify_certificate
from volunteer_core.model.enums import RecordStatus
from volunteer_core.policy import DEFAULT, NATIONAL_STARS, PARTY_MEMBER_YEARLY_STARS, Policy
from volunteer_core.rules.timebank import STAR_LABELS_ZH, star_level

if TYPE_CHECKING:
    from volunteer_core.synthetic import SyntheticYear

__all__ = ["DEMO_SECRET", "show_timebank"]

#: The demo's HMAC key. A real system keeps its own secret out of the code and the database.
DEMO_SECRET = b"volunteer-core demo secret - never use in production"
#: The demo certificate's signatories and contact (made up).
DEMO_RESPONSIBLE, DEMO_HANDLER, DEMO_CONTACT = "林书记", "陈干事", "0594-2345678"


def show_timebank(
    out: TextIO | None,
    world: SyntheticYear,
    *,
    out_dir: str | Path | None = "demo-output",
    policy: Policy = DEFAULT,
) -> Path | None:
    """Print the star levels of ``world``'s members under the national and the yearly party-member
    tables, and — unless ``out_dir`` is None — write the certificate of the member with the most
    confirmed hours in activities of their own branch, issued by that branch (``organiser_id``), to
    ``out_dir`` (text; also PDF with the extra ``pdf`` — without it a line says which extra to install).
    Returns the text file."""
    stream = out or sys.stdout
    year = world.year
    minutes: Counter[str] = Counter()
    for record in world.iter_records():
        if record.status is RecordStatus.CONFIRMED and record.on.year == year:
            minutes[record.member_id] += record.minutes
    lines = ["", f"时间银行星级（star levels, confirmed hours of {year}）:"]
    for table in (NATIONAL_STARS, PARTY_MEMBER_YEARLY_STARS):
        table_policy = policy.with_stars(table)
        levels = Counter(star_level(minutes[m.id], table_policy) for m in world.members)
        thresholds = "/".join(str(h) for h in table.thresholds_hours)
        reset = "，每年清零" if table.yearly_reset else "，累计"
        lines.append(
            f"  {table.name}（{thresholds} 小时{reset}）: "
            + "，".join(f"{STAR_LABELS_ZH[level]} {levels[level]} 名" for level in sorted(levels))
        )
    stream.write("\n".join(lines) + "\n")
    if out_dir is None:
        return None

    # 谁组织谁记录、谁记录谁证明: the member's own branch certifies the hours of the activities it ran.
    own: Counter[str] = Counter()
    branch_of = {m.id: m.branch_id for m in world.members}
    for record in world.iter_records():
        if (
            record.status is RecordStatus.CONFIRMED
            and record.on.year == year
            and record.branch_id == branch_of.get(record.member_id)
        ):
            own[record.member_id] += record.minutes
    best_id, best_minutes = max(own.items(), key=lambda kv: (kv[1], kv[0]), default=("", 0))
    if best_minutes <= 0:
        return None
    member = next(m for m in world.members if m.id == best_id)
    issuer = next((b.name for b in world.branches if b.id == member.branch_id), member.branch_id)
    cert = issue_certificate(
        member,
        (r for r in world.iter_records() if r.member_id == best_id),
        period=DateRange(date(year, 1, 1), date(year, 12, 31)),
        issuer=issuer,
        issued_on=date(year + 1, 1, 5),
        secret=DEMO_SECRET,
        organiser_id=member.branch_id,
        responsible=DEMO_RESPONSIBLE,
        handler=DEMO_HANDLER,
        contact=DEMO_CONTACT,
    )
    assert verify_certificate(cert, DEMO_SECRET, member=member)
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"certificate-{cert.number}.txt"
    path.write_text(cert.render_text(), encoding="utf-8")
    written = [path.name]
    lacking = ""
    try:
        pdf = cert.render_pdf(folder / f"certificate-{cert.number}.pdf")
        written.append(pdf.name)
    except ImportError as err:  # the extra ``pdf`` is not installed: text only, and say which to install
        found = missing_extra(err)
        if found is None:
            raise
        what = found[0] or found[1]
        lacking = (
            f"  未生成 PDF（缺少 {what}）：{install_hint(found[1])}；"
            f"no PDF ({what} is missing): {install_hint(found[1])}\n"
        )
    stream.write(f"志愿服务记录证明已写入（certificate written）: {folder}/ {', '.join(written)}\n{lacking}")
    if cert.excluded:
        left_out = sum(e.minutes for e in cert.excluded if e.reason == "other_organiser")
        stream.write(
            f"  未计入 {len(cert.excluded)} 条记录（其中其他组织者组织的 {left_out} 分钟）"
            f"（{len(cert.excluded)} records left out, {left_out} minutes organised by others）\n"
        )
    return path
