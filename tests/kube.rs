//! The image and the Kubernetes Job through a real engine: the image is built offline with
//! podman (deploy/image/build.sh), and the pod of deploy/kubernetes/job-self.yaml runs with
//! `podman kube play`. Its limits must hold (the pids limit the engine gives the pod, the
//! memory limit of its resources.limits) and one JSON line per run must come out on stdout.
//! Podman keeps its store under the test's temporary folder (another test suite on this
//! machine may use podman too), and everything is removed at the end, also on failure.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{BIN, exclusive, root, text};
use yaml_rust2::{Yaml, YamlEmitter, YamlLoader};

/// The pids limit the node puts on the pod (the kubelet's `podPidsLimit`: Kubernetes has
/// no per-pod field for it, and `podman kube play` sets none). Here an OCI hook writes it
/// into each container's cgroup before the container's process starts.
const POD_PIDS: u64 = 400;

/// The OCI prestart hook that plays the node's part: `pids.max` on the container's cgroup.
const PIDS_HOOK: &str = r#"#!/bin/sh
set -e
pid=$(sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
path=$(awk -F: '$2 == "pids" { print $3 }' /proc/$pid/cgroup)
if [ -n "$path" ]; then
  echo "$1" > /sys/fs/cgroup/pids$path/pids.max
else
  echo "$1" > /sys/fs/cgroup$(awk -F: '$1 == "0" { print $3 }' /proc/$pid/cgroup)/pids.max
fi
"#;
/// resources.limits.memory of job-self.yaml.
const POD_MEMORY: u64 = 256 << 20;

/// A podman with a store, a configuration and a runtime of its own, removed on drop.
struct Podman {
    dir: tempfile::TempDir,
    pods: Vec<String>,
    /// Podman's own cgroups (cgroupfs manager) that did not exist before: removed at the end
    /// when empty (another podman on the machine may have made them; those stay).
    made: Vec<PathBuf>,
}

/// The cgroups podman's cgroupfs manager makes for conmon and pods, in every hierarchy.
fn podman_cgroups() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for h in std::fs::read_dir("/sys/fs/cgroup")
        .into_iter()
        .flatten()
        .flatten()
    {
        let parent = h.path().join("libpod_parent");
        out.push(parent.join("conmon"));
        out.push(parent);
    }
    out.push(PathBuf::from("/sys/fs/cgroup/libpod_parent/conmon"));
    out.push(PathBuf::from("/sys/fs/cgroup/libpod_parent"));
    out
}

impl Podman {
    fn new() -> Podman {
        let dir = tempfile::tempdir().unwrap();
        // runc: Debian's crun refuses cgroup v1 hybrid; the ulimits: containers here need
        // them (DESIGN.md, "Real parts"); the hook: the node's pids limit.
        let hooks = dir.path().join("hooks");
        std::fs::create_dir(&hooks).unwrap();
        let hook = hooks.join("pids-limit.sh");
        std::fs::write(&hook, PIDS_HOOK).unwrap();
        std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        std::fs::write(
            hooks.join("pids-limit.json"),
            format!(
                r#"{{"version": "1.0.0", "hook": {{"path": "{}", "args": ["pids-limit.sh", "{POD_PIDS}"]}}, "when": {{"always": true}}, "stages": ["prestart"]}}"#,
                hook.display()
            ),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("containers.conf"),
            format!(
                "[containers]\ndefault_ulimits = [\"nofile=1024:1024\", \"nproc=4096:4096\"]\n[engine]\ncgroup_manager = \"cgroupfs\"\nevents_logger = \"file\"\nruntime = \"runc\"\nhooks_dir = [\"{}\"]\n",
                hooks.display()
            ),
        )
        .unwrap();
        Podman {
            dir,
            pods: Vec::new(),
            made: podman_cgroups()
                .into_iter()
                .filter(|p| !p.exists())
                .collect(),
        }
    }

    /// `podman` with this store's options, as one string for build.sh's PODMAN.
    fn options(&self) -> Vec<String> {
        let d = self.dir.path();
        vec![
            "--root".into(),
            d.join("root").display().to_string(),
            "--runroot".into(),
            d.join("run").display().to_string(),
            "--storage-driver".into(),
            "vfs".into(),
        ]
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new("podman");
        // conmon writes a file "oom" into its working directory when a container's process
        // is OOM-killed: keep it in the test's folder.
        c.args(self.options())
            .current_dir(self.dir.path())
            .env("CONTAINERS_CONF", self.dir.path().join("containers.conf"));
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().expect("podman runs")
    }
}

