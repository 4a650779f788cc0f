#!/usr/bin/env bash
# Self-test of huey-array.sbatch on a private one-node SLURM: 3 shards + merge == one unsharded batch.
#
# Usage:  HUEY=path/to/huey scripts/slurm/selftest.sh [INPUT_DIR] [-- HUEY_BATCH_OPTION…]
#
#   HUEY        the binary to test (default: target/release/huey of this checkout, else huey on PATH)
#   INPUT_DIR   conversations to use; without it, seven are made with `$HUEY synth`
#   -- OPTION…  passed to both the sharded and the unsharded `huey batch`
#
# Unless told to use an existing cluster, it needs root (or sudo) and, where `sbatch`, slurmctld,
# slurmd or munged is missing, Debian/Ubuntu's apt: it installs slurmctld, slurmd, slurm-client
# and munge, then runs its own munged, slurmctld and slurmd from /tmp/huey-slurm-selftest-cluster
# with their own key, socket, ports and slurm.conf (SLURM_CONF points the client commands at it),
# so nothing in /etc is read or changed and a machine's real SLURM or munge, if any, is left
# alone. The daemons are stopped on exit. No systemd is needed (containers have none).
#
# Environment (all optional):
#   HUEY_SLURM_SELFTEST_DIR      working folder for inputs, outputs and job logs (default
#                                ${TMPDIR:-/tmp}/huey-slurm-selftest); emptied at the start
#   HUEY_SLURM_SELFTEST_TIMEOUT  seconds to wait for the jobs (default 300)
#   HUEY_SLURM_SELFTEST_PORT     slurmctld's port; slurmd takes the next one (default 16817)
#   HUEY_SLURM_SELFTEST_KEEP=1   leave the daemons running afterwards (then: export SLURM_CONF=…)
#   HUEY_SLURM_SELFTEST_EXISTING=1
#                                skip all setup and submit to the cluster this user already has
#                                (no root needed); HUEY_SLURM_SELFTEST_DIR must then be on a file
#                                system the compute nodes share, and SBATCH_* variables apply
#
# Prints "selftest: PASS" and exits 0, or "selftest: FAIL: why" with the job logs, and exits 1.
# Running it again is fine: it stops what a previous run left behind and starts afresh.
set -euo pipefail
export LC_ALL=C

repo="$(cd "$(dirname "$0")/../.." && pwd)"
sbatch_script="$repo/scripts/slurm/huey-array.sbatch"
top="${HUEY_SLURM_SELFTEST_DIR:-${TMPDIR:-/tmp}/huey-slurm-selftest}"
work="$top/work dir"          # a space on purpose: every path the jobs see has one
# The daemons' folder is root's, whoever runs this: munged refuses a socket, key or seed file
# below a folder that another user owns or can write to (a sticky /tmp is allowed).
cluster=/tmp/huey-slurm-selftest-cluster
sudo=()
timeout="${HUEY_SLURM_SELFTEST_TIMEOUT:-300}"
port="${HUEY_SLURM_SELFTEST_PORT:-16817}"
existing="${HUEY_SLURM_SELFTEST_EXISTING:-0}"
keep="${HUEY_SLURM_SELFTEST_KEEP:-0}"
started=$SECONDS

say() { echo "selftest: $*"; }
fail() { say "FAIL: $*"; show_logs; exit 1; }
show_logs() {
  local f
  for f in "$work"/logs/*.out; do
    [ -e "$f" ] || continue
    echo "----- $f"; cat "$f"
  done
  if [ "$existing" != 1 ] && [ -d "$cluster/log" ]; then
    for f in munged slurmctld slurmd; do
      echo "----- $cluster/log/$f.log (last 20 lines)"; "${sudo[@]}" tail -n 20 "$cluster/log/$f.log" || true
    done
  fi
}

# Cancel this test's jobs (array and merge) and wait, up to 30 s, for them to leave the queue.
cancel_jobs() {
  # scancel takes one name, unlike squeue; the merge first, so it cannot start in between.
  scancel --name="$name-merge" 2> /dev/null || true
  scancel --name="$name" 2> /dev/null || return 0
  for _ in $(seq 60); do
    [ -n "$(squeue -h -n "$name,$name-merge" -o %i 2> /dev/null)" ] || return 0
    sleep 0.5
  done
}

# --- arguments ------------------------------------------------------------------------------------
input_dir=""
if [ $# -gt 0 ] && [ "$1" != "--" ]; then input_dir="$(cd "$1" && pwd)"; shift; fi
if [ $# -gt 0 ]; then
  [ "$1" = "--" ] || { echo "usage: $0 [INPUT_DIR] [-- HUEY_BATCH_OPTION…]" >&2; exit 2; }
  shift
fi
options=("$@")

if [ -n "${HUEY:-}" ]; then huey="$HUEY"
elif [ -x "$repo/target/release/huey" ]; then huey="$repo/target/release/huey"
else huey=huey
fi
# The jobs run elsewhere (--chdir=/ below), so a relative path would not reach them.
case "$huey" in */*) huey="$(cd "$(dirname "$huey")" && pwd)/$(basename "$huey")" ;; esac
command -v "$huey" > /dev/null || { say "FAIL: huey binary not found: '$huey' (set HUEY)"; exit 1; }
export HUEY="$huey"

