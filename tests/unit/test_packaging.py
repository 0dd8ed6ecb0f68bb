"""`make setup` is quiet: building and editable-installing the project gives no setuptools warning."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
WARNING_MARKS = ("Warning:", "InformationOnly", "absent from the `packages`")


def _copy_of_the_project(dest: Path) -> Path:
    """The files git would ship (tracked and new), so no .venv, caches or build output come along."""
    names = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                           capture_output=True, text=True, check=True).stdout.splitlines()
    archive = dest / "src.tar"
    with tarfile.open(archive, "w") as tar:
        for name in names:
            if (REPO / name).is_file():
                tar.add(REPO / name, arcname=name)
    project = dest / "project"
    with tarfile.open(archive) as tar:
        tar.extractall(project, filter="data")
    return project


def test_the_wheel_and_the_editable_install_build_without_warnings(tmp_path: Path) -> None:
    project = _copy_of_the_project(tmp_path)
    out = tmp_path / "dist"
    code = (
        "import sys\nfrom setuptools import build_meta as b\n"
        "w = b.build_wheel(sys.argv[1])\nb.build_editable(sys.argv[1])\nprint('WHEEL=' + w)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONWARNINGS", "PYTHONDONTWRITEBYTECODE")}
    proc = subprocess.run([sys.executable, "-W", "always", "-c", code, str(out)], cwd=project, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    noisy = [line for line in (proc.stdout + proc.stderr).splitlines() if any(m in line for m in WARNING_MARKS)]
    assert noisy == []
    wheel = proc.stdout.strip().splitlines()[-1].removeprefix("WHEEL=")
    names = zipfile.ZipFile(out / wheel).namelist()
    shipped = {p.relative_to(REPO).as_posix() for p in (REPO / "nlu" / "data").rglob("*.yml")}
    assert shipped and shipped <= set(names)  # the training and held-out data travel with the package
