"""Exercise 1: the waits of a back-off that doubles, with a longest wait."""


def waits(tries, first=0.5, longest=5.0):
    """The waits between `tries` attempts: doubling from first, up to longest."""
    result = []
    wait = first
    for _ in range(tries - 1):  # no wait after the last attempt
        result.append(wait)
        wait = min(wait * 2, longest)
    return result


print(waits(7))
print("in all:", sum(waits(7)), "s")
