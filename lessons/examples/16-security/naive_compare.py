"""Why == leaks a secret: it stops at the first character that differs."""

import hmac

SECRET = "s3cret-admin-token"


# --8<-- [start:naive]
def naive_equal(a, b):
    """Compare like == does: character by character, stopping at the first difference."""
    steps = 0
    for x, y in zip(a, b, strict=False):
        steps += 1
        if x != y:
            return False, steps
    return len(a) == len(b), steps


for guess in ["xxxxxxxxxxxxxxxxxx", "sxxxxxxxxxxxxxxxxx", "s3xxxxxxxxxxxxxxxx",
              "s3cret-xxxxxxxxxxx"]:
    equal, steps = naive_equal(guess, SECRET)
    print(f"{guess}  equal={equal}  characters compared: {steps}")
# --8<-- [end:naive]

# --8<-- [start:digest]
guess = "s3cret-xxxxxxxxxxx"
print(hmac.compare_digest(guess.encode(), SECRET.encode()))
print(hmac.compare_digest(SECRET.encode(), SECRET.encode()))
# --8<-- [end:digest]
