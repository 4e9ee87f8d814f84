"""The card's top-level ``models``: the tables live in :mod:`dondoc.models`; this re-exports them."""

from dondoc.models import *  # noqa: F403
from dondoc.models import __all__ as __all__
