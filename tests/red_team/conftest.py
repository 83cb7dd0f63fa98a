# The submissions here cheat on purpose (fork bombs, forged results, …): they
# are data for tests/test_red_team.py, never notebooks for nbval to run.
collect_ignore_glob = ["submissions/*", "make_red_team.py"]
