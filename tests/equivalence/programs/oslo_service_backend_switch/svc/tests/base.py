"""The project's test base, which patches too (leaving `os` alone), as OpenStack test
bases do."""
import eventlet
eventlet.monkey_patch(os=False)

import unittest  # noqa: E402


class TestCase(unittest.TestCase):

    def assertIndexed(self, expected, indexed):
        self.assertEqual(sorted(expected), sorted(indexed))
