# The shared helper of the event_two_caller_modules program.
SEEN = []


def ping(event, what):
    SEEN.append(what)
    event.send()
