"""Launch settings: everything derives from repository.url in _config.yml (no browser needed)."""

import json
import re
import subprocess

from browser_support import ROOT, load_config

import booktools


def _repo_files():
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                         capture_output=True, text=True)
    if out.returncode == 0:
        return sorted({ROOT / p for p in out.stdout.splitlines() if (ROOT / p).is_file()})
    skip = {".git", "_build", ".venv", "node_modules", ".hypothesis", ".ipynb_checkpoints"}
    return sorted(p for p in ROOT.rglob("*") if p.is_file() and not skip & set(p.relative_to(ROOT).parts))


def test_repository_address_is_written_only_in_config():
    url = load_config()["repository"]["url"].rstrip("/")
    slug = url.split("github.com/", 1)[1]
    colab_cell = booktools.colab_cell_source(url)
    offenders = []
    for path in _repo_files():
        rel = path.relative_to(ROOT).as_posix()
        if rel == "_config.yml" or path.suffix in (".png", ".jpg", ".pdf", ".woff", ".woff2"):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if slug not in text:
            continue
        if path.suffix == ".ipynb":
            # only the Colab cell may hold it, exactly as booktools derives it from the config
            nb = json.loads(text)
            for cell in nb["cells"]:
                src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                if slug in src and src != colab_cell:
                    offenders.append(f"{rel} (cell {cell.get('id')})")
            continue
        offenders.append(rel)
    assert not offenders, f"files that hard-code {slug} (derive it from _config.yml): {offenders}"


def test_binder_installs_the_pinned_requirements_and_the_package():
    binder = ROOT / ".binder"
    runtime = (binder / "runtime.txt").read_text(encoding="utf-8").strip()
    assert re.fullmatch(r"python-3\.(1[0-9])", runtime), runtime
    lines = [ln.split("#", 1)[0].strip() for ln in (binder / "requirements.txt").read_text().splitlines()]
    # repo2docker runs pip from the repository root: -r is resolved next to this file,
    # and the "." inside the root requirements.txt from the root, i.e. nmf_teach itself
    assert [ln for ln in lines if ln] == ["-r ../requirements.txt"]
    root_lines = [ln.split("#", 1)[0].strip() for ln in (ROOT / "requirements.txt").read_text().splitlines()]
    assert "." in root_lines, "requirements.txt must install nmf_teach itself ('.')"
    # the pinned Python matches what the README says is tested
    assert f"{runtime.removeprefix('python-')} is what we test" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_launch_buttons_point_at_the_repository():
    cfg = load_config()
    assert cfg["launch_buttons"]["thebe"] is True
    assert cfg["launch_buttons"]["binderhub_url"].startswith("https://")
    assert cfg["launch_buttons"]["colab_url"].startswith("https://colab.research.google.com")
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", cfg["repository"]["url"].rstrip("/"))
