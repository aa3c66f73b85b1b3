"""The grading workflow end to end, on synthetic submissions, one course folder per lab.

`python -m nmf_teach.grading init / release / collect / grade` (nbgrader underneath) grades four
submissions of each lab: the instructor's own notebook (full marks), the unfilled student copy
(zero), and two student copies filled with the instructor's solutions except for one known
mistake in every other task ("odd": tasks 1, 3, 5; "even": tasks 2, 4). A task with a mistake
loses its points; every other task keeps them, also a task whose earlier task is wrong (the
checks run the student's function with the reference versions of the earlier functions).
The scores are read from the exported grades.csv (nbgrader's) and grades_by_task.csv.
"""

import csv
import re
import subprocess
import sys
import time

import nbformat
import pytest

import nmf_teach as nt

import booktools

ROOT = booktools.repo_root()
LABS = sorted((ROOT / "book" / "labs").glob("lab_*.ipynb"))
REGION = re.compile(r"### BEGIN SOLUTION\n(.*?)\n\s*### END SOLUTION", re.S)
STUB = re.compile(r"^[ \t]*raise NotImplementedError\(\"Task \d+: [^\n]*\"\)$", re.M)

# One known mistake per task: the code that replaces each solution region of the task's cell
# (None keeps the instructor's region), and the points the task then keeps (of the task's 3:
# 2 for the public check, 1 for the hidden tests). A mistake that only the hidden tests catch
# keeps the public check's 2 points.
MISTAKES = {
    (1, 1): (["    return float(np.linalg.norm(X - W @ H))"], 0),                      # the norm, not squared
    (1, 2): (["""\
    eps = np.finfo(np.float32).eps
    H = H * (W.T @ X) / np.maximum((W.T @ W) @ H, eps)
    W = W * (X @ H.T) / np.maximum(W @ (H @ H.T), eps)
    return W, H"""], 0),                                                                   # H before W
    (1, 3): (["""\
    W, H = W0.copy(), H0.copy()
    losses = []
    for _ in range(n_iter):
        W, H = mu_step(X, W, H)
        losses.append(loss(X, W, H))
    return W, H, losses"""], 0),                                                           # no loss of the start
    (1, 4): (["""\
    for t in range(1, len(losses)):
        if losses[t] > losses[t - 1] + rtol:
            return t
    return None"""], 2),                                                                   # absolute tolerance
    (2, 1): ([None, "    return -W.T @ X + (W.T @ W) @ H"], 0),                            # grad_H without its 2
    (2, 2): (["""\
    G = np.zeros_like(A, dtype=float)
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            E = np.zeros_like(A, dtype=float)
            E[i, j] = h
            G[i, j] = (f(A + E) - f(A)) / h
    return G"""], 0),                                                                      # forward difference
    (2, 3): (["""\
    denominator = (W.T @ W) @ H
    return H / np.where(denominator == 0, np.finfo(np.float32).eps, denominator)"""], 0),  # rate without the 2
    (2, 4): (["    return H + learning_rate_H(W, H) * grad_H(X, W, H)"], 0),             # a plus sign
    (3, 1): (["""\
    m, n = X.shape
    data = np.sum((X - W @ H) ** 2)
    l1 = alpha_W * l1_ratio * n * W.sum() + alpha_H * l1_ratio * m * H.sum()
    l2 = 0.5 * (1 - l1_ratio) * (alpha_W * n * np.sum(W**2) + alpha_H * m * np.sum(H**2))
    return float(data + l1 + l2)"""], 0),                                                  # no ½ on the data term
    (3, 2): (["""\
    model = NMF(n_components=k, init="random", random_state=seed, alpha_W=alpha, l1_ratio=0.0)
    W = model.fit_transform(X)
    return W, model.components_"""], 0),                                                   # default tol: not converged
    (3, 3): (["""\
    d = H.sum(axis=1)
    d = np.where(d > 0, d, 1.0)
    return W * d, H / d[:, None]"""], 0),                                                  # sum 1 instead of max 1
    (3, 4): (["""\
    A = H_ref / np.linalg.norm(H_ref, axis=1, keepdims=True)
    B = H / np.linalg.norm(H, axis=1, keepdims=True)
    cost = np.linalg.norm(A[:, None, :] - B[None, :, :], axis=2)
    rows, cols = linear_sum_assignment(cost)
    return rows[np.argsort(cols)]"""], 0),                                                 # the inverse order
    (3, 5): (["    return len(solutions)"], 0),                                           # the number of runs
    (4, 1): (["""\
    rng = np.random.default_rng(seed)
    M = np.ones(X.shape, dtype=bool)
    M.flat[rng.choice(X.size, size=round(fraction * X.size), replace=False)] = False
    return ~M"""], 0),                                                                     # True where hidden
    (4, 2): (["    return float(np.sum((M * (X - W @ H)) ** 2))"], 0),                   # M * NaN is NaN
    (4, 3): (["""\
    eps = np.finfo(np.float32).eps
    Y = np.where(M, X, 0.0)
    W = W * (Y @ H.T) / np.maximum(W @ (H @ H.T), eps)
    H = H * (W.T @ Y) / np.maximum((W.T @ W) @ H, eps)
    return W, H"""], 0),                                                                   # hidden entries fitted as 0
    (4, 4): (["    return float(np.sqrt(np.mean((X - W @ H)[M] ** 2)))"], 0),            # the training error
    (4, 5): (["""\
    scores = (W @ H)[user]
    unrated = np.flatnonzero(~M[user])
    return unrated[np.argsort(scores[unrated])][:n]"""], 0),                               # worst first
}


