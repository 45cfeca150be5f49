//! Sweeps: a `[matrix]` table turns one scenario into one plan per cell.
//!
//! ```toml
//! [matrix]
//! "limits.pids" = ["max", 1000, 100]        # every combination of the lists is a cell
//! include = [{ "limits.pids" = "max", "sandbox.rlimits.nproc" = 100 }]   # extra cells
//! ```
//!
//! Keys are dotted paths into the scenario (`workload[0].style` reaches into a workload)
//! and each value is checked exactly like the same key written in the file; a problem in a
//! cell points at the matrix entry that made it.

use crate::plan::{self, Diagnostics, PlanOptions, RunPlan};
use crate::scenario::{Diagnostic, KeyPath, Scenario, ScenarioError, Seg, Source, path};
use crate::t;

/// The most cells one sweep may have.
pub const MAX_CELLS: usize = 256;

/// One assignment of a cell: the scenario path, where the value is written in `[matrix]`,
/// and the value.
#[derive(Debug, Clone)]
struct Set {
    key: String,
    path: Vec<Seg>,
    at: KeyPath,
    value: toml::Value,
}

/// Parses `limits.pids` or `workload[1].style` into path segments.
pub fn parse_path(text: &str) -> Result<Vec<Seg>, String> {
    let mut segs = Vec::new();
    for part in text.split('.') {
        let (name, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(t!("matrix-not-a-key", text = format!("{text:?}")));
        }
        segs.push(Seg::Key(name.to_string()));
        while let Some(r) = rest.strip_prefix('[') {
            let (n, after) = r
                .split_once(']')
                .ok_or_else(|| t!("matrix-unclosed", text = format!("{text:?}")))?;
            segs.push(Seg::Index(n.parse().map_err(|_| {
                t!(
                    "matrix-not-an-index",
                    text = format!("{text:?}"),
                    index = format!("{n:?}")
                )
            })?));
            rest = after;
        }
        if !rest.is_empty() {
            return Err(t!(
                "matrix-unexpected",
                text = format!("{text:?}"),
                rest = format!("{rest:?}")
            ));
        }
    }
    match segs.first() {
        Some(Seg::Key(k)) if k == "matrix" || k == "name" => {
            Err(t!("matrix-cannot-vary", text = format!("{text:?}")))
        }
        _ => Ok(segs),
    }
}

/// Writes `value` at `path` in `table`, creating tables on the way.
fn set(table: &mut toml::Table, path: &[Seg], value: toml::Value) -> Result<(), String> {
    let mut root = toml::Value::Table(std::mem::take(table));
    let r = set_in(&mut root, path, value);
    if let toml::Value::Table(t) = root {
        *table = t;
    }
    r
}

fn set_in(here: &mut toml::Value, path: &[Seg], value: toml::Value) -> Result<(), String> {
    let Some((first, rest)) = path.split_first() else {
        *here = value;
        return Ok(());
    };
    match (first, here) {
        (Seg::Key(k), toml::Value::Table(t)) => {
            let next = t
                .entry(k.clone())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            set_in(next, rest, value)
        }
        (Seg::Index(n), toml::Value::Array(a)) => {
            let len = a.len();
            let item = a.get_mut(*n).ok_or_else(|| {
                t!(
                    "matrix-no-element",
                    index = n,
                    len = crate::i18n::count(len).ungrouped()
                )
            })?;
            set_in(item, rest, value)
        }
        (Seg::Key(k), _) => Err(t!("matrix-not-in-table", key = format!("{k:?}"))),
        (Seg::Index(n), _) => Err(t!("matrix-not-in-array", index = n)),
    }
}

/// The `[matrix]` table read: the lists whose every combination is a cell, and the
/// `include` cells added after them.
#[derive(Default)]
struct Sweep {
    lists: Vec<Vec<Set>>,
    extra: Vec<Vec<Set>>,
}

/// Plans a scenario: one plan, or one per matrix cell.
pub fn expand(
    src: &Source,
    sc: &Scenario,
    opts: &PlanOptions,
) -> Result<Vec<RunPlan>, ScenarioError> {
    let Some(matrix) = &sc.matrix else {
        return plan::plan(src, sc, opts).map(|p| vec![p]);
    };
    let sweep = read_matrix(src, matrix)?;
    let cells = cells(src, sweep)?;
    plan_cells(src, &cells, opts)
}

