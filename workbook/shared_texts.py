"""A package's shared texts (its sharedStrings part) as the reader reads them fastest.

xlwings' reader opens the package anew for every sheet it reads, and parses the shared texts each
time. LibreOffice writes each text mixing Chinese and Latin letters as rich text, one run a font:
its copy of the bench workbook holds 31 MB of shared texts for 21,059 texts, and each of the 18
sheets a recalc reads cost 0.2 s before its own cells. Joined into one plain text each, the same
texts are 3.2 MB. A run's formatting is nothing the reader gives: the values read are the same.
The texts are found in the part's bytes rather than parsed (openpyxl's reader of shared strings
takes 10 to 14 s over those 31 MB), and copied as written, escapes and all: nothing is escaped here.
"""

from __future__ import annotations

import re
import zipfile

from openpyxl.packaging.relationship import get_dependents, get_rels_path

# a text element's content, none for <t/>; a run holds its formatting (<rPr>) and one of these
_TEXT = re.compile(rb"<t(?:\s[^>]*)?>([^<]*)</t>|<t(?:\s[^>]*)?/>")
# what joining a text's runs could change: phonetic runs (the reader leaves them out), CDATA, comments and
# processing instructions (past the XML declaration)
_UNLIKE = (b"<rPh", b"<phoneticPr", b"<![CDATA[", b"<!--", b"<?")


def part(z: zipfile.ZipFile) -> str | None:
    """The package's shared texts part, found through the workbook's relationships."""
    return next((r.target for r in get_dependents(z, get_rels_path("xl/workbook.xml"))
                 if r.Type.endswith("/sharedStrings") and r.target in z.namelist()), None)


def plain(texts: bytes) -> bytes | None:
    """The shared texts with each text of runs (`<si><r>…</r><r>…</r></si>`) as one plain text of
    their texts joined, every other as it was; None where none is made of runs, or the part
    holds what joining them could change (or is not what Excel or LibreOffice write)."""
    body = texts.find(b"?>") + 2 if texts.startswith((b"<?", b"\xef\xbb\xbf<?")) else 0  # past the declaration
    if texts.find(b"<si><r>", body) < 0 or any(texts.find(mark, body) >= 0 for mark in _UNLIKE):
        return None
    out, at = [], 0
    while (start := texts.find(b"<si>", at)) >= 0:
        end = texts.find(b"</si>", start)
        if end < 0:
            return None
        if texts.startswith(b"<r>", start + 4):
            out += [texts[at:start], b'<si><t xml:space="preserve">', *_TEXT.findall(texts, start, end), b"</t></si>"]
        else:
            out.append(texts[at:end + 5])
        at = end + 5
    out.append(texts[at:])
    return b"".join(out)
