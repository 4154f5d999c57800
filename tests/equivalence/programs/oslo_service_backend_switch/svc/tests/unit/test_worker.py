from oslo_service import loopingcall
from oslo_service import threadgroup

from svc.cmd import worker
from svc.tests import base


class WorkerTest(base.TestCase):

    def setUp(self):
        super().setUp()
        worker.indexed.clear()

    def test_collection_stops_after_three_ticks(self):
        ticks = []
        timer = loopingcall.FixedIntervalLoopingCall(worker.collect, ticks)
        self.assertEqual(6, timer.start(interval=0.01).wait())
        self.assertEqual([1, 2, 3], ticks)

    def test_documents_are_indexed_on_a_thread_group(self):
        group = threadgroup.ThreadGroup()
        for doc in ("b", "a"):
            group.add_thread(worker.index, doc)
        group.wait()
        self.assertIndexed(["A", "B"], worker.indexed)

    def test_report_counts_what_was_indexed(self):
        worker.index("x")
        self.assertEqual("1 documents", worker.report())
