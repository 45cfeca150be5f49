//! `limitlab doctor` in Spanish: the status words and the check names are translated, and
//! the columns stay aligned at the translated widths; in English it reads as it did.

mod common;

use common::*;

/// The English check names doctor can print that are words (the kernel's own names, PSI,
/// clone3, pid_max, autogroup, cgroup.kill and cgroups, are the same in every language).
const ENGLISH_NAMES: [&str; 12] = [
    "root",
    "cgroup mode",
    "cgroups from",
    "no internal processes",
    "namespaces",
    "sandbox view",
    "cgroup2 probe",
    "PSI per sandbox",
    "user namespaces",
    "cgroup delegation",
    "cgroup2 tree",
    "cgroup2 tree (unified)",
];

fn is_english_name(name: &str) -> bool {
    ENGLISH_NAMES.contains(&name) || name.ends_with(" controller") || name.ends_with(" delegated")
}

/// One line of doctor's table.
#[derive(Debug)]
struct Line {
    status: String,
    name: String,
    /// Where (in characters) the name and the detail start.
    name_at: usize,
    detail_at: usize,
}

/// Doctor's stdout: its exit code, the table (up to the empty line) and the closing line.
fn doctor(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, Vec<Line>, String) {
    let mut cmd = limitlab();
    for k in ["LIMITLAB_LANG", "LC_ALL", "LC_MESSAGES", "LANG"] {
        cmd.env_remove(k);
    }
    let o = cmd.envs(env.iter().copied()).args(args).output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let (table, end) = out
        .split_once("\n\n")
        .unwrap_or_else(|| panic!("no closing line: {}", text(&o)));
    let lines = table
        .lines()
        .map(|l| {
            let status = l.split(' ').next().unwrap_or_default().to_string();
            let rest = l[status.len()..].trim_start();
            let name = rest.split("  ").next().unwrap_or_default().to_string();
            let count = |s: &str| s.chars().count();
            let name_at = count(l) - count(rest);
            let detail_at = count(l) - count(rest[name.len()..].trim_start());
            Line {
                status,
                name,
                name_at,
                detail_at,
            }
        })
        .collect();
    (o.status.code(), lines, end.trim().to_string())
}

fn names(lines: &[Line]) -> Vec<&str> {
    lines.iter().map(|l| l.name.as_str()).collect()
}

/// Every line starts its name and its detail at the same column.
fn assert_aligned(lines: &[Line], name_at: usize) {
    assert!(
        lines.iter().all(|l| l.name_at == name_at),
        "names at column {name_at}: {lines:#?}"
    );
    let detail_at = lines[0].detail_at;
    assert!(
        lines.iter().all(|l| l.detail_at == detail_at),
        "details aligned: {lines:#?}"
    );
    let widest = lines.iter().map(|l| l.name.chars().count()).max().unwrap();
    assert_eq!(detail_at, name_at + widest + 2, "{lines:#?}");
}

fn assert_spanish(lines: &[Line], end: &str) {
    for l in lines {
        assert!(
            ["ok", "FALTA", "aviso", "info"].contains(&l.status.as_str()),
            "a Spanish status word: {l:?}"
        );
        assert!(!is_english_name(&l.name), "a Spanish check name: {l:?}");
    }
    for name in [
        "privilegios",
        "modo de cgroup",
        "origen de los cgroups",
        "controlador pids",
        "espacios de nombres (namespaces)",
        "vista del sandbox",
    ] {
        assert!(names(lines).contains(&name), "{name}: {lines:#?}");
    }
    // The status column is as wide as the widest Spanish status word (FALTA, aviso).
    assert_aligned(lines, 6);
    assert!(
        end == "limitlab puede ejecutar escenarios aquí."
            || end.ends_with("hasta que se arreglen las líneas marcadas FALTA."),
        "{end}"
    );
}

#[test]
fn doctor_speaks_spanish_with_lang_es() {
    let Some(_lock) = exclusive("doctor_speaks_spanish_with_lang_es") else {
        return;
    };
    let (code, es, end) = doctor(&["--lang", "es", "doctor"], &[("LANG", "C")]);
    assert_spanish(&es, &end);
    let (en_code, en, _) = doctor(&["--lang", "en", "doctor"], &[]);
    assert_eq!(code, en_code, "the same verdict in both languages");
    assert_eq!(es.len(), en.len(), "the same checks: {es:#?}\n{en:#?}");
    for (s, e) in es.iter().zip(&en) {
        let same = if e.status == "MISSING" {
            "FALTA"
        } else if e.status == "warn" {
            "aviso"
        } else {
            e.status.as_str()
        };
        assert_eq!(s.status, same, "{s:?} / {e:?}");
    }
}

#[test]
fn doctor_follows_a_spanish_locale() {
    let Some(_lock) = exclusive("doctor_follows_a_spanish_locale") else {
        return;
    };
    let (_, by_locale, end) = doctor(&["doctor"], &[("LANG", "es_CO.UTF-8")]);
    assert_spanish(&by_locale, &end);
    let (_, by_flag, _) = doctor(&["--lang", "es", "doctor"], &[]);
    assert_eq!(names(&by_locale), names(&by_flag));
}

#[test]
fn english_doctor_reads_as_it_did() {
    let Some(_lock) = exclusive("english_doctor_reads_as_it_did") else {
        return;
    };
    let (code, default, end) = doctor(&["doctor"], &[("LANG", "C")]);
    let (en_code, en, en_end) = doctor(&["--lang", "en", "doctor"], &[("LANG", "es_CO.UTF-8")]);
    assert_eq!(code, en_code);
    assert_eq!(end, en_end);
    assert_eq!(
        names(&default),
        names(&en),
        "the same lines, the same names"
    );
    for l in &default {
        assert!(
            ["ok", "MISSING", "warn", "info"].contains(&l.status.as_str()),
            "{l:?}"
        );
    }
    // As before: the status column is 7 wide (MISSING), and the names are the English ones.
    assert_aligned(&default, 8);
    let names = names(&default);
    for name in [
        "root",
        "cgroup mode",
        "cgroups from",
        "pids controller",
        "namespaces",
    ] {
        assert!(names.contains(&name), "{name}: {names:?}");
    }
    assert!(
        end == "limitlab can run scenarios here."
            || end == "limitlab cannot run scenarios here until the MISSING lines are fixed.",
        "{end}"
    );
}
