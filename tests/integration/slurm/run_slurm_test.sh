#!/usr/bin/env bash
# Integration test of `dipsim sweep --slurm` against a real, single-node Slurm cluster started on
# this machine: munged, slurmctld and slurmd run from a scratch folder with their own key, sockets,
# ports and a minimal slurm.conf written here (nothing in /etc is used or changed). The generated
# job array and collect job are submitted with the generated submit.sh; when they are done the
# index must list every run complete and equal the index of the same sweep run locally.
#
# Usage:  tests/integration/slurm/run_slurm_test.sh          (DIPSIM=path/to/dipsim to choose it)
#         KEEP=1 ... keeps the scratch folder (logs, configs, sweep) for inspection.
# Needs:  root (slurmd starts jobs as their user), Debian packages slurm-wlm and munge (listed in
#         scripts/setup.sh), /usr/bin/python3 with h5py and pandas.
# Exit:   0 passed, 1 failed, 77 skipped: Slurm cannot run here (not installed, not root, or the
#         daemons do not come up: no systemd is needed, but e.g. a container may forbid what
#         slurmd needs); the reason and the daemons' logs are printed. A skip is not a pass.
set -uo pipefail

SKIP=77
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
DIPSIM=${DIPSIM:-$ROOT/build/release/bin/dipsim}
PY=/usr/bin/python3
WORK=$(mktemp -d /tmp/dipsim-slurm.XXXXXX)
chmod 755 "$WORK"
PIDS=()

log() { echo "slurm-test: $*"; }
show_logs() {
  for f in "$WORK"/munged.log "$WORK"/slurmctld.log "$WORK"/slurmd.log; do
    [ -s "$f" ] && { echo "---- last lines of $f"; tail -n 25 "$f"; }
  done
  return 0
}
skip() { echo "SKIPPED (exit $SKIP): $*" >&2; show_logs >&2; exit $SKIP; }
fail() { echo "FAILED: $*" >&2; show_logs >&2; exit 1; }
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  sleep 0.5
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null; done
  if [ "${KEEP:-0}" = 1 ]; then echo "slurm-test: kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# ---- What is needed -------------------------------------------------------------------------
for tool in munged slurmctld slurmd sbatch squeue sinfo scontrol; do
  command -v "$tool" >/dev/null 2>&1 ||
    skip "$tool not found: install the Debian packages slurm-wlm and munge (scripts/setup.sh)"
done
[ "$(id -u)" -eq 0 ] || skip "must run as root (slurmd starts jobs as the submitting user)"
[ -x "$DIPSIM" ] || fail "dipsim binary not found at $DIPSIM (build it, or set DIPSIM)"
"$DIPSIM" sweep --help >/dev/null 2>&1 || fail "$DIPSIM has no sweep command"
$PY -c "import h5py, pandas" 2>/dev/null || fail "$PY lacks h5py or pandas (scripts/setup.sh)"

# Free TCP ports for slurmctld and slurmd.
read -r CTLD_PORT SLURMD_PORT < <($PY - <<'EOF'
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))
EOF
)
HOST=$(hostname -s)
CPUS=$(nproc)

# ---- munge ------------------------------------------------------------------------------------
mkdir -p "$WORK/munge"
chmod 700 "$WORK/munge"
dd if=/dev/urandom of="$WORK/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$WORK/munge/munge.key"
MUNGE_SOCKET=$WORK/munge/munge.socket
# --force: munged otherwise refuses to run as root and a key below the world-writable /tmp.
munged --force --key-file="$WORK/munge/munge.key" --socket="$MUNGE_SOCKET" \
  --pid-file="$WORK/munge/munged.pid" --log-file="$WORK/munged.log" \
  --seed-file="$WORK/munge/munged.seed" >>"$WORK/munged.log" 2>&1 ||
  skip "munged did not start"
for _ in $(seq 50); do [ -S "$MUNGE_SOCKET" ] && break; sleep 0.1; done
[ -S "$MUNGE_SOCKET" ] || skip "munged did not open its socket"
PIDS+=("$(cat "$WORK/munge/munged.pid")")
munge --socket="$MUNGE_SOCKET" -n </dev/null | unmunge --socket="$MUNGE_SOCKET" >/dev/null 2>&1 ||
  skip "munge cannot encode and decode a credential"
log "munged up ($MUNGE_SOCKET)"

# ---- slurm.conf -------------------------------------------------------------------------------
mkdir -p "$WORK/state" "$WORK/spool"
export SLURM_CONF=$WORK/slurm.conf
cat >"$SLURM_CONF" <<EOF
# Minimal single-node cluster for dipsim's integration test (written by run_slurm_test.sh).
ClusterName=dipsimtest
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$MUNGE_SOCKET
CredType=cred/munge
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/slurmctld.log
SlurmdLogFile=$WORK/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups, no accounting, no systemd: plain process tracking works in containers.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
MinJobAge=300
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF

