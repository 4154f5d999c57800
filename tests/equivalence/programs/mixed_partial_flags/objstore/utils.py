from eventlet import patcher


def eventlet_monkey_patch():
    patcher.monkey_patch(all=False, socket=True, select=True, thread=True)


def monkey_patch():
    eventlet_monkey_patch()
