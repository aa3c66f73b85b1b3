"""Fixes to the HTML that Sphinx writes, registered in _config.yml (sphinx: local_extensions).

1. Each inline script only once. sphinx-thebe 0.3.1 registers its one-line config
   script (``const THEBE_JS_URL = ...``) with ``app.add_js_file(None, body=...)`` in
   ``env-before-read-docs``, i.e. after the HTML builder was set up. Sphinx 7.4 then
   keeps it twice: once as given (filename ``None``, added to the builder at once) and
   once as filename ``''`` (re-added from the registry in ``prepare_writing``); the two
   compare unequal, so both are written and the second ``const`` fails in the browser
   ("Identifier 'THEBE_JS_URL' has already been declared").

2. Bibliography entries as list items. Sphinx writes each citation as
   ``<div class="citation" role="doc-biblioentry">`` inside ``<div role="list">``;
   ARIA 1.2 deprecated doc-biblioentry, so the list has no items for assistive
   technology (axe-core: aria-required-children). ``listitem`` is the replacement
   the DPUB-ARIA module recommends.

3. Exercise numbers an instructor can cite, stable when a chapter gains an exercise.
   An exercise labelled ``ex-NN-i`` is shown and referenced as "Exercise NN.i"
   (chapter NN, its i-th exercise), whatever its position: Sphinx would number
   exercises by their order in the page, so inserting one would renumber the rest.
   A new exercise takes the next free i. The tests check every chapter's labels.

4. Student versions of the labs, generated at every HTML build (never edited by hand):
   ``_build/html/book/labs/student/<lab>.ipynb``, which each lab page links for download
   (nbgrader's ClearSolutions, through :func:`nmf_teach.labs.write_student_labs`).
"""

import re

EXERCISE_LABEL = re.compile(r"ex-(\d+)-(\d+)")


def _asset_key(js):
    return (js.filename or "", js.priority, tuple(sorted(js.attributes.items())))


def _fix_page(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if scripts is not None:
        seen, unique = set(), []
        for js in scripts:
            key = _asset_key(js)
            if key not in seen:
                seen.add(key)
                unique.append(js)
        context["script_files"] = unique
    body = context.get("body")
    if body and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def _exercise_numbers(app, env):
    """After Sphinx numbered the enumerable nodes, give each ``ex-NN-i`` the number (NN, i)."""
    changed = []
    for docname, by_type in env.toc_fignumbers.items():
        for numbers in by_type.values():
            for node_id in numbers:
                m = EXERCISE_LABEL.fullmatch(node_id)
                if m:
                    wanted = (int(m.group(1)), int(m.group(2)))
                    if numbers[node_id] != wanted:
                        numbers[node_id] = wanted
                        changed.append(docname)
    return sorted(set(changed))


def _student_labs(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    import pathlib

    from nmf_teach.labs import write_student_labs

    source = pathlib.Path(app.srcdir) / "book" / "labs"
    if source.is_dir():
        write_student_labs(pathlib.Path(app.outdir) / "book" / "labs" / "student", source=source)


def setup(app):
    app.connect("build-finished", _student_labs)
    app.connect("html-page-context", _fix_page)
    app.connect("env-get-updated", _exercise_numbers, priority=900)  # after Sphinx's own numbering
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
