# Green threads made in a list display and in a tuple display, then only iterated: the
# results come back in order after migration (the displays break one element a line).
import eventlet


def probe(name, delay):
    eventlet.sleep(delay)
    return 'probe %s' % name


def main():
    threads = [eventlet.spawn(probe, 'first', 0.003), eventlet.spawn(probe, 'second', 0.001)]
    print([t.wait() for t in threads])
    pair = (eventlet.spawn(probe, 'left', 0.001), eventlet.spawn(probe, 'right', 0.002))
    for gt in pair:
        print(gt.wait())


if __name__ == "__main__":
    main()