# --- private cluster ------------------------------------------------------------------------------
if [ "$existing" != 1 ]; then
  if [ "$(id -u)" -eq 0 ]; then sudo=()
  elif command -v sudo > /dev/null; then sudo=(sudo)
  else say "FAIL: needs root or sudo to run slurmd (or HUEY_SLURM_SELFTEST_EXISTING=1)"; exit 1
  fi

  missing=0
  for c in sbatch squeue scontrol sinfo slurmctld slurmd munged mungekey; do
    PATH="$PATH:/usr/sbin:/sbin" command -v "$c" > /dev/null || missing=1
  done
  if [ "$missing" = 1 ]; then
    command -v apt-get > /dev/null || { say "FAIL: SLURM is not installed and there is no apt-get"; exit 1; }
    say "installing slurmctld slurmd slurm-client munge (apt)"
    # --no-install-recommends: the recommends pull in mail and documentation, none needed here.
    # Package scripts try to start the services; without systemd or with no slurm.conf in /etc
    # that just fails quietly, which is fine: this script starts its own daemons.
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      slurmctld slurmd slurm-client munge > /dev/null
  fi
  export PATH="$PATH:/usr/sbin:/sbin"

  # Stop what a previous (killed, or HUEY_SLURM_SELFTEST_KEEP) run left, by its own pid files,
  # checking the process is still that daemon so a reused pid is never hit. All at once: each
  # takes about 2 s to wind down. SIGKILL only what ignores SIGTERM for 10 s.
  stop_daemons() {
    local d pid pids=()
    for d in slurmd slurmctld munged; do
      pid="$("${sudo[@]}" cat "$cluster/run/$d.pid" 2> /dev/null || true)"
      if [ -n "$pid" ] && [ "$(ps -o comm= -p "$pid" 2> /dev/null)" = "$d" ]; then pids+=("$pid"); fi
    done
    [ "${#pids[@]}" -gt 0 ] || return 0
    "${sudo[@]}" kill "${pids[@]}" 2> /dev/null || true
    for _ in $(seq 100); do ps -p "$(IFS=,; echo "${pids[*]}")" > /dev/null || return 0; sleep 0.1; done
    "${sudo[@]}" kill -KILL "${pids[@]}" 2> /dev/null || true
  }
  stop_daemons

  # slurmd refuses a port already taken, and says so only in its log; say it here.
  for p in "$port" $(( port + 1 )); do
    if (exec 3<> "/dev/tcp/127.0.0.1/$p") 2> /dev/null; then
      say "FAIL: port $p is in use (set HUEY_SLURM_SELFTEST_PORT)"; exit 1
    fi
  done

  # Everything but the munge key is rebuilt, so no job or node state survives from a former run.
  "${sudo[@]}" mkdir -p "$cluster/munge"
  "${sudo[@]}" find "$cluster" -mindepth 1 -maxdepth 1 ! -name munge -exec rm -rf {} +
  "${sudo[@]}" mkdir -p "$cluster/run" "$cluster/log" "$cluster/state" "$cluster/spool"
  # munged's checks: the key's folder private, the socket's folder searchable by everyone.
  "${sudo[@]}" chmod 700 "$cluster/munge"
  "${sudo[@]}" chmod 755 "$cluster" "$cluster/run"
  if ! "${sudo[@]}" test -s "$cluster/munge/munge.key"; then
    "${sudo[@]}" mungekey --create --keyfile="$cluster/munge/munge.key"
  fi

  # slurmd names itself after the short host name; the node line must use the same name.
  node="$(hostname -s 2> /dev/null || uname -n)"; node="${node%%.*}"
  cpus="$(nproc)"
  # 90% of MemTotal: a node configured with more memory than slurmd measures is drained.
  mem=$(( $(awk '/^MemTotal:/ { print $2 }' /proc/meminfo) * 9 / 10 / 1024 ))
  conf="$cluster/slurm.conf"
  "${sudo[@]}" tee "$conf" > /dev/null << EOF
