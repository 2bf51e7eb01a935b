"""Build hook: copy the scope table and its schema into the package.

The top-level `scopes.yaml` and `scopes.schema.json` are the single source. A
wheel (built from the repository or from the sdist, which carries both files at
its top level, see MANIFEST.in) gets copies in `bc_scopes/data/`, where
`bc_scopes.model` looks when no repository surrounds it. Nothing is written into
the source tree: the copies go straight into the build folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
DATA_FILES = ("scopes.yaml", "scopes.schema.json")


class BuildPyWithScopeTable(build_py):
    """The usual build_py, then the top-level data files into bc_scopes/data/."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "bc_scopes" / "data"
        target.mkdir(parents=True, exist_ok=True)
        for name in DATA_FILES:
            source = HERE / name
            if not source.is_file():
                raise SystemExit(f"setup.py: {name} is missing next to setup.py; cannot build")
            shutil.copyfile(source, target / name)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        # Listed so that wheel and editable builds know the copies are part of the package.
        outputs = list(super().get_outputs(include_bytecode))
        data = Path(self.build_lib) / "bc_scopes" / "data"
        return outputs + [str(data / name) for name in DATA_FILES]


setup(cmdclass={"build_py": BuildPyWithScopeTable})
