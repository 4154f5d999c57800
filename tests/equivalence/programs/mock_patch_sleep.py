# Exercises mock.patch('eventlet.sleep') in a unittest run programmatically; prints the test result.
import io
import unittest
from unittest import mock

import eventlet


def wait_until_active(get_state, attempts=5):
    for _ in range(attempts):
        if get_state() == "ACTIVE":
            return True
        eventlet.sleep(10)
    return False


class WaitTestCase(unittest.TestCase):
    @mock.patch('eventlet.sleep')
    def test_retries_then_succeeds(self, mock_sleep):
        states = iter(["BUILD", "BUILD", "ACTIVE"])
        self.assertTrue(wait_until_active(lambda: next(states)))
        self.assertEqual(2, mock_sleep.call_count)
        mock_sleep.assert_called_with(10)

    def test_gives_up(self):
        with mock.patch('eventlet.sleep') as mock_sleep:
            self.assertFalse(wait_until_active(lambda: "ERROR", attempts=3))
        self.assertEqual(3, mock_sleep.call_count)


def main():
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(WaitTestCase)
    result = unittest.TextTestRunner(stream=io.StringIO(), verbosity=0).run(suite)
    print("ran", result.testsRun)
    print("ok", result.wasSuccessful())
    print("failures", len(result.failures), "errors", len(result.errors))


if __name__ == "__main__":
    main()
