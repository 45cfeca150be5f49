//! The tests of cgroup v2's layout, limits and harness leaf (a fake cgroupfs), and of what
//! its rules say in either language.

use super::super::fake::*;
use super::*;
use crate::plan::{PidsLimit, PidsSource};

fn limits() -> LimitsPlan {
    LimitsPlan {
        pids: PidsLimit {
            max: 100,
            source: PidsSource::Scenario,
        },
        memory: Some(128 << 20),
        memory_ceiling: None,
        swap: Some(0),
        cpu: Some(0.5),
        cpuset: None,
    }
}

#[test]
fn writes_limits_into_a_fake_v2_tree() {
    let tmp = tempfile::tempdir().unwrap();
    let layout = Layout::from_proc(Mode::V2, CGROUP_V2, MOUNTS_V2, Some(tmp.path())).unwrap();
    populate(
        &layout,
        &[
            ("cgroup.controllers", "cpuset cpu io memory pids\n"),
            ("cgroup.subtree_control", "\n"),
        ],
    );
    let cg = V2Cgroup::create_with(&layout, "limitlab.t.0", &limits(), false).unwrap();
    let dir = tmp.path().join("ci.slice/runner/limitlab.t.0");
    let r = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    assert_eq!(r("pids.max"), "100");
    assert_eq!(r("memory.max"), (128u64 << 20).to_string());
    assert_eq!(r("cpu.max"), "50000 100000");
    assert!(
        !dir.join("memory.swap.max").exists(),
        "only written where the kernel has it (no swap in use here)"
    );
    // The fake file keeps the last single-controller write.
    let sc = std::fs::read_to_string(tmp.path().join("ci.slice/runner/cgroup.subtree_control"));
    assert_eq!(sc.unwrap(), "+cpu");
    assert_eq!(cg.clone_into_dir(), Some(dir.as_path()));
}

#[test]
fn a_swap_limit_without_swap_accounting_is_a_host_problem_where_swap_is_in_use() {
    let tmp = tempfile::tempdir().unwrap();
    let layout = Layout::from_proc(Mode::V2, CGROUP_V2, MOUNTS_V2, Some(tmp.path())).unwrap();
    populate(
        &layout,
        &[
            ("cgroup.controllers", "cpuset cpu io memory pids\n"),
            ("cgroup.subtree_control", "\n"),
        ],
    );
    let e = V2Cgroup::create_with(&layout, "limitlab.t.2", &limits(), true).unwrap_err();
    assert!(e.is_host_problem());
    assert!(e.to_string().contains("memory.swap.max is missing"), "{e}");
}

#[test]
fn missing_controller_is_a_host_problem() {
    let tmp = tempfile::tempdir().unwrap();
    let layout = Layout::from_proc(Mode::V2, CGROUP_V2, MOUNTS_V2, Some(tmp.path())).unwrap();
    populate(
        &layout,
        &[
            ("cgroup.controllers", "cpu io\n"),
            ("cgroup.subtree_control", "\n"),
        ],
    );
    let e = V2Cgroup::create(&layout, "limitlab.t.1", &limits()).unwrap_err();
    assert!(e.is_host_problem());
    assert!(
        e.to_string().contains("pids controller is not available"),
        "{e}"
    );
}

/// A fake delegated cgroup (non-root: it has a cgroup.type) holding `procs`.
fn delegated(procs: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let layout = Layout::from_proc(Mode::V2, CGROUP_V2, MOUNTS_V2, Some(tmp.path())).unwrap();
    populate(
        &layout,
        &[
            ("cgroup.type", "domain\n"),
            ("cgroup.controllers", "cpuset cpu io memory pids\n"),
            ("cgroup.subtree_control", "\n"),
            ("cgroup.procs", procs),
        ],
    );
    let own = layout.unified.unwrap().own_dir();
    (tmp, own)
}

#[test]
fn beneath_a_populated_container_cgroup_no_controller_is_enabled() {
    // A target's cgroup: non-root and holding the container's processes. Enabling pids
    // there would make it a thread root, where the sandbox init could not be cloned.
    let (tmp, own) = delegated("4242\n4243\n");
    let layout = Layout::from_proc(Mode::V2, CGROUP_V2, MOUNTS_V2, Some(tmp.path())).unwrap();
    let beneath_target = LimitsPlan {
        pids: PidsLimit {
            max: 2048,
            source: PidsSource::Target,
        },
        memory: None,
        memory_ceiling: None,
        swap: None,
        cpu: None,
        cpuset: None,
    };
    let cg = V2Cgroup::create_with(&layout, "limitlab.t.3", &beneath_target, false).unwrap();
    assert!(own.join("limitlab.t.3").is_dir());
    assert_eq!(
        std::fs::read_to_string(own.join("cgroup.subtree_control")).unwrap(),
        "\n",
        "the container's cgroup is unchanged"
    );
    cg.remove();
    // A limit of limitlab's own there cannot be had: said, not half done.
    let e = V2Cgroup::create_with(&layout, "limitlab.t.4", &limits(), false).unwrap_err();
    assert!(e.is_host_problem());
    assert!(e.to_string().contains("no internal processes"), "{e}");
    assert!(!own.join("limitlab.t.4").exists());
}

