# equivalence: manual
# Exercises eventlet.GreenPile (reported as manual by the tool) next to migratable sleep/spawn calls.
import eventlet


def probe(host):
    eventlet.sleep(0.001)
    return host.upper()


def main():
    pile = eventlet.GreenPile(3)
    for host in ["alpha", "beta", "gamma"]:
        pile.spawn(probe, host)
    print(list(pile))
    gt = eventlet.spawn(probe, "delta")
    print(gt.wait())


if __name__ == "__main__":
    main()
