# An RPC service on oslo.messaging's in-memory driver, as OpenStack services start one: the
# process is monkey-patched and the server dispatches on the eventlet executor; a client
# calls it and casts to it. Once nothing needs the hub, the server takes the threading
# executor and the results are the same.
import eventlet

eventlet.monkey_patch()

from oslo_config import cfg  # noqa: E402
import oslo_messaging as messaging  # noqa: E402


class Calculator(object):
    def __init__(self):
        self.recorded = []

    def add(self, ctxt, a, b):
        eventlet.sleep(0.01)
        return a + b

    def record(self, ctxt, item):
        self.recorded.append(item)


def main():
    cfg.CONF([], project='calc')
    transport = messaging.get_rpc_transport(cfg.CONF, url='fake:/')
    endpoint = Calculator()
    server = messaging.get_rpc_server(
        transport, messaging.Target(topic='calc', server='host-1'), [endpoint],
        executor='eventlet')
    server.start()
    client = messaging.get_rpc_client(transport, messaging.Target(topic='calc'))
    print("2 + 3 =", client.call({}, 'add', a=2, b=3))
    client.cast({}, 'record', item='audit')
    print("4 + 5 =", client.call({}, 'add', a=4, b=5))
    server.stop()
    server.wait()
    print("recorded", endpoint.recorded)


if __name__ == '__main__':
    main()
