//! The CLI teaches itself: the schema and the docs match the code, and list, completions,
//! man and init produce what they promise.

mod common;

use common::*;

#[test]
fn the_committed_schema_matches_the_code() {
    let committed = std::fs::read_to_string(root().join("scenarios/schema.json")).unwrap();
    assert_eq!(
        committed,
        limitlab::scenario::schema::schema_text(),
        "scenarios/schema.json is stale: regenerate it with `limitlab schema > scenarios/schema.json`"
    );
}

#[test]
fn the_committed_docs_match_the_code() {
    let committed = std::fs::read_to_string(root().join("docs/scenario.md")).unwrap();
    assert_eq!(
        committed,
        limitlab::cli::docs::scenario_markdown(),
        "docs/scenario.md is stale: regenerate it with `limitlab __docs > docs/scenario.md`"
    );
    for m in limitlab::data::metrics::METRICS {
        assert!(
            committed.contains(&format!("`{}`", m.name)),
            "{} is documented",
            m.name
        );
    }
    for k in limitlab::workloads::KINDS {
        assert!(committed.contains(&format!("### `{}`", k.name)));
        for o in k.options {
            assert!(committed.contains(&format!("`{}`", o.name)));
        }
    }
}

#[test]
fn every_shipped_scenario_is_valid_against_the_schema_shape() {
    // Every top-level key the shipped scenarios use is a property of the schema.
    let schema = limitlab::scenario::schema::schema();
    let props = schema["properties"].as_object().unwrap();
    for dir in ["scenarios", "scenarios/hostile"] {
        for e in std::fs::read_dir(root().join(dir)).unwrap().flatten() {
            if e.path().extension().is_some_and(|x| x == "toml") {
                let t: toml::Table =
                    toml::from_str(&std::fs::read_to_string(e.path()).unwrap()).unwrap();
                for k in t.keys() {
                    assert!(props.contains_key(k), "{}: {k}", e.path().display());
                }
            }
        }
    }
}

#[test]
fn list_names_every_kind_and_metric() {
    let o = limitlab().arg("list").output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8_lossy(&o.stdout);
    for k in limitlab::workloads::KINDS {
        assert!(out.contains(&format!("  {}: ", k.name)), "{}", k.name);
    }
    for m in limitlab::data::metrics::METRICS {
        assert!(
            out.contains(m.name) && out.contains(m.unit.name()),
            "{}",
            m.name
        );
    }
}

