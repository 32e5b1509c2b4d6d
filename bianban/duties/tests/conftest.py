"""Duties tests work on the party tests' branch (区教育局机关党支部, 9 members, the secretary and member personas
linked): see bianban/party/tests/conftest.py."""

from bianban.party.tests.conftest import branch, make_person  # noqa: F401  (pytest fixtures)
