"""scripts/setup.sh fails loudly, and stamps nothing, when pip fails.

Each test runs the real script in a scratch project: a copy of scripts/setup.sh, a one-line
requirements.lock and a tiny pyproject.toml, with pip pointed at a local folder of wheels
(no index, no pip configuration from this machine). The lock pins `tinypkg` by the hash of
the genuine wheel; the tampered case serves a different wheel under the same name. The
scratch project also holds empty stand-ins for the packages the script's import check
asks for, as an already set-up machine would have them installed: so only pip's own exit
status can stop a broken install from being stamped as done.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pip
import pytest
from support.docs import REPO_ROOT

SETUP_SH = REPO_ROOT / "scripts" / "setup.sh"
STAMP = Path(".venv") / ".requirements.sha256"
WHEEL_NAME = "tinypkg-1.0-py3-none-any.whl"
IMPORT_CHECKED = ("bc_scopes", "tools", "mkdocs", "playwright", "xdist")

# A build backend in the scratch project itself, so `pip install --no-build-isolation -e .`
# works offline in a bare venv (setuptools there cannot build wheels without `wheel`).
BACKEND = '''
import zipfile

NAME, VERSION = "tinyproj", "0.0.1"
DIST_INFO = f"{NAME}-{VERSION}.dist-info"


def _wheel(directory):
    filename = f"{NAME}-{VERSION}-py3-none-any.whl"
    with zipfile.ZipFile(f"{directory}/{filename}", "w") as wheel:
        wheel.writestr(f"{DIST_INFO}/METADATA",
                       f"Metadata-Version: 2.1\\nName: {NAME}\\nVersion: {VERSION}\\n")
        wheel.writestr(f"{DIST_INFO}/WHEEL",
                       "Wheel-Version: 1.0\\nGenerator: tiny\\nRoot-Is-Purelib: true\\n"
                       "Tag: py3-none-any\\n")
        wheel.writestr(f"{DIST_INFO}/RECORD", "")
    return filename


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _wheel(wheel_directory)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return _wheel(wheel_directory)
'''

PYPROJECT = """\
[build-system]
requires = []
build-backend = "tiny_backend"
backend-path = ["."]

[project]
name = "tinyproj"
version = "0.0.1"
"""


def tiny_wheel(greeting: str) -> bytes:
    """A valid pure-Python wheel of tinypkg 1.0 whose module holds `greeting`."""
    files = {
        "tinypkg/__init__.py": f"GREETING = {greeting!r}\n".encode(),
        "tinypkg-1.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: tinypkg\nVersion: 1.0\n",
        "tinypkg-1.0.dist-info/WHEEL": (b"Wheel-Version: 1.0\nGenerator: test\n"
                                        b"Root-Is-Purelib: true\nTag: py3-none-any\n"),
    }
    record = [
        f"{name},sha256={base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()},{len(data)}"  # noqa: E501
        for name, data in files.items()
    ]
    record.append("tinypkg-1.0.dist-info/RECORD,,")
    files["tinypkg-1.0.dist-info/RECORD"] = ("\n".join(record) + "\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as wheel:
        for name, data in files.items():
            wheel.writestr(name, data)
    return buffer.getvalue()


GENUINE = tiny_wheel("hello")
TAMPERED = tiny_wheel("hello, and something extra")


class Project:
    """A scratch project that setup.sh sets up; its .venv is made once and reused."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.wheels = root.parent / "wheels"
        (root / "scripts").mkdir(parents=True)
        self.wheels.mkdir()
        for package in IMPORT_CHECKED:
            (root / package).mkdir()
            (root / package / "__init__.py").write_text("", encoding="utf-8")
        (root / "tiny_backend.py").write_text(BACKEND, encoding="utf-8")

    def prepare(self, *, served: bytes, pyproject: str = PYPROJECT) -> None:
        """The current setup.sh, a lock pinning the genuine wheel, `served` in the index."""
        shutil.copy2(SETUP_SH, self.root / "scripts" / "setup.sh")
        (self.root / "requirements.lock").write_text(
            f"tinypkg==1.0 \\\n    --hash=sha256:{hashlib.sha256(GENUINE).hexdigest()}\n",
            encoding="utf-8")
        (self.root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
        (self.wheels / WHEEL_NAME).write_bytes(served)
        (self.root / STAMP).unlink(missing_ok=True)

    def setup(self) -> subprocess.CompletedProcess[str]:
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("PIP_", "VIRTUAL_ENV", "PYTHON"))}
        env.update({
            "PYTHON": sys.executable,
            "BC_SKIP_CHROMIUM_INSTALL": "1",
            # Only the local folder: no index, no find-links or config of this machine.
            "PIP_CONFIG_FILE": os.devnull,
            "PIP_NO_INDEX": "1",
            "PIP_FIND_LINKS": str(self.wheels),
            "PIP_EXTRA_INDEX_URL": "",
            "PIP_NO_CACHE_DIR": "1",
        })
        return subprocess.run(["bash", "scripts/setup.sh"], cwd=self.root, env=env,
                              capture_output=True, text=True, timeout=120)

    def imported_from(self, module: str) -> str:
        """Where the venv's python, started outside the project, finds `module`."""
        result = subprocess.run(
            [str(self.root / ".venv" / "bin" / "python"), "-c",
             f"import {module}; print({module}.__file__)"],
            cwd=self.root.parent, capture_output=True, text=True, timeout=30)
        return result.stdout.strip() or result.stderr.strip()

    def installed_greeting(self) -> str:
        result = subprocess.run(
            [str(self.root / ".venv" / "bin" / "python"), "-c",
             "import tinypkg; print(tinypkg.GREETING)"],
            cwd=self.root / ".venv", capture_output=True, text=True, timeout=30)
        return result.stdout.strip()


