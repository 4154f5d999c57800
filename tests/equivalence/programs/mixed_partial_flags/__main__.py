# swift's shape: the server patches through its own helpers with
# monkey_patch(all=False, socket=True, select=True, thread=True): time is not patched. A
# replicator green thread stays (it is killed), so the sleeps it and the server make must stay
# green: a time.sleep there would stop the hub. The stdlib queue is fine (thread is patched).
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from objstore import server  # noqa: E402

server.main()