#[test]
fn completions_and_man_page() {
    let o = limitlab().args(["completions", "bash"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let bash = String::from_utf8_lossy(&o.stdout);
    assert!(
        bash.contains("_limitlab()") && bash.contains("compare"),
        "bash completion"
    );
    // It is a script bash can load: parsed with `bash -n`, then sourced, it defines the
    // function and registers it for `limitlab`.
    let tmp = tempfile::tempdir().unwrap();
    let script = tmp.path().join("limitlab.bash");
    std::fs::write(&script, bash.as_bytes()).unwrap();
    let check = std::process::Command::new("bash")
        .arg("-c")
        .arg("bash -n \"$1\" && source \"$1\" && declare -F _limitlab && complete -p limitlab")
        .arg("bash")
        .arg(&script)
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", text(&check));
    assert!(
        String::from_utf8_lossy(&check.stdout).contains("-F _limitlab"),
        "{}",
        text(&check)
    );
    let o = limitlab().args(["completions", "zsh"]).output().unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains("#compdef limitlab"));
    let o = limitlab().arg("man").output().unwrap();
    let man = String::from_utf8_lossy(&o.stdout);
    assert!(
        man.contains(".TH limitlab 1") && man.contains("doctor"),
        "{man}"
    );
}

#[test]
fn version_names_the_commit() {
    let o = limitlab().arg("--version").output().unwrap();
    let v = String::from_utf8_lossy(&o.stdout);
    assert!(
        v.starts_with(&format!("limitlab {} (", env!("CARGO_PKG_VERSION"))),
        "{v}"
    );
    // Built from a git checkout (this one), it names the commit checked out.
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(root())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    match head {
        Some(commit) => assert!(v.contains(&format!("({commit})")), "{v} names {commit}"),
        None => assert!(v.contains("(unknown commit)"), "{v}"),
    }
}

#[test]
fn init_writes_starters_that_validate_and_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    for kind in [
        "forkbomb",
        "memhog",
        "cpuspin",
        "threadbomb",
        "escape",
        "command",
    ] {
        let file = tmp.path().join(format!("{kind}.toml"));
        let o = limitlab()
            .args(["init", "--kind", kind])
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        let o = limitlab().arg("validate").arg(&file).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{kind}: {}", text(&o));
    }
    let file = tmp.path().join("forkbomb.toml");
    std::fs::write(&file, "mine").unwrap();
    let o = limitlab().args(["init"]).arg(&file).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
    let o = limitlab()
        .args(["init", "--kind", "spoon"])
        .arg(tmp.path().join("x.toml"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn every_key_is_documented_with_an_example_and_sizes_and_durations_with_a_unit() {
    for k in limitlab::scenario::schema::keys() {
        if k.key.starts_with('[') {
            continue;
        }
        assert!(!k.description.is_empty(), "{} has a description", k.key);
        assert!(!k.examples.is_empty(), "{} has an example", k.key);
    }
    let unit = |key: &str| {
        limitlab::scenario::schema::keys()
            .into_iter()
            .find(|k| k.key == key)
            .unwrap_or_else(|| panic!("no key {key}"))
            .unit
    };
    for key in ["limits.memory", "workload.size", "sandbox.rlimits.as"] {
        assert_eq!(
            unit(key).as_deref(),
            Some("bytes (or a size with a unit)"),
            "{key}"
        );
    }
    for key in ["duration", "sampling.interval", "workload.start_after"] {
        assert_eq!(
            unit(key).as_deref(),
            Some("a duration with a unit"),
            "{key}"
        );
    }
    assert_eq!(unit("limits.cpu").as_deref(), Some("cores"));
}

/// The steps of a CI example, as (name, run) pairs, from a parsed GitHub workflow.
fn workflow_steps(doc: &yaml_rust2::Yaml) -> Vec<(String, String)> {
    let jobs = doc["jobs"].as_hash().expect("a workflow has jobs");
    jobs.values()
        .flat_map(|job| job["steps"].as_vec().cloned().unwrap_or_default())
        .map(|step| {
            let field = |k: &str| step[k].as_str().unwrap_or_default().to_string();
            (
                format!("{}{}", field("name"), field("uses")),
                field("run") + &format!("{:?}", step["with"]),
            )
        })
        .collect()
}

#[test]
fn the_ci_examples_parse_and_run_the_gate() {
    use yaml_rust2::YamlLoader;
    let read = |p: &str| std::fs::read_to_string(root().join(p)).unwrap();
    let gh = YamlLoader::load_from_str(&read("docs/ci/github-actions.yml"))
        .expect("docs/ci/github-actions.yml is YAML");
    let steps = workflow_steps(&gh[0]);
    let run = |needle: &str| steps.iter().any(|(_, r)| r.contains(needle));
    assert!(run("cargo build --release"), "{steps:?}");
    assert!(
        run("sudo ./limitlab run scenarios/*.toml --junit junit.xml --out results"),
        "{steps:?}"
    );
    let upload = steps
        .iter()
        .find(|(n, _)| n.contains("actions/upload-artifact"))
        .expect("the results are uploaded");
    assert!(
        upload.1.contains("results/") && upload.1.contains("junit.xml"),
        "{upload:?}"
    );
    // The binary the workflow installs is where this project's build puts it.
    let config = read(".cargo/config.toml");
    assert!(config.contains("x86_64-unknown-linux-gnu"), "{config}");
    assert!(run("target/x86_64-unknown-linux-gnu/release/limitlab"));

    let gl = YamlLoader::load_from_str(&read("docs/ci/gitlab-ci.yml"))
        .expect("docs/ci/gitlab-ci.yml is YAML");
    let job = &gl[0]["limitlab"];
    let script: Vec<&str> = job["script"]
        .as_vec()
        .expect("the job has a script")
        .iter()
        .filter_map(|l| l.as_str())
        .collect();
    assert!(
        script
            .iter()
            .any(|l| l.contains("limitlab run scenarios/*.toml --junit junit.xml")),
        "{script:?}"
    );
    assert_eq!(
        job["artifacts"]["reports"]["junit"].as_str(),
        Some("junit.xml")
    );
    assert_eq!(job["artifacts"]["when"].as_str(), Some("always"));
}

#[test]
fn the_ci_matrix_example_runs_each_node_and_merges_them() {
    use yaml_rust2::YamlLoader;
    let text = std::fs::read_to_string(root().join("docs/ci/github-actions-matrix.yml")).unwrap();
    let doc = &YamlLoader::load_from_str(&text).expect("the matrix example is YAML")[0];
    let node = &doc["jobs"]["node"];
    let images = node["strategy"]["matrix"]["os"]
        .as_vec()
        .expect("a matrix of runner images");
    assert!(images.len() >= 2, "{images:?}");
    assert_eq!(node["runs-on"].as_str(), Some("${{ matrix.os }}"));
    let steps = workflow_steps(doc);
    let has = |needle: &str| steps.iter().any(|(_, r)| r.contains(needle));
    // Each node labels its runs and prints one JSON line per run.
    assert!(
        has("--node \"${{ matrix.os }}\" --format json"),
        "{steps:?}"
    );
    let fleet = &doc["jobs"]["fleet"];
    assert_eq!(fleet["needs"].as_str(), Some("node"));
    assert_eq!(fleet["if"].as_str(), Some("always()"));
    assert!(
        has("limitlab merge nodes/*/*.jsonl --out fleet"),
        "{steps:?}"
    );
    assert!(
        steps
            .iter()
            .any(|(n, r)| n.contains("download-artifact") && r.contains("limitlab-*")),
        "{steps:?}"
    );
    // What the workflow passes to merge and compare exists in this limitlab's CLI.
    let help = String::from_utf8(
        common::limitlab()
            .args(["merge", "--help"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(help.contains("--out"), "{help}");
    let run_help = String::from_utf8(
        common::limitlab()
            .args(["run", "--help"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(
        run_help.contains("--node") && run_help.contains("NODE_NAME"),
        "{run_help}"
    );
}

#[test]
fn the_kubernetes_manifests_have_what_the_tests_and_docs_rely_on() {
    use yaml_rust2::YamlLoader;
    let read = |p: &str| {
        let text = std::fs::read_to_string(root().join(p)).unwrap();
        YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("{p}: {e}"))[0].clone()
    };
    let job = read("deploy/kubernetes/job-self.yaml");
    assert_eq!(job["apiVersion"].as_str(), Some("batch/v1"));
    assert_eq!(job["kind"].as_str(), Some("Job"));
    let rules = job["spec"]["podFailurePolicy"]["rules"].as_vec().unwrap();
    assert!(rules.iter().any(|r| {
        r["action"].as_str() == Some("FailJob")
            && r["onExitCodes"]["values"]
                .as_vec()
                .is_some_and(|v| v.contains(&yaml_rust2::Yaml::Integer(1)))
    }));
    let pod = &job["spec"]["template"]["spec"];
    // podFailurePolicy requires restartPolicy Never.
    assert_eq!(pod["restartPolicy"].as_str(), Some("Never"));
    let c = &pod["containers"][0];
    let args: Vec<&str> = c["args"]
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(|a| a.as_str())
        .collect();
    assert!(
        args.windows(2).any(|w| w == ["--format", "json"]),
        "{args:?}"
    );
    assert_eq!(c["resources"]["limits"]["memory"].as_str(), Some("256Mi"));
    let env = c["env"].as_vec().unwrap();
    assert!(env.iter().any(|e| e["name"].as_str() == Some("NODE_NAME")
        && e["valueFrom"]["fieldRef"]["fieldPath"].as_str() == Some("spec.nodeName")));
    // The scenarios the Job names are shipped in the image and valid.
    for a in args.iter().filter(|a| a.ends_with(".toml")) {
        let local = a.replace(
            "/usr/share/limitlab/scenarios/kubernetes",
            "deploy/kubernetes/scenarios",
        );
        let o = common::limitlab()
            .args(["validate", &local])
            .current_dir(root())
            .output()
            .unwrap();
        assert!(o.status.success(), "{a}: {}", common::text(&o));
    }

    let ds = read("deploy/kubernetes/daemonset-target.yaml");
    assert_eq!(ds["kind"].as_str(), Some("DaemonSet"));
    let pod = &ds["spec"]["template"]["spec"];
    assert_eq!(pod["hostPID"].as_bool(), Some(true));
    let c = &pod["containers"][0];
    assert_eq!(c["securityContext"]["privileged"].as_bool(), Some(true));
    assert!(
        c["args"][0]
            .as_str()
            .unwrap()
            .contains("--target \"pid:$p\" --format json")
    );
    assert!(
        pod["volumes"]
            .as_vec()
            .unwrap()
            .iter()
            .any(|v| v["hostPath"]["path"].as_str() == Some("/sys/fs/cgroup"))
    );
    let o = common::limitlab()
        .args([
            "validate",
            "deploy/kubernetes/scenarios/target-forkbomb.toml",
        ])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", common::text(&o));
    // The selector matches the template's labels (the API server refuses it otherwise).
    assert_eq!(
        ds["spec"]["selector"]["matchLabels"],
        ds["spec"]["template"]["metadata"]["labels"]
    );
}

#[test]
fn doctor_says_where_the_cgroups_come_from() {
    let o = limitlab().arg("doctor").output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    let line = out
        .lines()
        .find(|l| l.contains("cgroups from"))
        .unwrap_or_else(|| panic!("no 'cgroups from' line:\n{out}"));
    if std::path::Path::new("/run/systemd/system").exists() {
        assert!(
            line.contains("scope")
                || line.contains("delegat")
                || line.contains("could not be asked"),
            "{line}"
        );
    } else {
        assert!(line.contains("its own cgroup"), "{line}");
        assert!(line.contains("no /run/systemd/system"), "{line}");
    }
}
