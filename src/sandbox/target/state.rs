//! The target as a run found it and as it left it ([`TargetState`]): its cgroup's task
//! count and the processes in its pid namespace, and what a run left behind in it.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::Target;
use crate::i18n::count;
use crate::sandbox::cgroup::{Hierarchy, Mode, procs, read};

/// What a run must leave as it found it: the target's task count and its processes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TargetState {
    /// The `pids.current` of the target's cgroup.
    pub pids_current: Option<u64>,
    /// Every process in the target's own pid namespace (for a cgroup target: in its cgroup),
    /// by host pid; namespaces nested in it (the attack's) are not the target's.
    pub processes: Vec<TargetProcess>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetProcess {
    pub pid: i32,
    pub ppid: i32,
    pub comm: String,
    /// The kernel's state letter (`S`, `R`, `Z` for a zombie, ...).
    pub state: String,
    /// Its threads: each is a task in `pids.current` (limitlab's own harness, when the
    /// target is the cgroup it runs in, starts and ends threads of its own during a run).
    #[serde(default = "one_thread")]
    pub threads: u64,
}

fn one_thread() -> u64 {
    1
}

impl TargetState {
    pub fn zombies(&self) -> usize {
        self.processes.iter().filter(|p| p.state == "Z").count()
    }

    /// What `after` holds that this state (before the run) did not, beyond the target's own
    /// activity: a zombie that was not there, and tasks in its cgroup that no new live
    /// process of its own accounts for. Empty when the target is as it was.
    pub fn left_in(&self, after: &TargetState) -> Vec<String> {
        let mut left = Vec::new();
        let was_live = |p: &TargetProcess| {
            self.processes
                .iter()
                .any(|b| b.pid == p.pid && b.state != "Z")
        };
        // A zombie of a process the target had before is the target's own (its init killed
        // mid-run, say): only one the run's attack made counts.
        for z in after.processes.iter().filter(|p| p.state == "Z") {
            if !self.processes.iter().any(|b| b.pid == z.pid) {
                left.push(crate::t!(
                    "target-left-zombie",
                    pid = z.pid,
                    comm = z.comm,
                    ppid = z.ppid
                ));
            }
        }
        // Tasks that no live process of the target accounts for (its own processes, old or
        // new, and their threads come and go with its own activity; what is left of the
        // attack does not show in its pid namespace).
        let unaccounted = |s: &TargetState, current: u64| {
            let live: u64 = s
                .processes
                .iter()
                .filter(|p| p.state != "Z")
                .map(|p| p.threads)
                .sum();
            current.saturating_sub(live)
        };
        if let (Some(b), Some(a)) = (self.pids_current, after.pids_current) {
            let (ub, ua) = (unaccounted(self, b), unaccounted(after, a));
            if ua > ub {
                let new_live = after
                    .processes
                    .iter()
                    .filter(|p| p.state != "Z" && !was_live(p))
                    .count();
                let own = if new_live > 0 {
                    let new = count(new_live).ungrouped();
                    format!(" ({})", crate::t!("target-left-own-new", new = new))
                } else {
                    String::new()
                };
                left.push(crate::t!(
                    "target-left-tasks",
                    after = a,
                    before = b,
                    tasks = count(ua - ub).ungrouped(),
                    own = own
                ));
            }
        }
        left
    }
}

/// The `(device, inode)` of a process's pid namespace.
fn pid_namespace(pid: &str) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(format!("/proc/{pid}/ns/pid"))
        .ok()
        .map(|m| (m.dev(), m.ino()))
}

/// A process's parent, command name and state, from `/proc/PID/stat`.
fn process(pid: i32) -> Option<TargetProcess> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (head, rest) = stat.rsplit_once(')')?;
    let comm = head.split_once('(')?.1.to_string();
    let mut fields = rest.split_whitespace();
    let state = fields.next()?.to_string();
    let ppid = fields.next()?.parse().ok()?;
    // num_threads is field 20 of stat; `fields` has given fields 3 and 4.
    let threads = fields.nth(15).and_then(|t| t.parse().ok()).unwrap_or(1);
    Some(TargetProcess {
        pid,
        ppid,
        comm,
        state,
        threads,
    })
}

impl Target {
    /// The target's cgroup in the pids hierarchy (its own directory).
    fn pids_dir(&self) -> Option<PathBuf> {
        match self.layout.mode {
            Mode::V2 => self.layout.unified.as_ref().map(Hierarchy::own_dir),
            _ => self.layout.v1.get("pids").map(Hierarchy::own_dir),
        }
    }

