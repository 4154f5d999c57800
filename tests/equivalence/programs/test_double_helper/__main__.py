# A test whose double is installed through the project's own base-class helper
# (`self.patchobject(eventlet, 'sleep')`): after migration the double must patch what the code
# calls (`time.sleep`), or the test really sleeps 60 s and the run times out.
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from poller import test_agent  # noqa: E402

suite = unittest.defaultTestLoader.loadTestsFromModule(test_agent)
result = unittest.TextTestRunner(stream=open(os.devnull, "w")).run(suite)
print("ran", result.testsRun, "failures", len(result.failures), "errors", len(result.errors))
