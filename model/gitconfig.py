"""config-git: wire a repository's git and pre-commit to this package, as `nbdime
config-git` and `git xl install` do.

The commands written name this package absolutely (the installed `isg-model` script, or
this Python with this package's folder first on its path), so neither the PATH of a GUI
client or a new terminal nor another package called `model` in the repository matters.
"""
from __future__ import annotations

import os
import shlex
import subprocess
import sys
import sysconfig
from pathlib import Path

from .errors import ModelError

ATTRIBUTES = ("*.xlsx -text diff=workbook", "*.xlsm -text diff=workbook")
HOOK_ID = "workbook-audit"


def command() -> list[str]:
    """argv that runs this very package's command line, whatever the PATH or the folder:
    the installed console script when this package is the installed one, else this Python
    with this package's parent folder put first on sys.path (in place of the current
    folder, where a repository's own `model` package would otherwise win)."""
    from . import ROOT, _SOURCE
    if ROOT != _SOURCE and _installed_is_me():     # installed (a wheel), not run from a clone
        name = "isg-model.exe" if os.name == "nt" else "isg-model"
        for scheme in (None, f"{os.name}_user"):
            try:
                folder = sysconfig.get_path("scripts", scheme) if scheme else sysconfig.get_path("scripts")
            except KeyError:
                continue
            exe = Path(folder) / name
            if exe.is_file():
                return [str(exe)]
    code = (f"import sys; sys.path[0] = {str(_SOURCE)!r}; "
            "from model.__main__ import main; sys.exit(main())")
    return [sys.executable, "-c", code]


def _installed_is_me() -> bool:
    """The installed distribution's package is this one (so its console script runs this
    code, not another copy's)."""
    from importlib import metadata
    try:
        dist = metadata.distribution("isg-margin-model")
        mine = Path(__file__).resolve().parent / "__init__.py"
        return Path(dist.locate_file("model/__init__.py")).resolve() == mine
    except Exception:
        return False


def shell(argv: list[str]) -> str:
    """``argv`` as one command line for git's shell and pre-commit's ``entry`` (both split
    it the POSIX way)."""
    return " ".join(shlex.quote(a) for a in argv)


def hook_config(entry: str) -> str:
    return f"""# written by `isg-model config-git`: audit staged workbooks before each commit
repos:
- repo: local
  hooks:
  - id: {HOOK_ID}
    name: audit Excel workbooks (structure, errors, every formula recomputed)
    entry: {entry}
    language: system
    files: '\\.xls[xm]$'
    exclude: '(^|/)(~\\$|\\.~lock\\.)'
    require_serial: true
"""


class GitConfigError(ModelError, RuntimeError):
    """The folder is not a git work tree, or git refused a setting; one line."""


def _git(top: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", "-C", str(top), *args], capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise GitConfigError("git is not installed (or not on the PATH)") from exc
    if done.returncode != 0:
        why = (done.stderr.strip().splitlines() or ["failed"])[-1]
        raise GitConfigError(f"git {' '.join(args[:2])}: {why}")
    return done.stdout.strip()


def config_git(repo: str | Path = ".", pre_commit: bool = True) -> list[str]:
    """Set the workbook textconv, the .gitattributes lines and (``pre_commit``) a
    pre-commit hook in the git repository at ``repo``; returns what was done, a line each."""
    try:
        top = Path(_git(Path(repo), "rev-parse", "--show-toplevel"))
    except GitConfigError as exc:
        raise GitConfigError(f"{repo}: not inside a git repository ({exc})") from exc
    me = command()
    textconv = shell([*me, "textconv"])
    _git(top, "config", "diff.workbook.textconv", textconv)
    done = [f"git config diff.workbook.textconv {textconv}"]
    attrs = top / ".gitattributes"
    old = attrs.read_text(encoding="utf-8") if attrs.is_file() else ""
    have = {ln.split()[0] for ln in old.splitlines() if ln.strip() and not ln.startswith("#")}
    missing = [a for a in ATTRIBUTES if a.split()[0] not in have]
    if missing:
        sep = "" if not old or old.endswith("\n") else "\n"
        attrs.write_text(old + sep + "\n".join(missing) + "\n", encoding="utf-8")
        done.append(f"{attrs}: added {', '.join(missing)}")
    else:
        done.append(f"{attrs}: already maps workbooks (left as it is)")
    if pre_commit:
        cfg = top / ".pre-commit-config.yaml"
        entry = shell([*me, "audit"])
        if not cfg.exists():
            cfg.write_text(hook_config(entry), encoding="utf-8")
            done.append(f"{cfg}: written with the {HOOK_ID} hook (run `pre-commit install` once to use it)")
        elif HOOK_ID in cfg.read_text(encoding="utf-8"):
            done.append(f"{cfg}: already has a {HOOK_ID} hook (left as it is)")
        else:
            hook = hook_config(entry).split("repos:\n", 1)[1]
            done.append(f"{cfg} exists: add under its repos: (left as it is)\n{hook.rstrip()}")
    return done