def venv_with_borrowed_pip(venv: Path, scratch: Path) -> None:
    """A venv like setup.sh's own, made in a tenth of a second: without pip's bundled copy
    (ensurepip unpacks and compiles it, most of `python -m venv`'s seconds), with this
    interpreter's pip put on its path by a .pth file. Nothing else of this machine is on
    it, so only what setup.sh installs can be imported. setup.sh's own `python -m venv`
    line runs on every clean clone CI sets up."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   capture_output=True, timeout=60)
    borrowed = scratch / "pip-only"
    borrowed.mkdir()
    (borrowed / "pip").symlink_to(Path(pip.__file__).parent)
    where = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    purelib = subprocess.run(
        [str(venv / "bin" / "python"), "-c", where],
        check=True, capture_output=True, text=True, timeout=60).stdout.strip()
    (Path(purelib) / "borrowed_pip.pth").write_text(f"{borrowed}\n", encoding="utf-8")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    # One venv per module (per xdist worker), made before setup.sh's first run.
    root = tmp_path_factory.mktemp("setup-sh")
    scratch = Project(root / "project")
    venv_with_borrowed_pip(scratch.root / ".venv", root)
    yield scratch
    shutil.rmtree(root, ignore_errors=True)


def _failure_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("setup: FAILED")]


def test_a_tampered_wheel_fails_the_setup_and_is_not_stamped(project: Project) -> None:
    project.prepare(served=TAMPERED)
    result = project.setup()
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "THESE PACKAGES DO NOT MATCH THE HASHES" in result.stderr, output
    [line] = _failure_lines(result)
    assert "requirements.lock" in line, line
    assert not (project.root / STAMP).exists()
    # Nothing was stamped, so a second run checks again instead of skipping the install.
    again = project.setup()
    assert again.returncode != 0 and "DO NOT MATCH THE HASHES" in again.stderr
    assert not (project.root / STAMP).exists()


def test_a_failed_project_install_fails_the_setup_and_is_not_stamped(project: Project) -> None:
    project.prepare(served=GENUINE, pyproject="[project\nthis is not TOML\n")
    result = project.setup()
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    [line] = _failure_lines(result)
    assert "-e ." in line and "requirements.lock" not in line, line
    assert project.installed_greeting() == "hello"  # the locked wheel itself installed
    assert not (project.root / STAMP).exists()


def test_a_good_install_is_stamped_a_second_run_only_checks_and_tools_import_anywhere(
    project: Project,
) -> None:
    project.prepare(served=GENUINE)
    result = project.setup()
    assert result.returncode == 0, result.stdout + result.stderr
    assert not _failure_lines(result)
    assert (project.root / STAMP).read_text().strip()
    assert project.installed_greeting() == "hello"
    # With the stamp current, the second run does not reach pip: even a tampered wheel
    # in the index goes unnoticed because nothing is installed.
    (project.wheels / WHEEL_NAME).write_bytes(TAMPERED)
    again = project.setup()
    assert again.returncode == 0 and again.stderr == "", again.stderr
    # tools/ is not installed: setup.sh's .pth file alone puts the project root on
    # sys.path, so the repository's tools import from any folder without path edits.
    assert project.imported_from("tools") == str(project.root / "tools" / "__init__.py")
