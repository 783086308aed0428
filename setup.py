"""Packaging: the wheel carries the files brandmap reads at run time.

``brandmap.resources`` chooses them (seed data, the page's own files and messages, and
only the npm map assets the page loads); they are copied from the checkout, or from the
unpacked sdist that holds the same files, into ``brandmap/_bundle/``. Building needs the
map assets (``make assets``); installing the wheel never needs Node.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from brandmap import resources  # noqa: E402  (standard library only)


class BuildPyWithBundle(build_py):
    """Also copies the bundled files into the package (an editable install reads the
    checkout's own)."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        bundle = Path(self.build_lib) / "brandmap" / resources.BUNDLE_NAME
        for name in resources.bundle_files(HERE):
            target = bundle / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(HERE / name, target)


class SdistWithBundle(sdist):
    """Also puts the bundled files in the sdist, so a wheel builds from it without Node."""

    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        super().make_release_tree(base_dir, [*files, *resources.bundle_files(HERE)])


setup(cmdclass={"build_py": BuildPyWithBundle, "sdist": SdistWithBundle})
