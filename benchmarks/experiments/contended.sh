#!/usr/bin/env bash
# Experiment: a benchmark run on a machine made slower on purpose.
#
# The XL targets were met in fast hours of the shared 2-core machine and missed in a slow
# one, which came and went on its own. N busy loops run beside the command. Under Linux's
# autogroup scheduling (/proc/sys/kernel/sched_autogroup_enabled = 1) each run of
# `iop-roster bench` is a child in a session of its own, so the loops, however many, take
# about half the cores from it: its two workers share about one core, while a single
# thread (the model build) still gets a whole one. The benchmark's speed probe runs in the
# parent's session, beside the loops, and reads slower than what the runs saw.
#
# Run: benchmarks/experiments/contended.sh 2 .venv/bin/iop-roster bench --suite XL --peers cpsat \
#          --time-limit 300 --workers 2 --seed 0 -o benchmarks/results/session-18/XL-300-contended
set -euo pipefail
loops=$1
shift
pids=()
for _ in $(seq "$loops"); do
    python3 -c "while True: pass" &
    pids+=($!)
done
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
"$@"
