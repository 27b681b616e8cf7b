"""The one packaging detail pyproject.toml cannot say: the repository's top-level voices/ folder
(the default voice profile and lexicon, kept in one copy) ships inside the package as
audiobulletin/voices/, where config.py reads it with importlib.resources. Everything else is in
pyproject.toml."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["audiobulletin*"]), "audiobulletin.data", "audiobulletin.voices"],
    package_dir={"audiobulletin.voices": "voices"},
)