impl Drop for Podman {
    fn drop(&mut self) {
        for p in &self.pods {
            let _ = self.run(&["pod", "rm", "--force", "--time", "0", p]);
        }
        let _ = self.run(&["rm", "--all", "--force", "--time", "0"]);
        let _ = self.run(&["system", "reset", "--force"]);
        // What podman made beneath the cgroups it created (a pod's own), deepest first.
        fn rm(dir: &Path) {
            for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                if e.file_type().is_ok_and(|t| t.is_dir()) {
                    rm(&e.path());
                }
            }
            let _ = std::fs::remove_dir(dir);
        }
        for d in &self.made {
            rm(d);
        }
    }
}

fn available(test: &str) -> bool {
    let missing = Command::new("podman").arg("--version").output().is_err()
        || Command::new("runc").arg("--version").output().is_err();
    if !missing {
        return true;
    }
    if std::env::var("LIMITLAB_REQUIRE_PRIVILEGED").as_deref() == Ok("1") {
        panic!("{test}: needs podman and runc, and LIMITLAB_REQUIRE_PRIVILEGED=1 forbids skipping");
    }
    eprintln!("SKIPPED {test}: needs podman and runc (apt-get install podman runc)");
    false
}

/// The node name the test gives the pod: podman's Downward API has no `spec.nodeName`.
const NODE: &str = "kube-play-node";

/// Replaces a container's `NODE_NAME` from `fieldRef: spec.nodeName` (which only a kubelet
/// fills in) with [`NODE`]; returns whether the container had it.
fn set_node_name(c: &mut yaml_rust2::yaml::Hash) -> bool {
    let Some(Yaml::Array(env)) = c.get_mut(&Yaml::String("env".into())) else {
        return false;
    };
    let mut found = false;
    for e in env {
        let from_node = e["valueFrom"]["fieldRef"]["fieldPath"].as_str() == Some("spec.nodeName");
        if let Yaml::Hash(e) = e
            && from_node
            && e.get(&Yaml::String("name".into())) == Some(&Yaml::String("NODE_NAME".into()))
        {
            e.remove(&Yaml::String("valueFrom".into()));
            e.insert(Yaml::String("value".into()), Yaml::String(NODE.into()));
            found = true;
        }
    }
    found
}

/// The Job's pod template as a Pod (what `podman kube play` takes), with the test's image
/// and the node's name filled in.
fn pod_of_job(job: &Yaml, name: &str, image: &str) -> String {
    let template = &job["spec"]["template"];
    let mut spec = template["spec"].clone();
    if let Yaml::Hash(h) = &mut spec
        && let Some(Yaml::Array(cs)) = h.get_mut(&Yaml::String("containers".into()))
    {
        for c in cs {
            if let Yaml::Hash(c) = c {
                c.insert(Yaml::String("image".into()), Yaml::String(image.into()));
                assert!(set_node_name(c), "the Job labels its runs with NODE_NAME");
            }
        }
    }
    let mut meta = yaml_rust2::yaml::Hash::new();
    meta.insert(Yaml::String("name".into()), Yaml::String(name.into()));
    let mut pod = yaml_rust2::yaml::Hash::new();
    pod.insert(Yaml::String("apiVersion".into()), Yaml::String("v1".into()));
    pod.insert(Yaml::String("kind".into()), Yaml::String("Pod".into()));
    pod.insert(Yaml::String("metadata".into()), Yaml::Hash(meta));
    pod.insert(Yaml::String("spec".into()), spec);
    let mut out = String::new();
    YamlEmitter::new(&mut out).dump(&Yaml::Hash(pod)).unwrap();
    out
}

fn limit_of(summary: &serde_json::Value, control: &str) -> Option<u64> {
    summary["target"]["limits"]
        .as_array()?
        .iter()
        .find(|l| l["control"] == control)?["value"]
        .as_str()?
        .parse()
        .ok()
}

fn metric(s: &serde_json::Value, name: &str) -> f64 {
    s["metrics"][name]
        .as_f64()
        .unwrap_or_else(|| panic!("no {name} in {s}"))
}

#[test]
fn job_pod_holds_its_limits_under_podman_kube_play() {
    let test = "job_pod_holds_its_limits_under_podman_kube_play";
    if !available(test) {
        return;
    }
    let Some(_lock) = exclusive(test) else {
        return;
    };
    let mut podman = Podman::new();
    let t0 = std::time::Instant::now();
    build_image(&podman, t0);
    let (code, stdout, stderr) = play_the_job(&mut podman, t0);
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(lines.len(), 2, "one JSON line per run:\n{stdout}\n{stderr}");
    assert_eq!(code, "0", "every expectation held:\n{stdout}\n{stderr}");

    check_the_pods_limits_held(&lines);

    // The lines merge into a fleet report as they are.
    let fleet = podman.dir.path().join("fleet.jsonl");
    std::fs::write(&fleet, &stdout).unwrap();
    let out = podman.dir.path().join("fleet");
    let m = Command::new(BIN)
        .arg("merge")
        .arg(&fleet)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(m.status.code(), Some(0), "{}", text(&m));
    assert!(Path::new(&out.join("report.html")).is_file());
}

