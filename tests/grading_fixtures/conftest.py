# The submissions here are hostile on purpose (infinite loops, os._exit, …): they are data
# for tests/test_grading.py, never notebooks for nbval to run.
collect_ignore_glob = ["submissions/*", "make_fixtures.py"]
