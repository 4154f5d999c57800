"""A worker: a periodic collection on oslo.service's looping call, a batch of documents
indexed on a thread group, and a report computed in a green thread of its own."""
import eventlet
from oslo_service import loopingcall
from oslo_service import threadgroup

indexed = []


def collect(ticks):
    ticks.append(len(ticks) + 1)
    print("tick", len(ticks))
    if len(ticks) == 3:
        raise loopingcall.LoopingCallDone(retvalue=sum(ticks))


def index(doc):
    eventlet.sleep(0.01 * len(doc))
    indexed.append(doc.upper())


def report():
    eventlet.sleep(0.01)
    return "%d documents" % len(indexed)


def main():
    ticks = []
    timer = loopingcall.FixedIntervalLoopingCall(collect, ticks)
    print("collected", timer.start(interval=0.01).wait())
    group = threadgroup.ThreadGroup()
    for doc in ("ccc", "a", "bb"):
        group.add_thread(index, doc)
    group.wait()
    # Threads finish in their own order: the set of documents is what the worker reports.
    print("indexed", sorted(indexed))
    print(eventlet.spawn(report).wait())


if __name__ == "__main__":
    main()
