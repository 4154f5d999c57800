# Exercises mock.patch.object(eventlet, 'sleep') and @mock.patch.object(greenthread, 'sleep') in unittest.
import io
import unittest
from unittest import mock

import eventlet
from eventlet import greenthread


def drain(items, pause):
    handled = []
    for item in items:
        handled.append(item)
        greenthread.sleep(pause)
    return handled


def backoff(attempts):
    for n in range(attempts):
        eventlet.sleep(2 ** n)
    return attempts


class DrainTest(unittest.TestCase):
    @mock.patch.object(greenthread, 'sleep')
    def test_pauses_between_items(self, fake_sleep):
        self.assertEqual([1, 2], drain([1, 2], 30))
        self.assertEqual(2, fake_sleep.call_count)

    def test_backoff(self):
        with mock.patch.object(eventlet, 'sleep') as fake_sleep:
            self.assertEqual(3, backoff(3))
        self.assertEqual([mock.call(1), mock.call(2), mock.call(4)], fake_sleep.call_args_list)


def main():
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(DrainTest)
    result = unittest.TextTestRunner(stream=io.StringIO()).run(suite)
    print("ran", result.testsRun, "ok", result.wasSuccessful())
    for test, trace in result.failures + result.errors:
        print("problem in", test.id().split(".")[-1])


if __name__ == "__main__":
    main()
