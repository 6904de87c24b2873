"""SPDX license ids from a repository's LICENSE file, by signature phrases.

A table, not a classifier: each row is an SPDX id and phrases that all occur
(case- and whitespace-insensitive) in that license's text. Rows are tried in
order, so the more specific (LGPL, AGPL, BSD-3) come before what they contain.
"""

from __future__ import annotations

import re

# File names that hold a repository's license, best first.
LICENSE_FILES = (
    "LICENSE", "LICENSE.md", "LICENSE.txt", "LICENSE.rst", "LICENCE", "LICENCE.md",
    "LICENCE.txt", "COPYING", "COPYING.md", "COPYING.txt", "LICENSE-MIT", "LICENSE.MIT",
    "LICENSE-APACHE", "license", "license.md", "license.txt", "License", "License.md",
    "License.txt",
)

SIGNATURES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("AGPL-3.0", ("gnu affero general public license", "version 3")),
    ("LGPL-3.0", ("gnu lesser general public license", "version 3")),
    ("LGPL-2.1", ("gnu lesser general public license", "version 2.1")),
    ("LGPL-2.1", ("gnu library general public license",)),
    ("GPL-3.0", ("gnu general public license", "version 3")),
    ("GPL-2.0", ("gnu general public license", "version 2")),
    ("Apache-2.0", ("apache license", "version 2.0")),
    ("Apache-2.0", ("licensed under the apache license, version 2.0",)),
    ("MPL-2.0", ("mozilla public license", "2.0")),
    ("EPL-2.0", ("eclipse public license", "2.0")),
    ("BSL-1.0", ("boost software license",)),
    ("Unlicense", ("this is free and unencumbered software released into the public domain",)),
    ("CC0-1.0", ("cc0 1.0 universal",)),
    ("CC-BY-NC-SA-4.0", ("attribution-noncommercial-sharealike 4.0",)),
    ("CC-BY-NC-4.0", ("attribution-noncommercial 4.0",)),
    ("CC-BY-SA-4.0", ("attribution-sharealike 4.0",)),
    ("CC-BY-4.0", ("attribution 4.0 international",)),
    ("WTFPL", ("do what the fuck you want to",)),
    ("ISC", ("permission to use, copy, modify, and/or distribute this software for any purpose",)),
    ("MIT", ("permission is hereby granted, free of charge",)),
    ("BSD-3-Clause", ("redistribution and use in source and binary forms", "neither the name")),
    ("BSD-3-Clause", ("redistribution and use in source and binary forms", "may not be used to endorse")),
    ("BSD-2-Clause", ("redistribution and use in source and binary forms",)),
    ("Zlib", ("this software is provided 'as-is', without any express or implied",)),
)

_SPDX_LINE = re.compile(r"SPDX-License-Identifier:\s*([A-Za-z0-9.+-]+)")
_WS = re.compile(r"\s+")


def license_of_text(text: str) -> str | None:
    """The SPDX id of a license text, or None when no signature matches.

    Args:
        text: the content of a LICENSE/COPYING file.

    Returns:
        An SPDX id such as ``MIT`` or ``Apache-2.0``, or None.
    """
    m = _SPDX_LINE.search(text[:2000])
    if m:
        return m.group(1)
    norm = _WS.sub(" ", text.lower().replace("\u2019", "'"))[:20000]
    for spdx, phrases in SIGNATURES:
        if all(p in norm for p in phrases):
            return spdx
    return None


def pick_license_file(paths: list[str]) -> str | None:
    """The root-level license file among a tree's paths, by :data:`LICENSE_FILES` order."""
    root = {p for p in paths if "/" not in p}
    for name in LICENSE_FILES:
        if name in root:
            return name
    lower = {p.lower(): p for p in root}
    for name in LICENSE_FILES:
        if name.lower() in lower:
            return lower[name.lower()]
    return None
