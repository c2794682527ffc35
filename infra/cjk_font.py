"""Finding a CJK font to embed in PDFs (invoices, certificates): plumbing shared by every service that prints.

The font is not in the repository (the Noto CJK collection is ~19 MB): it is found at run time, from
`INVOICE_CJK_FONT` when set, else through fontconfig (`fc-match "Noto Sans CJK SC"`, the Debian/Ubuntu package
`fonts-noto-cjk`). Without it, PDFs still render with the core Helvetica font and `?` for every character it lacks,
and `cjk_font_missing` is logged once, saying how to install it.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from infra.logging import get_logger

log = get_logger(__name__)
CJK_FAMILY = "NotoSansCJK"
FONTCONFIG_PATTERN = "Noto Sans CJK SC"
# Inside the Noto CJK collection, the Simplified Chinese face (its order: JP, KR, SC, TC, HK).
SC_FACE = 2


@dataclass(frozen=True)
class CjkFont:
    path: Path | None  # None: the core Helvetica font (ASCII only)
    face: int = 0


@cache
def find_cjk_font(configured: str | None) -> CjkFont:
    """The CJK font to embed: the configured file, else fontconfig's match; the core font when there is none."""
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise FileNotFoundError(f"INVOICE_CJK_FONT names {configured!r}, which is not a file")
        return CjkFont(path, SC_FACE if path.suffix.lower() == ".ttc" else 0)
    fc_match = shutil.which("fc-match")
    found = ""
    if fc_match:
        done = subprocess.run(  # noqa: S603 - a fixed program and pattern, no shell
            [fc_match, "-f", "%{file}|%{index}|%{family}", FONTCONFIG_PATTERN],
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
        found = done.stdout if done.returncode == 0 else ""
    file, _, rest = found.partition("|")
    index, _, family = rest.partition("|")
    if file and "CJK" in family and Path(file).is_file():
        return CjkFont(Path(file), int(index or 0))
    log.warning(
        "invoice_cjk_font_missing",
        detail="Chinese prints as '?': install fonts-noto-cjk (apt-get install fonts-noto-cjk) or set INVOICE_CJK_FONT",
    )
    return CjkFont(None)
