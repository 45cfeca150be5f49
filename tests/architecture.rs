//! The shape of the code, checked: the pipeline's stages import only the stages before
//! them, no file in src/ grows past 600 lines, and every `unsafe` lives in src/sys.rs with
//! a `// SAFETY:` line. (Function length is clippy's `too_many_lines`, set in clippy.toml
//! and Cargo.toml's `[lints]`; CI runs clippy with `-D warnings`.)
//!
//! The module graph is read from the source text the way `cargo modules dependencies
//! --lib --no-externs --acyclic` reads it: every `crate::` path in non-test code is an edge
//! from the top-level module that holds it to the top-level module it names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The stages in pipeline order. A module may import only those listed before it (and the
/// crate root's `Exit`, `coded`, `t!`). A new top-level module must be placed here.
const LAYERS: &[(&str, &str)] = &[
    ("i18n", "the messages in each language (Fluent)"),
    ("sys", "every unsafe call and raw syscall"),
    (
        "units",
        "sizes, durations, CPU lists: parsing and formatting",
    ),
    (
        "data",
        "what crosses stages: samples, events, stat files, limits written, the metric catalogue",
    ),
    (
        "workloads",
        "the built-in workloads: the catalogue, one file per kind",
    ),
    (
        "scenario",
        "the TOML a person writes: types, diagnostics, schema",
    ),
    (
        "plan",
        "a scenario resolved and checked into what a run does",
    ),
    (
        "sandbox",
        "namespaces, cgroups, the init, targets, teardown",
    ),
    ("host", "the host's facts"),
    ("sampler", "the sampling thread and the host probe"),
    (
        "record",
        "what a run produced, as the report stage reads it",
    ),
    ("metrics", "the metrics computed from a record"),
    (
        "report",
        "terminal, Markdown, HTML, charts, JUnit, comparisons, fleets",
    ),
    (
        "run",
        "one run end to end: setup, the event loop, teardown, the watchdog",
    ),
    ("cli", "the commands"),
];

const MAX_FILE_LINES: usize = 600;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Files that are test modules of their parent (`#[cfg(test)] mod NAME;`), skipped like
/// inline test modules.
fn test_files(files: &[PathBuf]) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    for f in files {
        let text = std::fs::read_to_string(f).unwrap();
        let dir = if f
            .file_name()
            .is_some_and(|n| n == "mod.rs" || n == "lib.rs")
        {
            f.parent().unwrap().to_path_buf()
        } else {
            f.with_extension("")
        };
        let mut lines = text.lines().map(str::trim);
        while let Some(line) = lines.next() {
            if line != "#[cfg(test)]" {
                continue;
            }
            let Some(next) = lines.next() else { break };
            if let Some(name) = next.strip_prefix("mod ").and_then(|n| n.strip_suffix(';')) {
                out.insert(dir.join(format!("{name}.rs")));
                out.insert(dir.join(name).join("mod.rs"));
            }
        }
    }
    out
}

/// The top-level module a file belongs to (`None` for the crate root files).
fn top_module(file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src()).unwrap();
    let first = rel.components().next()?.as_os_str().to_string_lossy();
    let name = first.trim_end_matches(".rs").to_string();
    (!matches!(name.as_str(), "lib" | "main")).then_some(name)
}

/// How deep a file's module is below the crate root (`src/a.rs` and `src/a/mod.rs`: 1).
fn depth(file: &Path) -> usize {
    let rel = file.strip_prefix(src()).unwrap();
    let n = rel.components().count();
    if rel.file_name().is_some_and(|f| f == "mod.rs") {
        n - 1
    } else {
        n
    }
}

