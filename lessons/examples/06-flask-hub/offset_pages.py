"""Why the hub pages with a cursor, not an offset: a new reading arrives between two pages."""

readings = [50, 40, 30, 20, 10]  # newest first: reading 50 is the newest
page_size = 2

first_page = readings[0:page_size]
print("page 1:          ", first_page)

readings.insert(0, 60)  # a new reading arrives while you read page 1

by_offset = readings[page_size : 2 * page_size]  # "skip 2, take 2"
print("page 2 by offset:", by_offset, "<- 50 again")

last_shown = first_page[-1]
by_cursor = [r for r in readings if r < last_shown][:page_size]  # "older than 40, take 2"
print("page 2 by cursor:", by_cursor)
