# Exercises a local GreenPool: pool.spawn_n in a loop, then pool.waitall() as its last use.
import eventlet
import eventlet.queue


def resize_image(out, image_id, size):
    eventlet.sleep(0.001 * (5 - image_id))
    out.put((image_id, size * 2))


def resize_all(sizes):
    out = eventlet.queue.Queue()
    pool = eventlet.GreenPool(3)
    for image_id, size in enumerate(sizes):
        pool.spawn_n(resize_image, out, image_id, size)
    pool.waitall()
    results = []
    while not out.empty():
        results.append(out.get())
    return sorted(results)


def main():
    print(resize_all([10, 20, 30, 40, 50]))


if __name__ == "__main__":
    main()