# Written by scripts/slurm/selftest.sh: one node that is also the controller, no accounting.
ClusterName=hueyselftest
# 127.0.0.1 rather than the host name: containers often cannot resolve their own name.
SlurmctldHost=$node(127.0.0.1)
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=selftest Nodes=$node Default=YES MaxTime=INFINITE State=UP
SlurmctldPort=$port
SlurmdPort=$(( port + 1 ))
# Our own munged socket, so a system munged with another key does not matter.
AuthType=auth/munge
AuthInfo=socket=$cluster/run/munge.socket
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$cluster/state
SlurmdSpoolDir=$cluster/spool
SlurmctldPidFile=$cluster/run/slurmctld.pid
SlurmdPidFile=$cluster/run/slurmd.pid
SlurmctldLogFile=$cluster/log/slurmctld.log
SlurmdLogFile=$cluster/log/slurmd.log
# No cgroups: inside a container the cgroup tree is usually read-only or not delegated.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
# Allocate single CPUs, memory not tracked: the array tasks ask for CPUs only.
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
# Trust the node line over what slurmd measures (containers report odd topologies), and let the
# node come back by itself once slurmd registers.
SlurmdParameters=config_overrides
ReturnToService=2
# Finished jobs stay visible to scontrol this long: with no slurmdbd, sacct cannot tell their state.
MinJobAge=3600
# A cancelled job gets SIGKILL 5 s after SIGTERM (default 30), so an interrupted test ends quickly.
KillWait=5
MpiDefault=none
MailProg=/bin/true
EOF

  # The test must talk to this cluster only, whatever the caller's shell or an enclosing job set.
  while IFS= read -r v; do unset "$v"; done < <(compgen -e | grep -E '^(SLURM|SBATCH|SALLOC|SRUN)_' || true)
  export SLURM_CONF="$conf"

  name="huey-selftest"
  cleanup() {
    local rc=$?
    if [ "$keep" = 1 ]; then
      say "daemons left running; use them with: export SLURM_CONF='$conf'"
    else
      # A job's slurmstepd outlives slurmd and then hangs on, trying to reach it: so cancel the
      # jobs and let slurmd see them end before stopping the daemons.
      cancel_jobs
      stop_daemons
    fi
    exit "$rc"
  }
  trap cleanup EXIT
  trap 'exit 130' INT TERM

  # Daemons get no terminal: their inherited stdout would keep a pipe (selftest.sh | tee) open.
  "${sudo[@]}" munged --socket="$cluster/run/munge.socket" --key-file="$cluster/munge/munge.key" \
    --pid-file="$cluster/run/munged.pid" --seed-file="$cluster/munge/munged.seed" \
    --log-file="$cluster/log/munged.log" < /dev/null > /dev/null 2>&1 ||
    fail "munged did not start"
  # slurmctld exits at once if it cannot reach munged, so wait until a credential round-trips.
  munge_ok=0
  for _ in $(seq 50); do
    if munge -n -S "$cluster/run/munge.socket" 2> /dev/null |
      unmunge -S "$cluster/run/munge.socket" > /dev/null 2>&1; then munge_ok=1; break; fi
    sleep 0.1
  done
  [ "$munge_ok" = 1 ] || fail "munged does not answer on $cluster/run/munge.socket"
  # -c: start with no saved jobs (the state folder is new anyway).
  "${sudo[@]}" env SLURM_CONF="$conf" slurmctld -c -f "$conf" < /dev/null > /dev/null 2>&1 ||
    fail "slurmctld did not start"
  "${sudo[@]}" env SLURM_CONF="$conf" slurmd -f "$conf" -N "$node" < /dev/null > /dev/null 2>&1 ||
    fail "slurmd did not start"

  say "waiting for node $node ($cpus CPUs, ${mem} MB) to be idle"
  state=""
  for _ in $(seq 120); do
    state="$(sinfo -h -n "$node" -o %T 2> /dev/null || true)"
    [ "$state" = idle ] && break
    sleep 0.5
  done
  [ "$state" = idle ] || { scontrol show node "$node" || true; fail "node $node is '$state', not idle"; }
