import unittest
from unittest import mock


class TestCase(unittest.TestCase):

    def patchobject(self, obj, attr, **kwargs):
        patcher = mock.patch.object(obj, attr, **kwargs)
        result = patcher.start()
        self.addCleanup(patcher.stop)
        return result
