# patcher.original('m') with a literal name becomes the module itself, imported; where the name
# is taken by the assignment (`select = original('select')`), importlib.import_module.
from eventlet import patcher

_time = patcher.original('time')
select = patcher.original('select')


def work(results):
    _time.sleep(0.01)
    results.append("worked")


def main():
    results = []
    thread = patcher.original('threading').Thread(target=work, args=(results,))
    thread.start()
    thread.join()
    print(results)
    print("select has poll:", hasattr(select, "select"))
    print("sleep is time.sleep:", _time.sleep.__module__)


if __name__ == "__main__":
    main()
