"""The benchmark suite behind `make bench`: measured, not claimed.

Each benchmark is one module with a `run(mode) -> dict` function (ingestion, queries,
grading, simulation, feedback); `bench.run` calls them in order, writes each result to
`bench/results/<name>.json`, and `bench.report` turns the results into one markdown table,
a rich table on the terminal and two PNG plots.
"""