/// Reads every entry of `[matrix]`, each problem located at the entry.
fn read_matrix(src: &Source, matrix: &toml::Table) -> Result<Sweep, ScenarioError> {
    let mut d = Diagnostics::new(src);
    let mut sweep = Sweep::default();
    for (key, v) in matrix {
        let at = path(&["matrix", key]);
        if key == "include" {
            sweep.extra.extend(include_cells(&at, v, &mut d));
            continue;
        }
        match v.as_array() {
            Some(values) if !values.is_empty() => {
                let sets = values
                    .iter()
                    .enumerate()
                    .filter_map(|(i, value)| set_of(key, at.index(i), value, &mut d))
                    .collect();
                sweep.lists.push(sets);
            }
            _ => d.push(&at, t!("matrix-not-a-list")),
        }
    }
    d.finish().map(|()| sweep)
}

/// `include` (at `at`): a list of tables, each one extra cell.
fn include_cells(at: &KeyPath, v: &toml::Value, d: &mut Diagnostics) -> Vec<Vec<Set>> {
    let Some(items) = v.as_array() else {
        d.push(at, t!("matrix-include-not-a-list"));
        return Vec::new();
    };
    let mut cells = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Some(t) = item.as_table() else {
            d.push(&at.index(i), t!("matrix-include-not-a-table"));
            continue;
        };
        let cell: Vec<Set> = t
            .iter()
            .filter_map(|(k, v)| set_of(k, at.index(i).key(k), v, d))
            .collect();
        cells.push(cell);
    }
    cells
}

/// One assignment, its dotted `key` parsed (a bad key is pushed at `at`).
fn set_of(key: &str, at: KeyPath, value: &toml::Value, d: &mut Diagnostics) -> Option<Set> {
    let path = d.check(&at, parse_path(key))?;
    Some(Set {
        key: key.to_string(),
        path,
        at,
        value: value.clone(),
    })
}

/// Every combination of the lists, then the extra cells: at least one, at most
/// [`MAX_CELLS`].
fn cells(src: &Source, sweep: Sweep) -> Result<Vec<Vec<Set>>, ScenarioError> {
    let mut cells: Vec<Vec<Set>> = if sweep.lists.is_empty() {
        Vec::new()
    } else {
        vec![Vec::new()]
    };
    for list in &sweep.lists {
        cells = cells
            .iter()
            .flat_map(|c| {
                list.iter()
                    .map(move |s| c.iter().cloned().chain([s.clone()]).collect())
            })
            .collect();
        if cells.len() > MAX_CELLS {
            break;
        }
    }
    cells.extend(sweep.extra);
    if cells.is_empty() || cells.len() > MAX_CELLS {
        return Err(ScenarioError(vec![src.error_at(
            &path(&["matrix"]),
            t!("matrix-cells", cells = cells.len(), max = MAX_CELLS),
        )]));
    }
    Ok(cells)
}

/// Plans every cell on top of the file's own tables (without `[matrix]`).
fn plan_cells(
    src: &Source,
    cells: &[Vec<Set>],
    opts: &PlanOptions,
) -> Result<Vec<RunPlan>, ScenarioError> {
    let mut base: toml::Table = toml::from_str(&src.text).expect("the file parsed as a scenario");
    base.remove("matrix");
    let mut d = Diagnostics::new(src);
    let mut plans = Vec::new();
    for cell in cells {
        if let Some(p) = plan_cell(src, &base, cell, opts, &mut d) {
            plans.push(p);
        }
    }
    d.finish().map(|()| plans)
}

/// Plans one cell; its plan's problems are added to `d` once each.
fn plan_cell(
    src: &Source,
    base: &toml::Table,
    cell: &[Set],
    opts: &PlanOptions,
    d: &mut Diagnostics,
) -> Option<RunPlan> {
    let label = cell
        .iter()
        .map(|s| format!("{}={}", s.key, s.value))
        .collect::<Vec<_>>()
        .join(", ");
    let cell_sc = cell_scenario(base, cell, &label, d)?;
    match plan::plan(src, &cell_sc, opts) {
        Ok(mut p) => {
            p.cell = Some(label);
            Some(p)
        }
        Err(ScenarioError(list)) => {
            for diagnostic in list {
                d.push_once(at_the_matrix(src, cell, &label, diagnostic));
            }
            None
        }
    }
}

