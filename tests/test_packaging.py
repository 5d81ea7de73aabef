"""pyproject.toml builds without setuptools' deprecation warnings."""

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

PYPROJECT = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())


def test_license_is_an_spdx_expression_the_build_backend_accepts():
    # A table ({text = …}) is deprecated (BuildBackendWarning on every install);
    # a plain SPDX string needs setuptools 77 or newer to build.
    assert PYPROJECT["project"]["license"] == "AGPL-3.0-or-later"
    setuptools = next(
        Requirement(spec)
        for spec in PYPROJECT["build-system"]["requires"]
        if Requirement(spec).name == "setuptools"
    )
    assert not setuptools.specifier.contains(Version("76.1"))
    assert setuptools.specifier.contains(Version("77.0.0"))
