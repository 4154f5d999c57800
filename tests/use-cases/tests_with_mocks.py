# Use case: tests that mock eventlet
"""Unit tests for the retry helper that patch eventlet's sleep."""

import unittest
from unittest import mock

import eventlet
from eventlet import greenthread

from nova import utils


class RetryTestCase(unittest.TestCase):

    @mock.patch('eventlet.sleep')
    def test_retry_sleeps_between_attempts(self, mock_sleep):
        func = mock.Mock(side_effect=[ValueError(), 'ok'])
        self.assertEqual('ok', utils.retry(func, attempts=2))
        mock_sleep.assert_called_once_with(1)

    @mock.patch.object(eventlet, 'sleep')
    def test_retry_gives_up(self, mock_sleep):
        func = mock.Mock(side_effect=ValueError())
        self.assertRaises(ValueError, utils.retry, func, attempts=3)
        self.assertEqual(2, mock_sleep.call_count)

    def test_backoff_yields(self):
        with mock.patch.object(greenthread, 'sleep') as mock_sleep:
            utils.backoff(0)
        mock_sleep.assert_called_once_with(0)

    @mock.patch('nova.utils.eventlet.sleep')
    def test_poll_until_done(self, mock_sleep):
        func = mock.Mock(side_effect=[False, False, True])
        utils.poll_until(func, interval=5)
        self.assertEqual([mock.call(5), mock.call(5)],
                         mock_sleep.call_args_list)