/// The code of a file without comments, string and char literals, and `#[cfg(test)]`
/// modules (test code may use any stage, as it does under cargo-modules without
/// `--cfg-test`). Line breaks are kept so that offsets still give line numbers.
fn code_of(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            while i < b.len() && !b[i..].starts_with(b"*/") {
                if b[i] == b'\n' {
                    out.push('\n');
                }
                i += 1;
            }
            i += 2;
        } else if b[i] == b'"' || (b[i] == b'r' && b.get(i + 1) == Some(&b'#')) {
            // A string (raw strings with their hashes).
            let hashes = if b[i] == b'r' {
                let mut n = 0;
                i += 1;
                while b.get(i) == Some(&b'#') {
                    n += 1;
                    i += 1;
                }
                n
            } else {
                0
            };
            i += 1;
            while i < b.len() {
                if b[i] == b'\n' {
                    out.push('\n');
                }
                if hashes == 0 && b[i] == b'\\' {
                    i += 2;
                    continue;
                }
                if b[i] == b'"' && b[i + 1..].iter().take(hashes).all(|c| *c == b'#') {
                    i += 1 + hashes;
                    break;
                }
                i += 1;
            }
            out.push_str("\"\"");
        } else if b[i] == b'\'' && b.get(i + 2) == Some(&b'\'') {
            out.push_str("' '");
            i += 3;
        } else if b[i] == b'\'' && b.get(i + 1) == Some(&b'\\') {
            let end = b[i + 2..].iter().position(|c| *c == b'\'').unwrap_or(0);
            out.push_str("' '");
            i += end + 3;
        } else {
            out.push(b[i] as char);
            i += 1;
        }
    }
    strip_test_modules(&out)
}