# ---- daemons ----------------------------------------------------------------------------------
slurmctld -D -c -i -f "$SLURM_CONF" >>"$WORK/slurmctld.log" 2>&1 &
PIDS+=($!)
slurmd -D -f "$SLURM_CONF" -N "$HOST" >>"$WORK/slurmd.log" 2>&1 &
PIDS+=($!)
state=""
for _ in $(seq 60); do
  state=$(sinfo -h -n "$HOST" -o %t 2>/dev/null | head -n 1)
  [ "$state" = idle ] && break
  for pid in "${PIDS[@]}"; do
    kill -0 "$pid" 2>/dev/null || skip "a Slurm daemon exited at start (pid $pid)"
  done
  sleep 1
done
[ "$state" = idle ] || skip "the node did not become idle within 60 s (state: '${state:-none}')"
log "slurmctld (port $CTLD_PORT) and slurmd (port $SLURMD_PORT) up; node $HOST idle"

# ---- the sweep ---------------------------------------------------------------------------------
cat >"$WORK/sweep.yaml" <<EOF
name: slurm_test
scenario: $ROOT/tests/python/data/small.yaml
seed: 5
overrides:
  citizens.count: 300
  run.steps: 24
  run.snapshot_steps: []
  run.snapshot_every: 0
parameters:
  states[0].posts_per_day: [2, 8, 16]
arms:
  base: {}
  no_beta: {states.1.posts_per_day: 0}
replicates: 2
summaries:
  - name: attitude
    metric: mean_attitude
    state: Alpha
EOF
RUNS=12
OUT=$WORK/sweeps/slurm_test
"$DIPSIM" sweep "$WORK/sweep.yaml" -o "$OUT" --slurm --partition debug --time 00:05:00 \
  --cpus 1 --array-parallel "$CPUS" --shards 4 || fail "dipsim sweep --slurm failed"
submitted=$(bash "$OUT/submit.sh") || fail "submit.sh failed: $submitted"
log "$submitted"
array_job=$(echo "$submitted" | sed -n 's/.*job array \([0-9]*\).*/\1/p')
collect_job=$(echo "$submitted" | sed -n 's/.*collect job \([0-9]*\).*/\1/p')
[ -n "$array_job" ] && [ -n "$collect_job" ] || fail "cannot read the job ids from: $submitted"

deadline=$((SECONDS + 300))
while squeue -h -j "$array_job,$collect_job" 2>/dev/null | grep -q .; do
  [ $SECONDS -lt $deadline ] || fail "jobs still queued or running after 300 s: $(squeue -h)"
  sleep 1
done
for f in "$OUT"/slurm/*.out; do
  [ -s "$f" ] && { echo "---- $f"; cat "$f"; }
done

# ---- checks ------------------------------------------------------------------------------------
# Every array task and the collect job ended COMPLETED with exit code 0 (MinJobAge keeps them
# listed by scontrol for a while after they end; there is no accounting database here).
jobs=$(scontrol -o show job "$array_job"; scontrol -o show job "$collect_job")
echo "$jobs" | grep -o 'JobId=[0-9]* .*JobState=[A-Z_]*\|ExitCode=[0-9:]*' | paste - - | sed 's/ .*JobState=/ /'
n_ok=$(echo "$jobs" | grep -c 'JobState=COMPLETED .*ExitCode=0:0')
[ "$n_ok" -eq 5 ] || fail "expected 4 array tasks and the collect job COMPLETED with exit 0, got $n_ok"
tasks=$(ls "$OUT"/slurm/"${array_job}"_*.out 2>/dev/null | wc -l)
[ "$tasks" -eq 4 ] || fail "expected 4 array task logs, found $tasks"
[ -s "$OUT/slurm/collect_${collect_job}.out" ] || fail "the collect job left no log"
[ -f "$OUT/index.h5" ] || fail "no index.h5 after the jobs"
info=$("$DIPSIM" info "$OUT/index.h5" 2>&1) || fail "dipsim info on the index failed: $info"
echo "$info"
echo "$info" | grep -q "progress:    $RUNS/$RUNS complete" || fail "not every run is complete"

# The same sweep run locally gives the same table (wall time and host aside).
"$DIPSIM" sweep "$WORK/sweep.yaml" -o "$WORK/local" --quiet || fail "local sweep failed"
$PY - "$OUT/index.h5" "$WORK/local/index.h5" <<'EOF' || fail "Slurm and local indexes differ"
import sys
import h5py
import pandas as pd

def read(path):
    with h5py.File(path, "r") as f:
        cols = f["sweep/column"].asstr()[()]
        return pd.DataFrame({c: f[c].asstr()[()] if h5py.check_string_dtype(f[c].dtype)
                             else f[c][()] for c in cols})

a, b = read(sys.argv[1]), read(sys.argv[2])
cols = [c for c in a.columns if c not in ("wall_seconds", "host")]
pd.testing.assert_frame_equal(a[cols], b[cols])
print(f"slurm-test: index of {len(a)} runs equals the local sweep's")
EOF
log "PASSED"
exit 0