else
  name="huey-selftest-$$"   # several users may run it at once there
  command -v sbatch > /dev/null || { say "FAIL: HUEY_SLURM_SELFTEST_EXISTING=1 but no sbatch"; exit 1; }
  # An interrupted or failed test leaves nothing queued on a shared cluster.
  trap 'rc=$?; [ "$rc" -eq 0 ] || cancel_jobs; exit "$rc"' EXIT
  trap 'exit 130' INT TERM
fi

# --- the test -------------------------------------------------------------------------------------
rm -rf "$work"
mkdir -p "$work/logs"
inputs="$work/in put"
if [ -n "$input_dir" ]; then
  inputs="$input_dir"
else
  mkdir -p "$inputs"
  for i in 1 2 3 4 5 6 7; do
    "$HUEY" synth "$inputs/conversation $i.txt" --words 2000 --seed "$i" > /dev/null
  done
fi

# Relative OUT_DIR and INPUT with --chdir=/: the script must resolve them from the submit folder.
cd "$work"
rel_inputs="$inputs"; [ -n "$input_dir" ] || rel_inputs="in put"
array_id="$(sbatch --parsable --array=1-3 --job-name="$name" --chdir=/ \
  --output="$work/logs/%x-%A_%a.out" "$sbatch_script" "sharded out" "$rel_inputs" -- "${options[@]}")" ||
  fail "sbatch refused the array"
array_id="${array_id%%;*}"
say "array job $array_id submitted (3 tasks; timeout ${timeout}s)"

# Wait until neither the array nor its merge is queued or running. The first task submits the
# merge before it works, so the merge is in the queue before the array can be gone from it.
deadline=$(( SECONDS + timeout ))
while [ -n "$(squeue -h -n "$name,$name-merge" -o %i 2> /dev/null)" ]; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    squeue -n "$name,$name-merge" || true
    fail "jobs still queued or running after ${timeout}s"
  fi
  sleep 1
done

# With no accounting database sacct knows nothing; scontrol keeps finished jobs for MinJobAge.
jobs="$(scontrol -o show job 2> /dev/null | grep -E "JobName=$name(-merge)? " || true)"
tasks="$(grep -c "ArrayJobId=$array_id " <<< "$jobs" || true)"
[ "$tasks" -eq 3 ] || fail "expected 3 array tasks, scontrol shows $tasks"
merge_line="$(grep "JobName=$name-merge " <<< "$jobs" || true)"
[ -n "$merge_line" ] || fail "no merge job was submitted"
bad=()
while IFS= read -r line; do
  # Array tasks by their A_i name (their own JobId means nothing to the reader), the merge by id.
  if [[ "$line" =~ ArrayJobId=([0-9]+)\ ArrayTaskId=([0-9]+) ]]; then
    jid="${BASH_REMATCH[1]}_${BASH_REMATCH[2]}"
  else
    jid="merge $(sed -E 's/^JobId=([0-9]+) .*/\1/' <<< "$line")"
  fi
  st="$(sed -E 's/.* JobState=([A-Z_]+) .*/\1/' <<< "$line")"
  ex="$(sed -E 's/.* ExitCode=([0-9:]+) .*/\1/' <<< "$line")"
  [ "$st" = COMPLETED ] && [ "$ex" = 0:0 ] || bad+=("$jid $st (exit $ex)")
done <<< "$jobs"
if [ "${#bad[@]}" -gt 0 ]; then why="$(printf '%s; ' "${bad[@]}")"; fail "jobs that did not succeed: ${why%; }"; fi
say "array and merge jobs completed"

merged="$work/sharded out/merged"
[ -s "$merged/summary.csv" ] || fail "no $merged/summary.csv"
"$HUEY" batch "$inputs" --out "$work/unsharded" "${options[@]}" > "$work/logs/unsharded.out" 2>&1 ||
  fail "the unsharded huey batch failed"
if ! cmp "$merged/summary.csv" "$work/unsharded/summary.csv"; then
  diff "$merged/summary.csv" "$work/unsharded/summary.csv" || true
  fail "merged summary.csv differs from the unsharded one"
fi
# The same reports, by name (their contents may hold run details such as times).
diff <(cd "$merged/reports" && ls) <(cd "$work/unsharded/reports" && ls) ||
  fail "merged reports/ holds other files than the unsharded one"
rows=$(( $(wc -l < "$merged/summary.csv") - 1 ))
say "PASS ($rows conversations in 3 shards, merged == unsharded; $(( SECONDS - started )) s)"