/// The scenario of one cell: the file's tables with the cell's values written in.
fn cell_scenario(
    base: &toml::Table,
    cell: &[Set],
    label: &str,
    d: &mut Diagnostics,
) -> Option<Scenario> {
    let mut doc = base.clone();
    let mut bad = false;
    for s in cell {
        if let Err(m) = set(&mut doc, &s.path, s.value.clone()) {
            d.push(&s.at, format!("{}: {m}", s.key));
            bad = true;
        }
    }
    if bad {
        return None;
    }
    match serde::Deserialize::deserialize(toml::Value::Table(doc)) {
        Ok(s) => Some(s),
        Err(e) => {
            let e: toml::de::Error = e;
            let at = cell
                .first()
                .map(|s| s.at.clone())
                .unwrap_or_else(|| path(&["matrix"]));
            d.push(
                &at,
                t!(
                    "matrix-in-cell",
                    label = label,
                    message = e.message().trim()
                ),
            );
            None
        }
    }
}

/// A problem with a swept key is shown where the matrix gave the value.
fn at_the_matrix(src: &Source, cell: &[Set], label: &str, mut d: Diagnostic) -> Diagnostic {
    if let Some(s) = cell
        .iter()
        .find(|s| KeyPath(s.path.clone()).to_string() == d.key)
    {
        let at = src.error_at(&s.at, "");
        d.line = at.line;
        d.column = at.column;
        d.key = at.key;
        d.message = t!("matrix-in-cell", label = label, message = d.message);
    }
    d
}

