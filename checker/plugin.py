"""The stable name of the specs' pytest plugin.

    pytest -p checker.plugin katas/01_path_params/.spec


The plugin itself is checker.inside.plugin, beside the rest of what runs inside the kata process.
"""

from checker.inside.plugin import *  # noqa: F403
from checker.inside.plugin import pytest_addoption, pytest_configure

__all__ = ["pytest_addoption", "pytest_configure"]
