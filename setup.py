# scrapyd-deploy builds the egg it uploads with `python setup.py bdist_egg`, and writes a
# setup.py of its own when there is none: this one says that everything is in pyproject.toml.
from setuptools import setup

setup()
