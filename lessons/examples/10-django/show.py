"""Print an error or a query's SQL wrapped to fit the page."""

import textwrap


def show_error(error):
    """Print an error as the last line of its traceback shows it: `ErrorType: message`."""
    text = f"{type(error).__name__}: {error}"
    print("\n".join(textwrap.fill(line, 88, subsequent_indent="    ")
                    for line in text.splitlines()))


def show_sql(query):
    """Print the SQL that a QuerySet's `.query` stands for."""
    print(textwrap.fill(str(query), 88, subsequent_indent="    "))
