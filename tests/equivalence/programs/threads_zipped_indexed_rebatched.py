# A worker script that checks a set of hosts in green threads and prints a report: the
# threads are paired with their hosts by zip(), numbered by enumerate(), the first one is
# read by index, the list is counted with len(), and a second batch reuses the name
# `threads`. An exception from one check must come back the same from wait()/result().
import eventlet
eventlet.monkey_patch()

import time


def check(host, delay):
    time.sleep(delay)
    if host.startswith('bad'):
        raise RuntimeError('%s is unreachable' % host)
    return '%s ok' % host


def report(hosts):
    threads = [eventlet.spawn(check, host, 0.002 * (len(hosts) - i))
               for i, host in enumerate(hosts)]
    print('checking %d hosts' % len(threads))
    print('first:', threads[0].wait())
    for host, gt in zip(hosts, threads):
        try:
            print(host, '->', gt.wait())
        except RuntimeError as e:
            print(host, 'failed:', e)
    for number, gt in enumerate(threads, 1):
        try:
            gt.wait()
        except RuntimeError:
            print('check %d failed' % number)


def main():
    report(['db1', 'bad-cache', 'web1'])
    threads = [eventlet.spawn(check, host, 0.001) for host in ('web2', 'web3')]
    for gt in threads:
        print('second batch:', gt.wait())
    threads = [eventlet.spawn(check, host, 0.001) for host in ('web4',)]
    print('third batch:', [gt.wait() for gt in threads])


if __name__ == "__main__":
    main()