/// A folder name for a cell: `03-limits.pids-100`.
pub fn cell_dir(index: usize, label: &str) -> String {
    let clean: String = label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    let clean = clean
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let short: String = clean.chars().take(60).collect();
    format!("{:02}-{short}", index + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::PidsSource;

    fn expand_text(text: &str) -> Result<Vec<RunPlan>, ScenarioError> {
        let src = Source::from_text("sweep.toml", text);
        let sc = src.parse()?;
        expand(&src, &sc, &PlanOptions::default())
    }

    const BASE: &str = "duration = \"1s\"\n[[workload]]\nkind = \"forkbomb\"\n";

    #[test]
    fn lists_multiply_and_include_adds() {
        let plans = expand_text(&format!(
            "{BASE}[matrix]\n\"limits.pids\" = [\"max\", 1000, 100]\ninclude = [{{ \"limits.pids\" = \"max\", \"sandbox.rlimits.nproc\" = 100 }}]\n"
        ))
        .unwrap();
        assert_eq!(plans.len(), 4);
        assert_eq!(plans[0].limits.pids.source, PidsSource::SafetyCeiling);
        assert_eq!(plans[1].limits.pids.max, 1000);
        assert_eq!(plans[2].limits.pids.max, 100);
        assert_eq!(plans[3].sandbox.rlimits.nproc, Some(100));
        assert_eq!(plans[1].cell.as_deref(), Some("limits.pids=1000"));
        assert_eq!(
            plans[3].cell.as_deref(),
            Some("limits.pids=\"max\", sandbox.rlimits.nproc=100")
        );
        let two = expand_text(&format!(
            "{BASE}[matrix]\n\"limits.pids\" = [10, 20]\n\"workload[0].style\" = [\"classic\", \"binary\"]\n"
        ))
        .unwrap();
        assert_eq!(two.len(), 4);
        assert_eq!(
            two[3].workloads[0].spec,
            crate::workloads::WorkloadSpec::Forkbomb {
                style: crate::workloads::BombStyle::Binary
            }
        );
    }

    #[test]
    fn a_bad_value_points_at_the_matrix() {
        let e = expand_text(&format!("{BASE}[matrix]\n\"limits.pids\" = [10, 0]\n")).unwrap_err();
        let d = &e.0[0];
        assert_eq!((d.line, d.column), (5, 22), "{d}");
        assert!(
            d.message.contains("in the matrix cell limits.pids=0")
                && d.message.contains("positive"),
            "{d}"
        );
    }

    #[test]
    fn bad_keys_and_shapes_are_located() {
        for (matrix, hint) in [
            ("\"limits.pidz\" = [1]", "unknown field `pidz`"),
            ("\"limits..pids\" = [1]", "dotted scenario key"),
            ("\"name\" = [\"a\"]", "cannot vary"),
            ("\"limits.pids\" = 10", "non-empty list"),
            ("\"limits.pids\" = []", "non-empty list"),
            ("\"workload[3].style\" = [\"binary\"]", "no element [3]"),
            ("include = 3", "list of tables"),
        ] {
            let e = expand_text(&format!("{BASE}[matrix]\n{matrix}\n")).unwrap_err();
            let d = &e.0[0];
            assert!(d.message.contains(hint), "{matrix}: {d}");
            assert_eq!(d.line, 5, "{matrix}: {d}");
        }
    }

    #[test]
    fn bad_keys_and_shapes_are_said_in_spanish() {
        use crate::i18n::{Lang, with};
        with(Lang::Es, || {
            for (matrix, want) in [
                (
                    "\"limits..pids\" = [1]",
                    "\"limits..pids\" no es una clave de escenario con puntos como \"limits.pids\"",
                ),
                (
                    "\"name\" = [\"a\"]",
                    "\"name\" no puede variar en un barrido (todas las celdas comparten",
                ),
                (
                    "\"limits.pids\" = 10",
                    "debe ser una lista no vacía de valores para el barrido",
                ),
                (
                    "\"workload[3].style\" = [\"binary\"]",
                    "workload[3].style: no hay ningún elemento [3] (el arreglo tiene 1 elemento)",
                ),
                (
                    "include = 3",
                    "debe ser una lista de tablas, p. ej. include = [{ \"limits.pids\" = 10 }]",
                ),
                ("include = [3]", "debe ser una tabla de claves y valores"),
            ] {
                let e = expand_text(&format!("{BASE}[matrix]\n{matrix}\n")).unwrap_err();
                assert!(e.0[0].message.contains(want), "{matrix}: {e}");
            }
            let two = format!("{BASE}[[workload]]\nkind = \"forkbomb\"\n");
            let e = expand_text(&format!(
                "{two}[matrix]\n\"workload[2].style\" = [\"binary\"]\n"
            ))
            .unwrap_err();
            assert!(
                e.0[0].message.contains("(el arreglo tiene 2 elementos)"),
                "{e}"
            );
            assert!(
                parse_path("a[x]")
                    .unwrap_err()
                    .ends_with("\"x\" no es un índice")
            );
            assert!(
                parse_path("a[1")
                    .unwrap_err()
                    .ends_with("falta cerrar el [")
            );
            assert!(
                parse_path("a[1]b")
                    .unwrap_err()
                    .contains("no se esperaba \"b\"")
            );
        });
        with(Lang::En, || {
            assert_eq!(
                parse_path("a[x]").unwrap_err(),
                "\"a[x]\": \"x\" is not an index"
            );
            assert_eq!(parse_path("a[1").unwrap_err(), "\"a[1\": unclosed [");
            assert_eq!(
                parse_path("a[1]b").unwrap_err(),
                "\"a[1]b\": unexpected \"b\""
            );
            let e = expand_text(&format!("{BASE}[matrix]\ninclude = 3\n")).unwrap_err();
            assert!(
                e.0[0].message.ends_with(
                    "must be a list of tables, e.g. include = [{ \"limits.pids\" = 10 }]"
                ),
                "{e}"
            );
        });
    }

    #[test]
    fn paths_and_dirs() {
        assert_eq!(
            parse_path("workload[1].style").unwrap(),
            vec![
                Seg::Key("workload".into()),
                Seg::Index(1),
                Seg::Key("style".into())
            ]
        );
        assert!(parse_path("a[x]").is_err());
        assert_eq!(
            cell_dir(2, "limits.pids=\"max\", sandbox.rlimits.nproc=100"),
            "03-limits.pids-max-sandbox.rlimits.nproc-100"
        );
    }
}