fn strip_test_modules(code: &str) -> String {
    let mut out = code.to_string();
    while let Some(at) = out.find("#[cfg(test)]") {
        let rest = &out[at..];
        let Some(open) = rest.find('{') else { break };
        if let Some(semi) = rest.find(';').filter(|s| *s < open) {
            // `#[cfg(test)] mod tests;`: the file itself is skipped (see `test_files`).
            out.replace_range(at..at + semi + 1, "");
            continue;
        }
        let mut depth = 0;
        let mut end = rest.len();
        for (k, c) in rest[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + k + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        let lines = rest[..end].matches('\n').count();
        out.replace_range(at..at + end, &"\n".repeat(lines));
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The first segments after each `crate::` (expanding `crate::{a, b::c}`), and after each
/// `super::` that climbs to the crate root, with the line each is on.
fn crate_refs(code: &str, file_depth: usize) -> Vec<(String, usize)> {
    let mut refs = Vec::new();
    let line_of = |at: usize| code[..at].matches('\n').count() + 1;
    let starts_ident = |at: usize| at == 0 || !is_ident(code[..at].chars().last().unwrap());
    for (at, _) in code.match_indices("crate::") {
        if !starts_ident(at) || code[..at].ends_with("::") {
            continue;
        }
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut item = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        refs.push((item.trim().to_string(), line_of(at)));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                if depth == 0 || item.is_empty() {
                    item.push(c);
                }
            }
            refs.push((item.trim().to_string(), line_of(at)));
        } else {
            refs.push((rest.to_string(), line_of(at)));
        }
    }
    let climb = "super::".repeat(file_depth);
    for (at, _) in code.match_indices(&climb) {
        if starts_ident(at) && !code[at + climb.len()..].starts_with("super::") {
            refs.push((code[at + climb.len()..].to_string(), line_of(at)));
        }
    }
    refs.into_iter()
        .map(|(r, line)| (r.chars().take_while(|c| is_ident(*c)).collect(), line))
        .filter(|(r, _): &(String, usize)| !r.is_empty())
        .collect()
}

#[test]
fn each_stage_imports_only_the_stages_before_it() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let tops: BTreeSet<String> = files.iter().filter_map(|f| top_module(f)).collect();
    let rank: BTreeMap<&str, usize> = LAYERS
        .iter()
        .enumerate()
        .map(|(i, (m, _))| (*m, i))
        .collect();
    let unplaced: Vec<&String> = tops
        .iter()
        .filter(|t| !rank.contains_key(t.as_str()))
        .collect();
    assert!(
        unplaced.is_empty(),
        "top-level modules not placed in LAYERS (tests/architecture.rs): {unplaced:?}"
    );
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut wrong = Vec::new();
    let tests = test_files(&files);
    for f in files.iter().filter(|f| !tests.contains(*f)) {
        let Some(from) = top_module(f) else { continue };
        let code = code_of(&std::fs::read_to_string(f).unwrap());
        for (to, line) in crate_refs(&code, depth(f)) {
            if to == from || !tops.contains(&to) {
                continue;
            }
            graph.entry(from.clone()).or_default().insert(to.clone());
            if rank[to.as_str()] > rank[from.as_str()] {
                wrong.push(format!(
                    "{}:{line}: {from} imports {to}, a later stage",
                    f.strip_prefix(src().parent().unwrap()).unwrap().display()
                ));
            }
        }
    }
    let shown: Vec<String> = LAYERS
        .iter()
        .map(|(m, what)| {
            let deps = graph.get(*m).map(|d| d.iter().cloned().collect::<Vec<_>>());
            format!("{m} ({what}) -> {}", deps.unwrap_or_default().join(" "))
        })
        .collect();
    println!("the module graph, in pipeline order:\n{}", shown.join("\n"));
    assert!(
        wrong.is_empty(),
        "imports against the pipeline (each one closes a cycle or skips ahead):\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_file_in_src_is_over_600_lines() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let long: Vec<String> = files
        .iter()
        .map(|f| (f, std::fs::read_to_string(f).unwrap().lines().count()))
        .filter(|(_, n)| *n > MAX_FILE_LINES)
        .map(|(f, n)| format!("{}: {n} lines", f.display()))
        .collect();
    assert!(
        long.is_empty(),
        "files over {MAX_FILE_LINES} lines:\n{}",
        long.join("\n")
    );
}

#[test]
fn all_unsafe_code_is_in_sys_rs_with_a_safety_line_each() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut wrong = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let code = code_of(&text);
        let is_sys = f == &src().join("sys.rs");
        let lines: Vec<&str> = text.lines().collect();
        for (n, line) in code.lines().enumerate() {
            let has_unsafe = line.match_indices("unsafe").any(|(at, _)| {
                let before = line[..at].chars().last().is_none_or(|c| !is_ident(c));
                let after = line[at + 6..].chars().next().is_none_or(|c| !is_ident(c));
                before && after
            });
            if !has_unsafe
                || line.contains("allow(unsafe_code)")
                || line.contains("deny(unsafe_code)")
            {
                continue;
            }
            if !is_sys {
                wrong.push(format!(
                    "{}:{}: unsafe outside src/sys.rs",
                    f.display(),
                    n + 1
                ));
                continue;
            }
            // The SAFETY line is on the line itself or among the comment lines just above.
            let said = lines[..=n]
                .iter()
                .rev()
                .enumerate()
                .take_while(|(k, l)| *k == 0 || l.trim_start().starts_with("//"))
                .any(|(_, l)| l.contains("SAFETY:"));
            if !said {
                wrong.push(format!(
                    "{}:{}: unsafe without a `// SAFETY:` line above it",
                    f.display(),
                    n + 1
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_function_length_lint_is_on() {
    let root = src().parent().unwrap().to_path_buf();
    let clippy = std::fs::read_to_string(root.join("clippy.toml")).unwrap_or_default();
    assert!(
        clippy
            .lines()
            .any(|l| l.replace(' ', "") == "too-many-lines-threshold=100"),
        "clippy.toml sets too-many-lines-threshold = 100: {clippy}"
    );
    let cargo = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    assert!(
        cargo.contains("too_many_lines = \"warn\""),
        "Cargo.toml's [lints.clippy] turns too_many_lines on"
    );
}
