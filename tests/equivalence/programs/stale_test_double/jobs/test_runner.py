import unittest
from unittest import mock

import eventlet

from jobs import runner


@mock.patch.object(eventlet, 'spawn_n', lambda f, *a, **kw: f(*a, **kw))
class TestRunner(unittest.TestCase):

    def test_start_runs_the_job_inline(self):
        job = mock.Mock()
        runner.start(job)
        job.assert_called_once_with()
