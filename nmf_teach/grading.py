"""Grading the labs with nbgrader: student copies, collection, autograding, a grades CSV, feedback.

Explained in the *Instructor guide* (``book/instructor_guide.md``, section "Grading").

One command per step, each a thin wrapper around nbgrader (``nbgrader`` is installed with the
book's requirements)::

    python -m nmf_teach.grading init COURSE        # a course folder: nbgrader_config.py, source/<lab>/
    python -m nmf_teach.grading release COURSE     # student copies in COURSE/release/<lab>/<lab>.ipynb
    python -m nmf_teach.grading collect COURSE DIR # DIR/<student>/lab_NN*.ipynb -> COURSE/submitted/
    python -m nmf_teach.grading grade COURSE       # autograde, grades.csv, grades_by_task.csv, feedback/

The course folder is an ordinary nbgrader course (``source/``, ``release/``, ``submitted/``,
``autograded/``, ``feedback/`` and the gradebook ``gradebook.db``), so every nbgrader command
works in it too. Its ``nbgrader_config.py`` calls :func:`configure`, which makes
``nbgrader generate_assignment`` write the same student copy as ``python -m nmf_teach.labs``
(stubs that name their task, no discussion dropdowns, plain Markdown links) and makes
``nbgrader generate_feedback`` leave out the code of the hidden tests (their messages stay).

How a lab is graded: every task has two graded cells, the public check the student runs
(``nt.checks.check_<task>(...)``, the points of ``nt.checks.TASKS[...].points``, all or nothing)
and a hidden-tests cell (``nt.checks.grade(...)``, the check's cases and more; its output is the
points it gives, which nbgrader reads as partial credit). A check runs the student's function with
the reference versions of the earlier tasks' functions, so one mistake costs one task.
"""

from __future__ import annotations

import argparse
import csv
import os
import pathlib
import re
import shutil
import sys

from . import labs

__all__ = ["configure", "init_course", "release", "collect", "grade", "task_grades", "main"]

COURSE_ID = "nmf-step-by-step"

CONFIG = '''\
# nbgrader configuration of a course that uses the labs of "NMF, Step by Step".
# Written by `python -m nmf_teach.grading init`; see the book's instructor guide.
c = get_config()  # noqa: F821 (nbgrader defines get_config)

from nmf_teach.grading import configure  # noqa: E402

configure(c)
'''


def configure(c):
    """Set an nbgrader config ``c`` for the labs (called by the course's ``nbgrader_config.py``)."""
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader import preprocessors as p

    c.CourseDirectory.course_id = COURSE_ID
    c.GenerateAssignment.preprocessors = [
        labs._student_text_class(), p.IncludeHeaderFooter, p.InstantiateTests, p.LockCells,
        labs._clear_solutions_class(), p.ClearOutput, p.CheckCellMetadata, p.ComputeChecksums, p.SaveCells,
        p.ClearHiddenTests, p.ClearMarkScheme, p.ComputeChecksums, p.CheckCellMetadata,
    ]
    # feedback: the grades and every output (the checks' messages), without the hidden tests' code
    c.GenerateFeedback.preprocessors = [p.GetGrades, p.ClearHiddenTests, CSSHTMLHeaderPreprocessor]
    c.ClearSolutions.enforce_metadata = True
    c.Execute.timeout = 300
    return c


def _api(course):
    """nbgrader's Python API on the course folder, configured by :func:`configure` (one process for every step)."""
    import functools

    import nbgrader.api
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    # nbgrader runs the `alembic` script of its environment each time it opens the gradebook: put that
    # environment's bin on PATH, and ask once (the answer is the schema version of the installed nbgrader)
    bindir = os.path.dirname(sys.executable)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([bindir, os.environ.get("PATH", "")])
    if not hasattr(nbgrader.api.get_alembic_version, "cache_info"):
        nbgrader.api.get_alembic_version = functools.lru_cache(maxsize=1)(nbgrader.api.get_alembic_version)
    config = configure(Config())
    config.CourseDirectory.root = str(pathlib.Path(course).resolve())
    config.Exchange.root = str(pathlib.Path(course).resolve() / "exchange")
    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config)


def _check(what, result):
    if not result.get("success"):
        raise RuntimeError(f"nbgrader {what} failed:\n{(result.get('error') or '')[-4000:]}\n"
                           f"{(result.get('log') or '')[-4000:]}")
    return result


def lab_names(course):
    """The labs of a course folder: the names of the folders in ``source/``."""
    return sorted(p.name for p in (pathlib.Path(course) / "source").iterdir() if p.is_dir())


def init_course(course, source=None):
    """Create (or refresh) the course folder: ``nbgrader_config.py`` and ``source/<lab>/<lab>.ipynb``.

    Returns the lab names. The instructor notebooks are copied unchanged.
    """
    course = pathlib.Path(course)
    course.mkdir(parents=True, exist_ok=True)
    (course / "nbgrader_config.py").write_text(CONFIG, encoding="utf-8")
    names = []
    for path in labs.lab_notebooks(source):
        folder = course / "source" / path.stem
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, folder / path.name)
        names.append(path.stem)
    return names


