"""The one packaging detail pyproject.toml cannot say: the repository's top-level voices/ folder
(the default voice profile and lexicon, kept in one copy) ships inside the package as
audiobulletin/voices/, where config.py reads it with importlib.resources. Everything else is in
pyproject.toml."""

from setuptools import find_namespace_packages, setup

setup(
    # namespace packages too: the data folders (audiobulletin/data, speech/kokoro_voices) have no __init__
    packages=[*find_namespace_packages(include=["audiobulletin*"], exclude=["*.__pycache__"]),
              "audiobulletin.voices"],
    package_dir={"audiobulletin.voices": "voices"},
)
