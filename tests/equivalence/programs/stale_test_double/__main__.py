# A test doubles eventlet.spawn_n to run jobs inline: the double cannot follow a rewrite of
# spawn_n into a thread, so the code it doubles must stay (a thread would run the job later,
# and the test's assertion would fail).
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from jobs import test_runner  # noqa: E402

suite = unittest.defaultTestLoader.loadTestsFromModule(test_runner)
result = unittest.TextTestRunner(stream=open(os.devnull, "w")).run(suite)
print("ran", result.testsRun, "failures", len(result.failures), "errors", len(result.errors))
