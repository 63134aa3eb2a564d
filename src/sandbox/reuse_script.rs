//! The entrypoint of one execution in a reused container (run with `docker exec` as the
//! sandbox uid). The slot container's own processes (tini and an idle `sleep`) run as a
//! different uid, so `kill -KILL -1` from here reaches every process a previous or the current
//! execution left, and nothing else. Before unpacking, and again after the command, it:
//! kills every process of the sandbox uid until none is left, makes its files deletable and
//! deletes everything under /work, /tmp, /dev/shm and /dev/mqueue, and removes its SysV IPC
//! objects. The trailer has the default entrypoint's format plus `oom_kills` (the cgroup's OOM
//! kill counter's change during this execution); `mem_peak` is left empty because the cgroup's
//! high-water mark spans the container's life, not this execution.
use super::entrypoint::REPORT_CAP;

/// The uid of the slot container's own processes (never the sandbox uid).
pub const SLOT_UID: u32 = 10000;

/// `sh -c SCRIPT crucible-entry <command...>`
pub fn script(workdir: &str, uid: &str) -> String {
    format!(
        r#"set -u
marker='\n@@crucible-trailer@@ '
sweep() {{
  i=0
  while :; do
    kill -KILL -1 2>/dev/null
    # kill -1's status cannot tell (the slot's own processes count), so look: any process of
    # this uid but this shell that is not yet a zombie?
    left=0
    for d in /proc/[0-9]*; do
      [ "${{d#/proc/}}" = "$$" ] && continue
      u=
      st=
      {{ while read -r k a _; do
          case $k in Uid:) u=$a ;; State:) st=$a ;; esac
        done <"$d/status"; }} 2>/dev/null
      [ "$u" = "{uid}" ] && [ "$st" != Z ] && left=$((left + 1))
    done
    [ "$left" -eq 0 ] && return 0
    i=$((i + 1)); [ "$i" -ge 100 ] && return 1
    sleep 0.02
  done
}}
# Builtins only (no fork): is anything left in the writable dirs or in SysV IPC?
empty() {{
  for f in {workdir}/* {workdir}/.[!.]* {workdir}/..?* /tmp/* /tmp/.[!.]* /tmp/..?* \
           /dev/shm/* /dev/shm/.[!.]* /dev/shm/..?* /dev/mqueue/*; do
    if [ -e "$f" ] || [ -L "$f" ]; then return 1; fi
  done
  for q in shm sem msg; do
    if [ -r /proc/sysvipc/$q ]; then
      {{ read -r _; ! read -r _; }} </proc/sysvipc/$q || return 1
    fi
  done
  return 0
}}
wipe() {{
  empty && return 0
  if ! find {workdir} /tmp /dev/shm /dev/mqueue -mindepth 1 -delete 2>/dev/null; then
    # Directories the candidate made unreadable or unwritable: its own, so it can undo that.
    chmod -R u+rwX {workdir} /tmp /dev/shm /dev/mqueue 2>/dev/null
    find {workdir} /tmp /dev/shm /dev/mqueue -mindepth 1 -delete 2>/dev/null
  fi
  ipcrm -a 2>/dev/null
  empty
}}
# The cgroup's OOM kill counter into $oom_now (empty when unreadable).
ooms() {{
  oom_now=
  for f in /sys/fs/cgroup/memory/memory.oom_control /sys/fs/cgroup/memory.events; do
    if [ -r "$f" ]; then
      oom_now=0
      while read -r k v; do [ "$k" = oom_kill ] && oom_now=$v; done <"$f"
      return
    fi
  done
}}
# The cgroup's CPU time (µs) into $cpu_now (empty when unreadable).
cpu() {{
  cpu_now=
  if [ -r /sys/fs/cgroup/cpu.stat ]; then
    while read -r k v; do [ "$k" = usage_usec ] && cpu_now=$v; done </sys/fs/cgroup/cpu.stat
  elif [ -r /sys/fs/cgroup/cpuacct/cpuacct.usage ]; then
    read -r ns </sys/fs/cgroup/cpuacct/cpuacct.usage && cpu_now=$((ns / 1000))
  fi
}}
if ! sweep || ! wipe; then
  echo "crucible: the slot container could not be cleaned" >&2
  printf "${{marker}}v=1 rc=125 cpu_usec= mem_peak= report_len=-1 unpack=failed\n"
  exit 125
fi
ooms; oom0=$oom_now
cpu; cpu0=$cpu_now
if ! tar -xmof - -C {workdir} 2>/tmp/.crucible-unpack; then
  head -c 2000 /tmp/.crucible-unpack >&2
  printf "${{marker}}v=1 rc=125 cpu_usec= mem_peak= report_len=-1 unpack=failed\n"
  exit 125
fi
cd {workdir} || exit 125
"$@" </dev/null
rc=$?
sweep
cpu; cpu1=$cpu_now
ooms; oom1=$oom_now
used=
[ -n "$cpu0" ] && [ -n "$cpu1" ] && used=$((cpu1 - cpu0))
oom=
[ -n "$oom0" ] && [ -n "$oom1" ] && oom=$((oom1 - oom0))
len=-1
if [ -f "${{CRUCIBLE_REPORT:-/nonexistent}}" ] && [ ! -L "$CRUCIBLE_REPORT" ]; then
  len=$(wc -c <"$CRUCIBLE_REPORT")
  if [ "$len" -le {cap} ]; then cat "$CRUCIBLE_REPORT"; else len=-2; fi
fi
cd /
wipe
printf "${{marker}}v=1 rc=%s cpu_usec=%s mem_peak= report_len=%s unpack=ok oom_kills=%s\n" "$rc" "$used" "$len" "$oom"
exit $rc
"#,
        cap = REPORT_CAP,
    )
}
