"""Print a folder as a tree, the way the `tree` command does."""

from pathlib import Path

SKIPPED = {"__pycache__", "db.sqlite3", "staticfiles"}


def print_tree(folder, prefix="", *, opened=None):
    """Print what is in `folder`, folders first, then files, each sorted by name.

    Each folder's content is printed below it, or only "..." when `opened` is a set of
    relative paths that does not name it. Hidden files and caches are left out.
    """
    root = Path(folder)
    _print(root, root, prefix, opened)


def _print(root, folder, prefix, opened):
    entries = sorted((p for p in folder.iterdir()
                      if p.name not in SKIPPED and not p.name.startswith(".")),
                     key=lambda p: (p.is_file(), p.name))
    for number, path in enumerate(entries):
        last = number == len(entries) - 1
        line = prefix + ("└── " if last else "├── ") + path.name
        if path.is_file():
            print(line)
        elif opened is None or path.relative_to(root).as_posix() in opened:
            print(line + "/")
            _print(root, path, prefix + ("    " if last else "│   "), opened)
        else:
            print(line + "/ ...")