def release(course, names=None):
    """``nbgrader generate_assignment`` for every lab: the student copies in ``release/<lab>/``."""
    course = pathlib.Path(course)
    api = _api(course)
    written = []
    for name in names or lab_names(course):
        _check(f"generate_assignment {name}", api.generate_assignment(name, force=True, create=True))
        written.append(course / "release" / name / f"{name}.ipynb")
    return written


def collect(course, submissions):
    """Copy ``submissions/<student>/lab_NN*.ipynb`` into nbgrader's ``submitted/<student>/<lab>/<lab>.ipynb``.

    A notebook is assigned to a lab by its ``lab_NN`` prefix, so a student may rename
    ``lab_01_multiplicative_update.ipynb`` to ``lab_01_kim.ipynb``. Returns the copied paths.
    """
    course, submissions = pathlib.Path(course), pathlib.Path(submissions)
    by_prefix = {re.match(r"lab_\d+", name).group(0): name for name in lab_names(course)}
    copied = []
    for student in sorted(p for p in submissions.iterdir() if p.is_dir()):
        for nb in sorted(student.glob("*.ipynb")):
            m = re.match(r"lab_\d+", nb.name)
            if not m or m.group(0) not in by_prefix:
                print(f"skipped {nb}: its name does not start with the lab_NN of a lab", file=sys.stderr)
                continue
            lab = by_prefix[m.group(0)]
            target = course / "submitted" / student.name / lab / f"{lab}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(nb, target)
            copied.append(target)
    return copied


def task_grades(course):
    """Rows (student, lab, task, points, max_points) from the gradebook: the points of each task."""
    from nbgrader.api import Gradebook

    rows = {}
    with Gradebook(f"sqlite:///{pathlib.Path(course).resolve() / 'gradebook.db'}") as gb:
        for assignment in gb.assignments:
            for submission in assignment.submissions:
                for notebook in submission.notebooks:
                    for g in notebook.grades:
                        m = re.fullmatch(r"lab\d+-task(\d+)-(check|hidden)", g.name)
                        if not m:
                            continue
                        key = (submission.student.id, assignment.name, int(m.group(1)))
                        points, top = rows.get(key, (0.0, 0.0))
                        rows[key] = (points + float(g.score), top + float(g.max_score))
    return [(s, lab, t, p, mx) for (s, lab, t), (p, mx) in sorted(rows.items())]


def grade(course, names=None):
    """Autograde everything submitted, export the CSVs, write the feedback. Returns the two CSV paths."""
    from nbgrader.api import Gradebook
    from nbgrader.plugins import CsvExportPlugin

    course = pathlib.Path(course)
    api = _api(course)
    for name in names or lab_names(course):
        for student in sorted(p.parent.name for p in (course / "submitted").glob(f"*/{name}")):
            _check(f"autograde {name} {student}", api.autograde(name, student, force=True, create=True))
            _check(f"generate_feedback {name} {student}", api.generate_feedback(name, student, force=True))
    exporter = CsvExportPlugin(to=str(course / "grades.csv"))
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        exporter.export(gb)
    by_task = course / "grades_by_task.csv"
    with by_task.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["student_id", "lab", "task", "points", "max_points"])
        out.writerows(task_grades(course))
    return course / "grades.csv", by_task


def main(argv=None):
    """``python -m nmf_teach.grading {init,release,collect,grade} COURSE ...``."""
    parser = argparse.ArgumentParser(prog="python -m nmf_teach.grading", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("init", help="create the course folder (nbgrader_config.py, source/)")
    p.add_argument("course")
    p.add_argument("--source", help="folder of the instructor labs (default: book/labs of this repository)")
    p = sub.add_parser("release", help="write the student copies into COURSE/release/")
    p.add_argument("course")
    p = sub.add_parser("collect", help="copy SUBMISSIONS/<student>/lab_NN*.ipynb into COURSE/submitted/")
    p.add_argument("course")
    p.add_argument("submissions")
    p = sub.add_parser("grade", help="autograde, export grades.csv and grades_by_task.csv, write feedback/")
    p.add_argument("course")
    args = parser.parse_args(argv)
    try:
        if args.command == "init":
            for name in init_course(args.course, args.source):
                print(f"source {name}")
        elif args.command == "release":
            for path in release(args.course):
                print(f"released {path}")
        elif args.command == "collect":
            for path in collect(args.course, args.submissions):
                print(f"collected {path}")
        else:
            for path in grade(args.course):
                print(f"wrote {path}")
            print(f"feedback in {pathlib.Path(args.course) / 'feedback'}")
    except (FileNotFoundError, ValueError, RuntimeError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised through a subprocess in tests/book/test_grading.py
    sys.exit(main())
