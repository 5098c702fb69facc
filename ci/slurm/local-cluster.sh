#!/usr/bin/env bash
# local-cluster.sh: a one-node Slurm cluster on this machine, for trying the
# roster's Slurm scripts without a cluster (ci/tests/roster_slurm.sh uses it).
#
#   ci/slurm/local-cluster.sh start DIR    munged, slurmctld and slurmd on
#                                          localhost, everything under DIR
#   ci/slurm/local-cluster.sh stop DIR     stop them (the daemons DIR's pid
#                                          files name) and leave DIR
#
# Needs root and Debian's slurm-wlm and munge (ci/setup.sh installs them).
# The configuration is written to DIR (slurm.conf, gres.conf), with its own
# munge key and socket and two free TCP ports, so nothing of a real cluster
# is touched; point clients at it with SLURM_CONF=DIR/slurm.conf. The node
# has one GPU GRES whose device file is /dev/null: Slurm schedules it like a
# GPU (a task asking --gres=gpu:1 gets CUDA_VISIBLE_DEVICES=0) without one,
# so the grader then takes its no-GPU path. Partition: "gpu", the default.
set -euo pipefail

usage() { sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2; exit 2; }
[ $# -eq 2 ] || usage
cmd=$1
dir=$2

# free_port: a TCP port nothing listens on (from 20000 up, randomised)
free_port() {
    local p
    for _ in $(seq 50); do
        p=$((20000 + RANDOM % 20000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return
        fi
    done
    echo "local-cluster: no free TCP port found" >&2
    exit 1
}

# stop_pidfile FILE NAME: end the daemon FILE names, if that process is still
# NAME (a pid can be reused), and wait until it has gone
stop_pidfile() {
    local pid
    [ -f "$1" ] || return 0
    pid=$(cat "$1")
    [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ] || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.2
    done
    kill -KILL "$pid" 2>/dev/null || true
}

start() {
    [ "$(id -u)" -eq 0 ] || { echo "local-cluster: the daemons run as root; run this as root" >&2; exit 2; }
    for tool in munged slurmctld slurmd sbatch sinfo scontrol; do
        command -v "$tool" >/dev/null 2>&1 || { echo "local-cluster: $tool not found (install slurm-wlm and munge)" >&2; exit 2; }
    done
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd -P)
    mkdir -p "$dir/munge" "$dir/state" "$dir/spool" "$dir/log"
    chmod 0700 "$dir/munge"
    dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
    chmod 0400 "$dir/munge/munge.key"
    munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.sock" \
        --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/seed"
    for _ in $(seq 50); do [ -S "$dir/munge/munge.sock" ] && break; sleep 0.1; done

    local host ctld_port slurmd_port
    host=$(hostname -s)
    ctld_port=$(free_port)
    slurmd_port=$(free_port)
    cat >"$dir/slurm.conf" <<EOF
# a one-node cluster for tests (ci/slurm/local-cluster.sh)
ClusterName=roster-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.sock
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
GresTypes=gpu
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) Gres=gpu:1 State=UNKNOWN
PartitionName=gpu Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
    # a GPU GRES without a GPU: /dev/null stands for its device file
    echo "NodeName=$host Name=gpu File=/dev/null" >"$dir/gres.conf"
    export SLURM_CONF=$dir/slurm.conf
    slurmctld -i -f "$SLURM_CONF"
    slurmd -f "$SLURM_CONF"
    local state=''
    for _ in $(seq 100); do
        state=$(sinfo -h -o %T 2>/dev/null || true)
        case $state in
        idle*) break ;;
        drain* | inval* | down*) scontrol update nodename="$host" state=resume >/dev/null 2>&1 || true ;;
        esac
        sleep 0.3
    done
    if [[ $state != idle* ]]; then
        echo "local-cluster: the node did not come up (state '$state'); logs in $dir/log" >&2
        tail -n 5 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" >&2 || true
        exit 1
    fi
    echo "local-cluster: up; export SLURM_CONF=$SLURM_CONF"
}

stop() {
    [ -d "$dir" ] || return 0
    if [ -f "$dir/slurm.conf" ]; then
        SLURM_CONF=$dir/slurm.conf scontrol shutdown >/dev/null 2>&1 || true
    fi
    stop_pidfile "$dir/slurmd.pid" slurmd
    stop_pidfile "$dir/slurmctld.pid" slurmctld
    stop_pidfile "$dir/munge/munged.pid" munged
    echo "local-cluster: stopped"
}

case $cmd in
start) start ;;
stop) stop ;;
*) usage ;;
esac
