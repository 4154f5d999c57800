# Helper of the greenpile_across_modules program: spawns into the pile it is given.


def fill(pile, function, items):
    for item in items:
        pile.spawn(function, item)
