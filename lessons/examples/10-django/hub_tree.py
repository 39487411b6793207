"""The files of the Django hub, starter/django: the project, the app and their migrations."""

from tree import print_tree

print("starter/django/")
print_tree("starter/django", opened={"config", "config/settings", "hub", "hub/migrations"})
