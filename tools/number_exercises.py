"""Give every exercise of a chapter a citable label ``ex-NN-i`` (shown as "Exercise NN.i").

Run once per chapter that has exercises without such labels; existing ``ex-NN-i``
labels keep their numbers (that is what makes them stable), other labels get the
next free numbers in the order they appear, and every reference to an old label in
``book/`` is rewritten. ``book/_ext/nmf_sphinx_fixes.py`` turns the label into the
number shown; ``tests/test_notebooks.py`` checks the labels.

Usage: ``.venv/bin/python tools/number_exercises.py [book/NN_name.ipynb ...]`` (default: every chapter).
"""

from __future__ import annotations

import pathlib
import re
import sys

import nbformat

ROOT = pathlib.Path(__file__).resolve().parent.parent
FENCE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{exercise\}[^\n]*\n(?P<opts>(?::[^\n]*\n)*)", re.M)
NUMBERED = re.compile(r"ex-(\d+)-(\d+)")


def chapter_number(path):
    m = re.match(r"(\d+)_", path.name)
    return int(m.group(1)) if m else None


def number_chapter(path):
    """Relabel the exercises of one chapter; returns {old label: new label}."""
    nn = chapter_number(path)
    if nn is None:
        return {}
    nb = nbformat.read(path, as_version=4)
    found = []  # (cell index, match start, old label or None)
    for ci, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for m in FENCE.finditer(cell.source):
            lab = re.search(r"^:label:\s*(\S+)", m.group("opts"), re.M)
            found.append((ci, lab.group(1) if lab else None))
    used = {int(NUMBERED.fullmatch(lab).group(2)) for _, lab in found
            if lab and NUMBERED.fullmatch(lab) and int(NUMBERED.fullmatch(lab).group(1)) == nn}
    mapping, new_labels, nxt = {}, [], 1
    for _, lab in found:
        if lab and NUMBERED.fullmatch(lab) and int(NUMBERED.fullmatch(lab).group(1)) == nn:
            new_labels.append(lab)
            continue
        while nxt in used:
            nxt += 1
        used.add(nxt)
        new = f"ex-{nn:02d}-{nxt}"
        new_labels.append(new)
        if lab:
            mapping[lab] = new
    # write the labels
    it = iter(new_labels)
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue

        def relabel(m):
            new = next(it)
            opts = m.group("opts")
            if re.search(r"^:label:", opts, re.M):
                opts = re.sub(r"^:label:\s*\S+", f":label: {new}", opts, count=1, flags=re.M)
            else:
                opts = f":label: {new}\n" + opts
            return m.group(0)[: m.start("opts") - m.start()] + opts

        cell.source = FENCE.sub(relabel, cell.source)
    nbformat.write(nb, path)
    return mapping


def rewrite_references(mapping):
    if not mapping:
        return
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(k) for k in sorted(mapping, key=len, reverse=True)) + r")(?![\w-])")
    for path in sorted((ROOT / "book").rglob("*")):
        if path.suffix not in (".ipynb", ".md") or "_build" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        new = pattern.sub(lambda m: mapping[m.group(1)], text)
        if new != text:
            path.write_text(new, encoding="utf-8")


def main(paths):
    paths = [pathlib.Path(p) for p in paths] or sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))
    mapping = {}
    for p in paths:
        mapping.update(number_chapter(p))
    rewrite_references(mapping)
    for old, new in sorted(mapping.items(), key=lambda kv: kv[1]):
        print(f"{old} -> {new}")


if __name__ == "__main__":
    main(sys.argv[1:])
