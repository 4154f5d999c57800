# Exercises mock.patch('eventlet.sleep') in a module where `time` is already bound (`from time import time`).
import io
import unittest
from time import time
from unittest import mock

import eventlet


def wait_for_volume(get_status, attempts=3, interval=0.5):
    deadline = time() + 60
    for _ in range(attempts):
        if get_status() == "available" and time() < deadline:
            return True
        eventlet.sleep(interval)
    return False


class WaitForVolumeTest(unittest.TestCase):
    @mock.patch('eventlet.sleep')
    def test_polls_until_attempts_exhausted(self, mock_sleep):
        self.assertFalse(wait_for_volume(lambda: "creating", attempts=2))
        self.assertEqual(2, mock_sleep.call_count)

    def test_returns_when_available(self):
        with mock.patch('eventlet.sleep') as mock_sleep:
            states = iter(["creating", "available"])
            self.assertTrue(wait_for_volume(lambda: next(states)))
        mock_sleep.assert_called_once_with(0.5)


def main():
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(WaitForVolumeTest)
    result = unittest.TextTestRunner(stream=io.StringIO()).run(suite)
    print("ran", result.testsRun, "ok", result.wasSuccessful())
    print("failures", len(result.failures), "errors", len(result.errors))


if __name__ == "__main__":
    main()
