# A service's entry point as OpenStack writes it: monkey patching first, then the workaround
# for eventlet issue 592 through the original threading module, then the workers. Once the
# process no longer patches, the original module is threading itself.
import eventlet

eventlet.monkey_patch()
import __original_module_threading as orig_threading  # noqa: E402
import threading  # noqa: E402

orig_threading.current_thread.__globals__['_active'] = threading._active


def square(n, results):
    eventlet.sleep(0.001 * (4 - n))
    results.append(n * n)


def main():
    results = []
    workers = [eventlet.spawn(square, n, results) for n in range(4)]
    for worker in workers:
        worker.wait()
    print(sorted(results))
    print("current thread known:", orig_threading.current_thread() is not None)


if __name__ == "__main__":
    main()
