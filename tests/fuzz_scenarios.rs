//! The scenario parser and planner against thousands of generated and mutated inputs: never
//! a panic, and every rejection names the file, a line and column inside it, and a key.
//! `LIMITLAB_FUZZ_CASES` sets the number of cases per property (default 2000).

use std::path::Path;

use limitlab::plan::{PlanOptions, plan};
use limitlab::scenario::Source;
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("LIMITLAB_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000)
}

/// Parses and plans `text`; on rejection checks that every diagnostic points into it.
fn check(text: &str) {
    let src = Source::from_text("fuzz.toml", text);
    let Err(e) = src
        .parse()
        .and_then(|sc| plan(&src, &sc, &PlanOptions::default()))
    else {
        return;
    };
    assert!(!e.0.is_empty(), "a rejection says why");
    let lines = text.split('\n').count();
    for d in &e.0 {
        assert_eq!(d.file, Path::new("fuzz.toml"));
        assert!(
            d.line >= 1 && d.line <= lines,
            "line {} of {lines}: {d}",
            d.line
        );
        assert!(d.column >= 1, "{d}");
        assert!(!d.key.is_empty() && !d.message.trim().is_empty(), "{d:?}");
        assert!(
            d.to_string()
                .starts_with(&format!("fuzz.toml:{}:{}: ", d.line, d.column))
        );
    }
}

fn shipped() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut texts = Vec::new();
    for dir in [root.clone(), root.join("hostile")] {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            if e.path().extension().is_some_and(|x| x == "toml") {
                texts.push(std::fs::read_to_string(e.path()).unwrap());
            }
        }
    }
    texts.sort();
    texts
}

/// Fragments that make parsers and planners take unusual paths.
const TOKENS: &[&str] = &[
    "=",
    "\"",
    "'",
    "[",
    "]",
    "[[workload]]",
    "[limits]",
    "[expect]",
    "[sandbox]",
    "{",
    "}",
    ",",
    "\n",
    "#",
    "-1",
    "0",
    "1e999",
    "nan",
    "inf",
    "-inf",
    "9223372036854775807",
    "\"max\"",
    "\"0B\"",
    "\"1TiB\"",
    "\"5s\"",
    "\"0ms\"",
    "\"1µs\"",
    "true",
    "pids",
    "memory",
    "cpu",
    "kind = \"",
    "forkbomb",
    "memhog",
    "escape",
    "\"pids.peak\" = \"<= ",
    "..",
    "\u{0}",
    "é",
    "\"\"\"",
    "1979-05-27T07:32:00Z",
    "[1, 2]",
    "namespaces = [\"pid\"]",
];

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize, usize),
    Insert(usize, usize),
    Duplicate(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0usize..40).prop_map(|(p, n)| Mutation::Delete(p, n)),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(p, t)| Mutation::Insert(p, t)),
        (any::<usize>(), 0usize..200).prop_map(|(p, n)| Mutation::Duplicate(p, n)),
    ]
}

fn boundary(s: &str, p: usize) -> usize {
    let mut p = p % (s.len() + 1);
    while !s.is_char_boundary(p) {
        p -= 1;
    }
    p
}

fn apply(text: &str, ms: &[Mutation]) -> String {
    let mut s = text.to_string();
    for m in ms {
        match *m {
            Mutation::Delete(p, n) => {
                let a = boundary(&s, p);
                let b = boundary(&s, a + n);
                s.replace_range(a..b.max(a), "");
            }
            Mutation::Insert(p, t) => {
                let a = boundary(&s, p);
                s.insert_str(a, TOKENS[t]);
            }
            Mutation::Duplicate(p, n) => {
                let a = boundary(&s, p);
                let b = boundary(&s, a + n).max(a);
                let piece = s[a..b].to_string();
                s.insert_str(b, &piece);
            }
        }
    }
    s
}

/// A scenario built from random choices of real keys and odd values.
fn structured() -> impl Strategy<Value = String> {
    let value = prop::sample::select(vec![
        "0",
        "1",
        "-5",
        "100",
        "0.5",
        "1e3",
        "\"max\"",
        "\"256MiB\"",
        "\"1.5KiB\"",
        "\"10\"",
        "\"5s\"",
        "\"500us\"",
        "true",
        "[]",
        "[\"pid\", \"bogus\"]",
        "\"0-1,3\"",
        "\"classic\"",
        "\"shm\"",
        "\"<= 101\"",
        "\"0.45..0.55\"",
        "\"== nope\"",
    ]);
    let key = prop::sample::select(vec![
        "duration",
        "name",
        "limits.pids",
        "limits.memory",
        "limits.swap",
        "limits.cpu",
        "limits.cpuset",
        "sandbox.uid",
        "sandbox.hostname",
        "sandbox.namespaces",
        "sandbox.rlimits.nproc",
        "sandbox.rlimits.as",
        "sandbox.seccomp",
        "sampling.interval",
        "expect.\"pids.peak\"",
        "expect.\"cpu.usage_cores\"",
        "expect.\"nope.metric\"",
    ]);
    let kind = prop::sample::select(vec![
        "forkbomb",
        "threadbomb",
        "memhog",
        "cpuspin",
        "escape",
        "command",
        "nope",
    ]);
    let wkey = prop::sample::select(vec![
        "style",
        "argv",
        "size",
        "rate",
        "chunk",
        "backing",
        "hold",
        "threads",
        "duty",
        "start_after",
        "tries",
    ]);
    (
        prop::collection::vec((key, value.clone()), 0..8),
        prop::collection::vec((kind, prop::collection::vec((wkey, value), 0..4)), 0..3),
    )
        .prop_map(|(top, workloads)| {
            let mut s = String::new();
            for (k, v) in top {
                s += &format!("{k} = {v}\n");
            }
            for (kind, opts) in workloads {
                s += &format!("[[workload]]\nkind = \"{kind}\"\n");
                for (k, v) in opts {
                    s += &format!("{k} = {v}\n");
                }
            }
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        check(&text);
    }

    #[test]
    fn mutated_shipped_scenarios_never_panic(which in any::<prop::sample::Index>(), ms in prop::collection::vec(mutation(), 1..8)) {
        let texts = shipped();
        let text = which.get(&texts);
        check(&apply(text, &ms));
    }

    #[test]
    fn structured_scenarios_never_panic(text in structured()) {
        check(&text);
    }
}

#[test]
fn every_shipped_scenario_still_plans_unmutated() {
    for text in shipped() {
        let src = Source::from_text("s.toml", text.as_str());
        plan(&src, &src.parse().unwrap(), &PlanOptions::default()).unwrap();
    }
}
