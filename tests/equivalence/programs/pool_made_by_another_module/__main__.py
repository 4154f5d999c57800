# A GreenPool made by a function of another module (which imports eventlet only for it) is
# used here: spawned into and waited for. Both modules are rewritten together.
import pools


def square(x):
    return x * x


def main():
    pool = pools.make_pool(4)
    results = []
    for n in range(5):
        pool.spawn_n(lambda v=n: results.append(square(v)))
    pool.waitall()
    print(sorted(results))


if __name__ == "__main__":
    main()
