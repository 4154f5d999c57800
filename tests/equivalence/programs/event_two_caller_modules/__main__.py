# Two modules hand Events to the same function of a third, which never imports eventlet.
import producer
import consumer
import notify


def main():
    print(producer.produce(3))
    print(consumer.consume())
    print(notify.SEEN)


if __name__ == "__main__":
    main()