def lab_number(path):
    return int(re.match(r"lab_(\d+)", path.name).group(1))


def tasks_of(lab):
    return sorted(t.number for t in nt.checks.TASKS.values() if t.lab == lab)


def fill(student, instructor, lab, wrong):
    """The student copy with every stub replaced: the instructor's regions, or the mistake for tasks in ``wrong``."""
    regions = {c.metadata["nbgrader"]["grade_id"]: REGION.findall(c.source) for c in instructor.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    nb = nbformat.from_dict(student)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        m = re.fullmatch(rf"lab{lab:02d}-task(\d+)", gid)
        if not (cell.cell_type == "code" and m):
            continue
        task = int(m.group(1))
        bodies = list(regions[gid])
        if task in wrong:
            bodies = [mine if mine is not None else right for mine, right in zip(MISTAKES[lab, task][0], bodies)]
        pieces = iter(bodies)
        cell.source = STUB.sub(lambda _: next(pieces), cell.source)
        assert "NotImplementedError" not in cell.source, f"task {task}: a stub was left"
    return nb


def run(*args, cwd=ROOT):
    proc = subprocess.run([sys.executable, "-m", "nmf_teach.grading", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


@pytest.mark.parametrize("path", LABS, ids=[p.stem for p in LABS])
def test_grading_end_to_end(path, tmp_path):
    started = time.perf_counter()
    lab, name = lab_number(path), path.stem
    tasks = tasks_of(lab)
    course = tmp_path / "course"
    run("init", course, "--source", path.parent)
    # one lab per course folder keeps this test's parts independent
    for other in (course / "source").iterdir():
        if other.name != name:
            for f in other.iterdir():
                f.unlink()
            other.rmdir()
    run("release", course)
    released = course / "release" / name / f"{name}.ipynb"
    student = nbformat.read(released, as_version=4)
    instructor = nbformat.read(path, as_version=4)
    text = "\n".join(c.source for c in student.cells)
    assert "BEGIN HIDDEN TESTS" not in text and "nt.checks.grade(" not in text, "the hidden tests were released"
    assert "BEGIN SOLUTION" not in text and "{solution}" not in text, "a solution was released"

    odd, even = {t for t in tasks if t % 2}, {t for t in tasks if not t % 2}
    copies = {"instructor": instructor, "unfilled": student, "odd": fill(student, instructor, lab, odd),
              "even": fill(student, instructor, lab, even)}
    submissions = tmp_path / "submissions"
    for who, nb in copies.items():
        (submissions / who).mkdir(parents=True)
        nbformat.write(nb, submissions / who / f"{name}.ipynb")
    run("collect", course, submissions)
    run("grade", course)

    by_task = {}
    with open(course / "grades_by_task.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            by_task[row["student_id"], int(row["task"])] = (float(row["points"]), float(row["max_points"]))
    full = {t: nt.checks.TASKS[k].points + nt.checks.TASKS[k].hidden_points
            for k, t in ((k, v.number) for k, v in nt.checks.TASKS.items() if v.lab == lab)}
    expected = {"instructor": dict(full), "unfilled": {t: 0.0 for t in tasks},
                "odd": {t: MISTAKES[lab, t][1] if t in odd else full[t] for t in tasks},
                "even": {t: MISTAKES[lab, t][1] if t in even else full[t] for t in tasks}}
    got = {who: {t: by_task[who, t][0] for t in tasks} for who in copies}
    assert got == expected, f"points per task: {got}, expected {expected}"
    assert all(by_task["instructor", t][1] == full[t] for t in tasks)

    with open(course / "grades.csv", newline="", encoding="utf-8") as f:
        totals = {row["student_id"]: (float(row["score"]), float(row["max_score"])) for row in csv.DictReader(f)}
    for who in copies:
        assert totals[who] == (sum(expected[who].values()), sum(full.values())), (who, totals[who])

    # feedback: the checks' messages are there, the hidden tests' code is not
    feedback = (course / "feedback" / "odd" / name / f"{name}.html").read_text(encoding="utf-8")
    assert "nt.checks.grade(" not in feedback and "BEGIN HIDDEN TESTS" not in feedback
    assert "✓" in feedback and ("AssertionError" in feedback or "✗" in feedback)
    elapsed = time.perf_counter() - started
    print(f"{name}: graded 4 submissions end to end in {elapsed:.0f} s; totals {totals}")
