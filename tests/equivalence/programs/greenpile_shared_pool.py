# A thumbnail service: one pool bounds all its work, the thumbnails of a batch are
# collected in order by a pile spawning into the pool, and their metadata is recorded by
# tasks spawned on the same pool. A broken image makes the pile raise when its turn comes.
import threading

import eventlet

eventlet.monkey_patch()

running = 0
peak = 0
lock = threading.Lock()


def track(delta):
    global running, peak
    with lock:
        running += delta
        peak = max(peak, running)


def thumbnail(name):
    track(1)
    try:
        eventlet.sleep(0.02)
        if name.endswith(".bad"):
            raise ValueError("cannot decode %s" % name)
        return "thumb-" + name
    finally:
        track(-1)


def record(name):
    track(1)
    try:
        eventlet.sleep(0.01)
        return "%s: %d bytes" % (name, len(name) * 100)
    finally:
        track(-1)


def process(batch):
    pool = eventlet.GreenPool(3)
    thumbs = eventlet.GreenPile(pool)
    for name in batch:
        thumbs.spawn(thumbnail, name)
    metadata = [pool.spawn(record, name) for name in batch]
    done = []
    try:
        for thumb in thumbs:
            done.append(thumb)
    except ValueError as e:
        print("batch stopped:", e)
    pool.waitall()
    print("thumbnails", done)
    print("metadata", [m.wait() for m in metadata])


def main():
    process(["a.png", "b.png", "c.png", "d.png"])
    process(["e.png", "f.bad", "g.png"])
    print("bounded", peak <= 3)


if __name__ == "__main__":
    main()
