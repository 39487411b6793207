"""homeapp: a small Django app with the hub's two main tables, Device and Reading."""
