#!/usr/bin/env bash
# The sweep on a real Slurm: a one-node cluster from Debian's packages (munge, slurmctld,
# slurmd) with a minimal slurm.conf in a temporary folder, started here and stopped at exit.
#
# 1. plans examples/sweeps/quick.toml (8 shards) twice; runs one copy with
#    `sbatch --array=0-7 --wait deploy/slurm/sweep.sbatch`, the other in one process
#    (`plenum sweep run --all`); gathers both and checks the gathered files are bit-identical;
# 2. fault test: a third copy whose array task 5 is killed (scancel --signal=KILL) while
#    its shard runs; `plenum sweep status` must name shard 5 missing; re-submitting index 5
#    completes the sweep, the other shards' files are untouched, and the gathered results
#    are again bit-identical.
#
# Usage: .ci/slurm.sh [PATH_TO_PLENUM]   (default target/release/plenum)
# Without root, or without the packages and no apt-get, prints "SKIPPED: slurm not available"
# and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"
plenum="$(realpath "${1:-target/release/plenum}")"

skip() { echo "SKIPPED: slurm not available ($1)"; exit 0; }
[ "$(id -u)" = 0 ] || skip "needs root to start munged, slurmctld and slurmd"
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null || ! command -v sbatch >/dev/null; then
  command -v apt-get >/dev/null || skip "no slurm packages and no apt-get"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq -o DPkg::Lock::Timeout=600 munge slurmctld slurmd slurm-client >/dev/null; } \
    || skip "apt-get could not install munge slurmctld slurmd slurm-client"
fi
[ -x "$plenum" ] || { echo "no plenum binary at $plenum (build it first: cargo build --release -p plenum)"; exit 1; }

t_start=$(date +%s)
W="$(mktemp -d /tmp/plenum-slurm.XXXXXX)"
chmod 755 "$W"
started_munge=""
started=()
cleanup() {
  set +e
  if [ -n "${SLURM_CONF:-}" ] && [ -f "$W/slurmctld.pid" ]; then
    scancel --quiet --user=root 2>/dev/null
  fi
  for p in "$W/slurmd.pid" "$W/slurmctld.pid"; do
    [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null
  done
  for pid in "${started[@]}"; do kill "$pid" 2>/dev/null; done
  if [ -n "$started_munge" ]; then kill "$started_munge" 2>/dev/null; fi
  sleep 1
  for p in "$W/slurmd.pid" "$W/slurmctld.pid"; do
    [ -f "$p" ] && kill -9 "$(cat "$p")" 2>/dev/null
  done
  rm -rf "$W"
}
trap cleanup EXIT

echo "== slurm: $(slurmctld -V)"
# munge: start one unless one answers already.
if ! munge -n </dev/null >/dev/null 2>&1; then
  [ -s /etc/munge/munge.key ] || { mungekey --create --keyfile=/etc/munge/munge.key 2>/dev/null || dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none; }
  chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
  mkdir -p /run/munge /var/log/munge /var/lib/munge && chown munge:munge /run/munge /var/log/munge /var/lib/munge
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 50); do munge -n </dev/null >/dev/null 2>&1 && break; sleep 0.1; done
  started_munge="$(cat /run/munge/munged.pid 2>/dev/null || true)"
  munge -n </dev/null >/dev/null 2>&1 || skip "munged did not start"
fi

host="$(hostname -s)"
cpus="$(nproc)"
mem="$(awk '/MemTotal/ {print int($2 / 1024 * 0.8)}' /proc/meminfo)"
mkdir -p "$W/state" "$W/spool" "$W/out"
cat > "$W/slurm.conf" <<CONF
ClusterName=plenumci
SlurmctldHost=$host
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$W/state
SlurmdSpoolDir=$W/spool
SlurmctldPidFile=$W/slurmctld.pid
SlurmdPidFile=$W/slurmd.pid
SlurmctldLogFile=$W/slurmctld.log
SlurmdLogFile=$W/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
MaxArraySize=1001
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=ci Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$W/slurm.conf"
slurmctld -f "$SLURM_CONF" -i || skip "slurmctld did not start: $(tail -3 "$W/slurmctld.log" 2>/dev/null)"
slurmd -f "$SLURM_CONF" -N "$host" || skip "slurmd did not start: $(tail -3 "$W/slurmd.log" 2>/dev/null)"
for _ in $(seq 60); do
  [[ "$(sinfo -h -o %T 2>/dev/null)" == idle* ]] && break
  sleep 0.5
done
[[ "$(sinfo -h -o %T)" == idle* ]] || { sinfo; tail -20 "$W/slurmctld.log" "$W/slurmd.log"; echo "FAIL: the node did not come up"; exit 1; }
echo "== one-node cluster up ($host, $cpus CPUs) in $(( $(date +%s) - t_start )) s"

