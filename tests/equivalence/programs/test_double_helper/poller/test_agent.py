from unittest import mock

import eventlet

from poller import agent
from poller import base


class TestAgent(base.TestCase):

    def test_poll_twice(self):
        sleep = self.patchobject(eventlet, 'sleep')
        check = mock.Mock()
        agent.poll_twice(check)
        self.assertEqual(2, check.call_count)
        sleep.assert_called_once_with(60)