/// Builds the image with deploy/image/build.sh into the test's own podman store.
fn build_image(podman: &Podman, t0: std::time::Instant) {
    let build = Command::new(root().join("deploy/image/build.sh"))
        .args(["--bin", BIN, "--tag", "kubetest"])
        .env("PODMAN", format!("podman {}", podman.options().join(" ")))
        .env("CONTAINERS_CONF", podman.dir.path().join("containers.conf"))
        .output()
        .unwrap();
    assert!(build.status.success(), "build.sh: {}", text(&build));
    eprintln!(
        "image built in {:.1} s: {}",
        t0.elapsed().as_secs_f64(),
        String::from_utf8_lossy(&build.stdout).trim()
    );
}

/// Runs the Job's pod spec with `podman kube play` and waits for it: its exit code, stdout
/// and stderr.
fn play_the_job(podman: &mut Podman, t0: std::time::Instant) -> (String, String, String) {
    let job_text = std::fs::read_to_string(root().join("deploy/kubernetes/job-self.yaml")).unwrap();
    let job = &YamlLoader::load_from_str(&job_text).unwrap()[0];
    assert_eq!(job["kind"].as_str(), Some("Job"));
    let pod_yaml = pod_of_job(job, "limitlab-self", "localhost/limitlab:kubetest");
    let pod_file: PathBuf = podman.dir.path().join("pod.yaml");
    std::fs::write(&pod_file, &pod_yaml).unwrap();
    podman.pods.push("limitlab-self".into());
    let play = podman.run(&["kube", "play", pod_file.to_str().unwrap()]);
    assert!(
        play.status.success(),
        "kube play: {}\n{pod_yaml}",
        text(&play)
    );
    let container = "limitlab-self-limitlab";
    let wait = podman.run(&["wait", container]);
    assert!(wait.status.success(), "podman wait: {}", text(&wait));
    let code = String::from_utf8_lossy(&wait.stdout).trim().to_string();
    let logs = podman.run(&["logs", container]);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&logs.stdout).into_owned(),
        String::from_utf8_lossy(&logs.stderr).into_owned(),
    );
    eprintln!(
        "kube play: the pod ran in {:.1} s, exit {code}\n--- stderr\n{stderr}",
        t0.elapsed().as_secs_f64()
    );
    (code, stdout, stderr)
}

/// Each line is labelled with the node, kernel and runtime, and shows the pod's own limits
/// held: the bomb at the pod's pids.max, the hog OOM-killed at its memory limit.
fn check_the_pods_limits_held(lines: &[serde_json::Value]) {
    for s in lines {
        // Labelled: the node (NODE_NAME), the kernel, the runtime.
        assert_eq!(s["host"]["node"], NODE);
        assert!(!s["host"]["kernel"].as_str().unwrap().is_empty());
        assert!(s["host"]["runtime"].as_str().is_some(), "{}", s["host"]);
        assert_eq!(s["verdict"], "held", "{s}");
        // What is tested is the pod's own limits, read from the kernel.
        assert_eq!(limit_of(s, "pids.max"), Some(POD_PIDS), "{}", s["target"]);
        let mem = limit_of(s, "memory.max").or_else(|| limit_of(s, "memory.limit_in_bytes"));
        assert_eq!(mem, Some(POD_MEMORY), "{}", s["target"]);
    }
    let by = |name: &str| {
        lines
            .iter()
            .find(|s| s["scenario"]["name"] == name)
            .unwrap_or_else(|| panic!("no {name} line"))
    };
    let bomb = by("pod-forkbomb");
    assert!(
        metric(bomb, "target.pids_peak") <= POD_PIDS as f64,
        "{bomb}"
    );
    assert!(metric(bomb, "target.pids_limit_hits") >= 1.0, "{bomb}");
    let hog = by("pod-memhog");
    assert!(metric(hog, "memory.oom_kills") >= 1.0, "{hog}");
    assert!(
        metric(hog, "target.memory_peak_bytes") <= POD_MEMORY as f64,
        "{hog}"
    );
    assert!(metric(hog, "workload.bytes_reached") < (4u64 << 30) as f64);
    eprintln!(
        "pod-forkbomb: target.pids_peak {} of pids.max {POD_PIDS}, {} forks refused; pod-memhog: {} OOM kill(s), the pod's memory peaked at {} of {POD_MEMORY} bytes, the hog reached {} bytes",
        metric(bomb, "target.pids_peak"),
        metric(bomb, "target.pids_limit_hits"),
        metric(hog, "memory.oom_kills"),
        metric(hog, "target.memory_peak_bytes"),
        metric(hog, "workload.bytes_reached"),
    );
}