    /// The target as it is now: its cgroup's task count and the processes in its pid
    /// namespace (a cgroup target: in its cgroup).
    pub fn state(&self) -> TargetState {
        let dir = self.pids_dir();
        let pids_current = dir
            .as_ref()
            .and_then(|d| read(&d.join("pids.current")).ok())
            .and_then(|t| t.parse().ok());
        let mut pids: Vec<i32> = match self.report.pid {
            Some(init) => match pid_namespace(&init.to_string()) {
                Some(ns) => std::fs::read_dir("/proc")
                    .into_iter()
                    .flatten()
                    .flatten()
                    .filter_map(|e| {
                        let name = e.file_name().to_string_lossy().into_owned();
                        let pid = name.parse::<i32>().ok()?;
                        (pid_namespace(&name) == Some(ns)).then_some(pid)
                    })
                    .collect(),
                None => Vec::new(),
            },
            None => dir.map(|d| procs(&d)).unwrap_or_default(),
        };
        pids.sort_unstable();
        TargetState {
            pids_current,
            processes: pids.into_iter().filter_map(process).collect(),
        }
    }

    /// After teardown: waits up to `patience` for the target to be as `before` found it;
    /// returns its state and what is still left in it (empty: restored).
    pub fn settle(&self, before: &TargetState, patience: Duration) -> (TargetState, Vec<String>) {
        let until = Instant::now() + patience;
        loop {
            let after = self.state();
            let left = before.left_in(&after);
            if left.is_empty() || Instant::now() >= until {
                return (after, left);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_run_left_in_its_target_is_named() {
        let p = |pid, state: &str| TargetProcess {
            pid,
            ppid: 1,
            comm: "limitlab".into(),
            state: state.into(),
            threads: 1,
        };
        let before = TargetState {
            pids_current: Some(1),
            processes: vec![p(1, "S")],
        };
        assert!(before.left_in(&before.clone()).is_empty());
        // The target's own new process accounts for its task; a zombie does not.
        let busy = TargetState {
            pids_current: Some(2),
            processes: vec![p(1, "S"), p(7, "R")],
        };
        assert!(
            before.left_in(&busy).is_empty(),
            "{:?}",
            before.left_in(&busy)
        );
        let broken = TargetState {
            pids_current: Some(62),
            processes: vec![p(1, "S"), p(9, "Z")],
        };
        let left = before.left_in(&broken);
        assert_eq!(left.len(), 2, "{left:?}");
        // A process of its own that started a thread (limitlab's harness, when the target is
        // the cgroup it runs in) accounts for that task too.
        let threaded = TargetState {
            pids_current: Some(3),
            processes: vec![
                TargetProcess {
                    threads: 2,
                    ..p(1, "S")
                },
                p(6, "S"),
            ],
        };
        let two = TargetState {
            pids_current: Some(2),
            processes: vec![p(1, "S"), p(6, "S")],
        };
        assert!(
            two.left_in(&threaded).is_empty(),
            "{:?}",
            two.left_in(&threaded)
        );
        assert!(left[0].contains("zombie pid 9"), "{left:?}");
        assert!(
            left[1].contains("pids.current is 62, against 1"),
            "{left:?}"
        );
    }

    #[test]
    fn what_a_run_left_in_its_target_is_said_in_the_run_language() {
        use crate::i18n::{Lang, with};
        let p = |pid, state: &str| TargetProcess {
            pid,
            ppid: 1,
            comm: "sh".into(),
            state: state.into(),
            threads: 1,
        };
        let before = TargetState {
            pids_current: Some(1),
            processes: vec![p(1, "S")],
        };
        // One task unaccounted for, and a zombie the attack left.
        let one = TargetState {
            pids_current: Some(2),
            processes: vec![p(1, "S"), p(9, "Z")],
        };
        // 60 tasks unaccounted for next to two new live processes of the target's own.
        let many = TargetState {
            pids_current: Some(63),
            processes: vec![p(1, "S"), p(5, "S"), p(6, "R")],
        };
        assert_eq!(
            with(Lang::En, || before.left_in(&one)),
            [
                "zombie pid 9 (sh) in the target, a child of pid 1",
                "the target's pids.current is 2, against 1 before the run: 1 task that no process of its own accounts for",
            ]
        );
        assert_eq!(
            with(Lang::En, || before.left_in(&many)),
            [
                "the target's pids.current is 63, against 1 before the run: 60 tasks that no process of its own accounts for (2 new processes of its own)"
            ]
        );
        assert_eq!(
            with(Lang::Es, || before.left_in(&one)),
            [
                "proceso zombi con pid 9 (sh) en el objetivo, hijo del pid 1",
                "el pids.current del objetivo es 2, frente a 1 antes de la ejecución: 1 tarea que ningún proceso propio del objetivo explica",
            ]
        );
        let busy_one = TargetState {
            pids_current: Some(1003),
            processes: vec![p(1, "S"), p(5, "S")],
        };
        assert_eq!(
            with(Lang::Es, || before.left_in(&many)),
            [
                "el pids.current del objetivo es 63, frente a 1 antes de la ejecución: 60 tareas que ningún proceso propio del objetivo explica (2 procesos nuevos propios)"
            ]
        );
        assert_eq!(
            with(Lang::Es, || before.left_in(&busy_one)),
            [
                "el pids.current del objetivo es 1003, frente a 1 antes de la ejecución: 1001 tareas que ningún proceso propio del objetivo explica (1 proceso nuevo propio)"
            ]
        );
    }
}
