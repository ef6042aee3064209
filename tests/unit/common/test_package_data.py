"""Every file the services read at run time beside their code (fitted weights, the console's assets) is in the
package the images install: pyproject.toml's package-data names it. A file left out passes every test run from
the checkout and fails only in the image (classification_weights.json once did)."""

from __future__ import annotations

import fnmatch
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_every_non_python_file_under_services_is_package_data():
    listed = subprocess.run(
        ["git", "ls-files", "services"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    data_files = [Path(name) for name in listed if not name.endswith(".py")]
    assert data_files  # the weights at least
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]

    def packaged(path: Path) -> bool:
        for package, patterns in package_data.items():
            folder = Path(*package.split("."))
            if folder in path.parents:
                inside = path.relative_to(folder).as_posix()
                if any(fnmatch.fnmatch(inside, pattern) for pattern in patterns):
                    return True
        return False

    assert [str(p) for p in data_files if not packaged(p)] == []
