# The libFuzzer limits every fuzzing run uses (sourced by .ci/fuzz.sh and
# fuzz/long.sh, so that the CI runs and the long runs cannot drift apart):
# an input running over 10 s, an RSS or a single allocation over 2 GB is a
# finding; -max_len is above the seeds' size (a packed pymrio folder is
# ~150 kB).
FUZZ_LIMITS=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 -max_len=262144 -print_final_stats=1)