#[test]
fn alone_in_a_delegated_cgroup_the_harness_moves_into_a_leaf_and_back() {
    let (_tmp, own) = delegated("4242\n");
    let mut h = HarnessLeaf::enter(&own, 4242)
        .unwrap()
        .expect("a move is needed");
    let leaf = own.join("limitlab.4242.harness");
    assert_eq!(h.leaf(), leaf.as_path());
    let r = |p: &Path| std::fs::read_to_string(p).unwrap();
    assert_eq!(r(&leaf.join("cgroup.procs")), "4242", "moved into the leaf");
    assert_eq!(h.enabled, ["pids", "memory", "cpu", "cpuset"]);
    // The kernel would empty the leaf when the harness moves back; the fake file stays.
    std::fs::remove_file(leaf.join("cgroup.procs")).unwrap();
    assert_eq!(h.restore(), Vec::<String>::new());
    assert_eq!(r(&own.join("cgroup.procs")), "4242", "moved back");
    // The fake file keeps the last single-controller write: the first one enabled.
    assert_eq!(r(&own.join("cgroup.subtree_control")), "-pids");
    assert!(!leaf.exists(), "the leaf is removed");
    assert_eq!(
        h.restore(),
        Vec::<String>::new(),
        "only the first restore acts"
    );
}

#[test]
fn sharing_a_delegated_cgroup_is_a_host_problem_and_changes_nothing() {
    let (_tmp, own) = delegated("1\n4242\n");
    let e = HarnessLeaf::enter(&own, 4242).unwrap_err();
    assert!(e.is_host_problem());
    let text = e.to_string();
    assert!(text.contains("no internal processes"), "{text}");
    assert!(text.contains("1 other process shares it"), "{text}");
    assert_eq!(
        std::fs::read_to_string(own.join("cgroup.subtree_control")).unwrap(),
        "\n"
    );
    let left: Vec<_> = std::fs::read_dir(&own)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .collect();
    assert!(left.is_empty(), "no leaf: {left:?}");
}

#[test]
fn the_root_cgroup_needs_no_leaf() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("cgroup.procs"), "1\n4242\n").unwrap();
    assert!(HarnessLeaf::enter(tmp.path(), 4242).unwrap().is_none());
}

#[test]
fn the_no_internal_processes_rule_is_said_in_the_run_language() {
    use crate::i18n::{Lang, with};
    let said = |lang, others| {
        with(lang, || {
            internal_processes(Path::new("/sys/fs/cgroup/a"), "pids", others).to_string()
        })
    };
    let en = said(Lang::En, Some(3));
    assert!(
        en.starts_with("cannot enable the pids controller below /sys/fs/cgroup/a: 3 other processes share it with limitlab, and cgroup v2 forbids controllers for the children of a non-root cgroup with processes (\"no internal processes\")"),
        "{en}"
    );
    assert!(
        en.ends_with("`systemd-run --scope -p Delegate=yes limitlab run ...`"),
        "{en}"
    );
    let es = said(Lang::Es, Some(1));
    assert!(
        es.starts_with("no se puede habilitar el controlador pids debajo de /sys/fs/cgroup/a: 1 proceso más lo comparte con limitlab, y cgroup v2 prohíbe"),
        "{es}"
    );
    assert!(es.contains("ejecútalo desde un cgroup propio"), "{es}");
    assert!(
        said(Lang::Es, Some(2)).contains(": otros 2 procesos lo comparten con limitlab,"),
        "{}",
        said(Lang::Es, Some(2))
    );
    assert!(said(Lang::Es, None).contains("/sys/fs/cgroup/a: tiene procesos, y"));
}

#[test]
fn a_controller_the_parent_does_not_delegate_is_said_in_the_run_language() {
    use crate::i18n::{Lang, with};
    let (_tmp, own) = delegated("4242\n");
    std::fs::write(own.join("cgroup.controllers"), "memory\n").unwrap();
    let said = |lang| {
        with(lang, || {
            enable_controllers(&own, &[("pids", Some(why_pids))])
                .unwrap_err()
                .to_string()
        })
    };
    assert_eq!(
        said(Lang::En),
        format!(
            "the pids controller is not available in {} (its cgroup.controllers: \"memory\"), but limitlab cannot cap a fork bomb without it; the parent must delegate it",
            own.display()
        )
    );
    assert_eq!(
        said(Lang::Es),
        format!(
            "el controlador pids no está disponible en {} (su cgroup.controllers: \"memory\"), pero limitlab no puede ponerle tope a una bomba fork sin él; el padre debe delegarlo",
            own.display()
        )
    );
}