spec="$repo/examples/sweeps/quick.toml"
submit() { # DIR ARRAY → job id; waits for the array to end
  PLENUM="$plenum" sbatch --parsable --wait --array="$2" --cpus-per-task=1 --mem-per-cpu=500M \
    --output="$W/out/%A_%a.out" "$repo/deploy/slurm/sweep.sbatch" "$1"
}
same() { # two gathered folders hold the same bytes
  (cd "$1/gathered" && sha256sum -c --quiet SHA256SUMS) && (cd "$2/gathered" && sha256sum -c --quiet SHA256SUMS) &&
    cmp "$1/gathered/SHA256SUMS" "$2/gathered/SHA256SUMS" &&
    for f in $(cd "$1/shards" && ls *.parquet); do cmp "$1/shards/$f" "$2/shards/$f" || return 1; done
}

echo "== one process"
"$plenum" sweep plan "$spec" --out "$W/one" >/dev/null
"$plenum" sweep run "$W/one" --all >/dev/null
"$plenum" sweep gather "$W/one"

echo "== sbatch --array=0-7 --wait"
"$plenum" sweep plan "$spec" --out "$W/arr" >/dev/null
t0=$(date +%s)
job=$(submit "$W/arr" 0-7) || { cat "$W"/out/*.out; echo "FAIL: the array job failed"; exit 1; }
echo "array job $job done in $(( $(date +%s) - t0 )) s"
"$plenum" sweep status "$W/arr" | tee "$W/status.txt"
grep -q '^done: 8/8' "$W/status.txt" || { echo "FAIL: not every shard is done"; exit 1; }
"$plenum" sweep gather "$W/arr"
if same "$W/arr" "$W/one"; then
  echo "bit-identical: the Slurm array's gathered results and shards equal the one-process run's ($(wc -l < "$W/one/gathered/SHA256SUMS") files)"
else
  echo "FAIL: gathered results differ between the Slurm array and the one-process run"; exit 1
fi

echo "== fault test: kill array task 5 while it runs"
"$plenum" sweep plan "$spec" --out "$W/flt" >/dev/null
# Task 5 starts its shard, then stops (SIGSTOP) so that it is still running when killed.
cat > "$W/faulty.sh" <<SH
#!/bin/bash
if [ "\$SLURM_ARRAY_TASK_ID" = 5 ]; then
  "$plenum" "\$@" & pid=\$!
  for _ in \$(seq 100); do [ -e "$W/flt/shards/shard-00005.started.json" ] && break; sleep 0.05; done
  kill -STOP \$pid
  touch "$W/task5.running"
  wait \$pid
else
  exec "$plenum" "\$@"
fi
SH
chmod +x "$W/faulty.sh"
PLENUM="$W/faulty.sh" sbatch --parsable --array=0-7 --cpus-per-task=1 --mem-per-cpu=500M \
  --output="$W/out/%A_%a.out" "$repo/deploy/slurm/sweep.sbatch" "$W/flt" > "$W/fjob"
fjob=$(cat "$W/fjob")
for _ in $(seq 600); do [ -e "$W/task5.running" ] && break; sleep 0.1; done
[ -e "$W/task5.running" ] || { echo "FAIL: task 5 never ran"; exit 1; }
scancel --signal=KILL --full "${fjob}_5"
for _ in $(seq 600); do [ -z "$(squeue -h -j "$fjob" 2>/dev/null)" ] && break; sleep 0.2; done
"$plenum" sweep status "$W/flt" | tee "$W/status.txt"
grep -q '^missing: 5$' "$W/status.txt" || { echo "FAIL: status does not name shard 5 (alone) missing"; exit 1; }
if "$plenum" sweep gather "$W/flt" 2>"$W/gather.err"; then echo "FAIL: gather accepted an incomplete sweep"; exit 1; fi
grep -q 'missing: 5' "$W/gather.err" || { cat "$W/gather.err"; echo "FAIL: gather did not name shard 5"; exit 1; }
before=$(cd "$W/flt/shards" && stat -c '%n %i %Y' shard-0000[0-46-7].* | sort)
sleep 1
submit "$W/flt" 5 >/dev/null || { cat "$W"/out/*_5.out; echo "FAIL: re-submitting index 5 failed"; exit 1; }
after=$(cd "$W/flt/shards" && stat -c '%n %i %Y' shard-0000[0-46-7].* | sort)
[ "$before" = "$after" ] || { echo "FAIL: re-submitting index 5 touched other shards"; exit 1; }
# Captured first: with pipefail, `| grep -q` closing the pipe early would fail the check.
"$plenum" sweep status "$W/flt" > "$W/status-after.txt"
grep -q '^done: 8/8' "$W/status-after.txt" || { cat "$W/status-after.txt"; echo "FAIL: the sweep is not complete after re-submitting 5"; exit 1; }
"$plenum" sweep gather "$W/flt"
same "$W/flt" "$W/one" || { echo "FAIL: the recovered sweep differs from the one-process run"; exit 1; }
echo "fault test: task 5 killed, named missing, re-submitted alone; other shards untouched; gathered results bit-identical"
echo "== slurm test passed in $(( $(date +%s) - t_start )) s"
