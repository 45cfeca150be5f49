//! The text of a scenario file: reading it, parsing it into [`Scenario`], and locating
//! keys and byte offsets as line and column for every diagnostic.

use crate::t;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

use super::Scenario;
use super::diagnostics::{Diagnostic, KeyPath, ScenarioError, Seg, closest};

/// The text of a scenario file, kept to point errors at lines and columns.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    pub text: String,
}

impl Source {
    /// Reads a scenario file. Unreadable files, directories and non-UTF-8 content are
    /// reported as diagnostics at 1:1 (or at the first bad byte).
    pub fn read(path: &Path) -> Result<Source, ScenarioError> {
        let whole = |message: String| {
            ScenarioError(vec![Diagnostic {
                file: path.to_path_buf(),
                line: 1,
                column: 1,
                key: t!("diagnostic-file"),
                message,
            }])
        };
        const MAX: u64 = 4 << 20;
        let meta =
            std::fs::metadata(path).map_err(|e| whole(t!("scenario-cannot-read", error = e)))?;
        if meta.is_dir() {
            return Err(whole(t!("scenario-is-directory")));
        }
        if !meta.is_file() {
            // A FIFO would block, a device would never end.
            return Err(whole(t!("scenario-not-regular")));
        }
        if meta.len() > MAX {
            return Err(whole(t!("scenario-too-big", size = meta.len(), max = MAX)));
        }
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(
            &mut std::io::Read::take(
                std::fs::File::open(path)
                    .map_err(|e| whole(t!("scenario-cannot-read", error = e)))?,
                MAX + 1,
            ),
            &mut bytes,
        )
        .map_err(|e| whole(t!("scenario-cannot-read", error = e)))?;
        if bytes.len() as u64 > MAX {
            return Err(whole(t!("scenario-more-than", max = MAX)));
        }
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let good = e.utf8_error().valid_up_to();
                let bytes = e.into_bytes();
                let prefix = String::from_utf8_lossy(&bytes[..good]).into_owned();
                let (line, column) = line_col(&prefix, good);
                return Err(ScenarioError(vec![Diagnostic {
                    file: path.to_path_buf(),
                    line,
                    column,
                    key: t!("diagnostic-file"),
                    message: t!("scenario-not-utf8"),
                }]));
            }
        };
        Ok(Source {
            path: path.to_path_buf(),
            text,
        })
    }

    pub fn from_text(path: impl Into<PathBuf>, text: impl Into<String>) -> Source {
        Source {
            path: path.into(),
            text: text.into(),
        }
    }

    /// Parses the file into [`Scenario`]; syntax and type errors come back located. serde
    /// stops at the first problem, so every other unknown key of the file is added, each
    /// located: a file with three typos is fixed in one round, not three.
    pub fn parse(&self) -> Result<Scenario, ScenarioError> {
        toml::from_str::<Scenario>(&self.text).map_err(|e| {
            let offset = e.span().map(|s| s.start).unwrap_or(0);
            let key = self
                .path_at(offset)
                .map(|p| p.to_string())
                .unwrap_or_else(|| t!("diagnostic-syntax"));
            let first = self.diagnostic(offset, key, e.message().trim());
            let mut diags = self.unknown_keys();
            // serde's own unknown-field error is one of them, said with less help.
            if !diags
                .iter()
                .any(|x| (x.line, x.column) == (first.line, first.column))
            {
                diags.push(first);
            }
            diags.sort_by_key(|d| (d.line, d.column));
            ScenarioError(diags)
        })
    }

    /// Every key of the file that the format does not have, located (none where the file
    /// is not TOML at all: serde's syntax error says where).
    fn unknown_keys(&self) -> Vec<Diagnostic> {
        let Ok(root) = DeTable::parse(&self.text) else {
            return Vec::new();
        };
        // The format's keys as dotted paths without indices, and the tables whose keys
        // are the user's (`[expect]`, `[matrix]`). Made once: the schema is generated for it.
        static KEYS: std::sync::OnceLock<(Vec<String>, Vec<String>)> = std::sync::OnceLock::new();
        let (known, free) = KEYS.get_or_init(|| {
            let keys = crate::scenario::schema::keys();
            let open = keys.iter().filter(|k| k.open).map(|k| k.path.clone());
            (
                keys.iter().map(|k| k.path.clone()).collect(),
                open.collect(),
            )
        });
        let mut out = Vec::new();
        self.unknown_in(root.get_ref(), "", &KeyPath::root(), known, free, &mut out);
        out
    }

    fn unknown_in(
        &self,
        table: &DeTable<'_>,
        prefix: &str,
        at: &KeyPath,
        known: &[String],
        free: &[String],
        out: &mut Vec<Diagnostic>,
    ) {
        if free.iter().any(|f| f == prefix) {
            return;
        }
        for (k, v) in table.iter() {
            let name = k.get_ref().as_ref();
            let dotted = if prefix.is_empty() {
                name.to_string()
            } else {
                format!("{prefix}.{name}")
            };
            let here = at.key(name);
            if !known.contains(&dotted) {
                let siblings: Vec<&str> = known
                    .iter()
                    .filter_map(|p| {
                        let rest = if prefix.is_empty() {
                            Some(p.as_str())
                        } else {
                            p.strip_prefix(prefix).and_then(|r| r.strip_prefix('.'))
                        };
                        rest.filter(|r| !r.contains('.'))
                    })
                    .collect();
                let listed: Vec<String> = siblings.iter().map(|r| format!("`{r}`")).collect();
                let hint = closest(name, siblings.iter().copied())
                    .map(|c| t!("scenario-did-you-mean", candidate = c))
                    .unwrap_or_default();
                out.push(self.diagnostic(
                    k.span().start,
                    here.to_string(),
                    t!(
                        "scenario-unknown-field",
                        name = name,
                        hint = hint,
                        expected = listed.join(", ")
                    ),
                ));
                continue;
            }
            match v.get_ref() {
                DeValue::Table(t) => self.unknown_in(t, &dotted, &here, known, free, out),
                DeValue::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        if let Some(t) = item.get_ref().as_table() {
                            self.unknown_in(t, &dotted, &here.index(i), known, free, out);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// A diagnostic for the value at `key`, or at the nearest existing parent table.
    pub fn error_at(&self, key: &KeyPath, message: impl Into<String>) -> Diagnostic {
        self.diagnostic(self.offset_of(key).unwrap_or(0), key.to_string(), message)
    }

    /// A diagnostic about `key`, located at byte `offset` of the file.
    fn diagnostic(&self, offset: usize, key: String, message: impl Into<String>) -> Diagnostic {
        let (line, column) = line_col(&self.text, offset);
        Diagnostic {
            file: self.path.clone(),
            line,
            column,
            key,
            message: message.into(),
        }
    }

    fn offset_of(&self, key: &KeyPath) -> Option<usize> {
        let root = DeTable::parse(&self.text).ok()?;
        let mut best = None;
        let mut table: Option<&DeTable<'_>> = Some(root.get_ref());
        let mut value: Option<&toml::Spanned<DeValue<'_>>> = None;
        for seg in &key.0 {
            let next = match (seg, table, value) {
                (Seg::Key(k), Some(t), _) => t.get(k.as_str()),
                (Seg::Index(i), _, Some(v)) => v.get_ref().as_array().and_then(|a| a.get(*i)),
                _ => None,
            };
            let Some(next) = next else { break };
            best = Some(next.span().start);
            value = Some(next);
            table = next.get_ref().as_table();
        }
        best
    }

    /// The key path whose key or value covers byte `offset`, for serde's errors.
    fn path_at(&self, offset: usize) -> Option<KeyPath> {
        let root = DeTable::parse(&self.text).ok()?;
        let mut path = KeyPath::root();
        descend_table(root.get_ref(), offset, &mut path).then_some(path)
    }
}

/// Finds the key whose key or value text covers `offset`, searching the whole tree (a
/// table's own span is only its header, so its contents are searched regardless).
fn descend_table(table: &DeTable<'_>, offset: usize, path: &mut KeyPath) -> bool {
    for (k, v) in table.iter() {
        path.0.push(Seg::Key(k.get_ref().to_string()));
        if k.span().contains(&offset) || descend_value(v, offset, path) {
            return true;
        }
        path.0.pop();
    }
    false
}

fn descend_value(value: &toml::Spanned<DeValue<'_>>, offset: usize, path: &mut KeyPath) -> bool {
    if let Some(t) = value.get_ref().as_table() {
        if descend_table(t, offset, path) {
            return true;
        }
    } else if let Some(a) = value.get_ref().as_array() {
        for (i, item) in a.iter().enumerate() {
            path.0.push(Seg::Index(i));
            if descend_value(item, offset, path) {
                return true;
            }
            path.0.pop();
        }
    }
    value.span().contains(&offset)
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::path;

    fn parse(text: &str) -> Result<Scenario, ScenarioError> {
        Source::from_text("t.toml", text).parse()
    }

    #[test]
    fn unknown_key_is_located() {
        let e = parse("duration = \"5s\"\n[limits]\npidz = 3\n").unwrap_err();
        let d = &e.0[0];
        assert_eq!((d.line, d.column), (3, 1));
        assert_eq!(d.key, "limits.pidz");
        assert!(d.message.contains("unknown field `pidz`"), "{}", d.message);
        assert!(
            d.message.contains("`pids`"),
            "lists what is allowed: {}",
            d.message
        );
    }

    #[test]
    fn every_unknown_key_is_reported_at_once_with_a_hint() {
        let e = parse(
            "duration = \"5s\"\nnmae = \"x\"\n[limits]\nmemroy = \"1G\"\n[[workload]]\nkind = \"forkbomb\"\n[[workload]]\nkind = \"memhog\"\nsizee = \"1G\"\n[expect]\n\"pids.peak\" = \"<= 5\"\n[matrix]\n\"limits.pids\" = [1]\n",
        )
        .unwrap_err();
        let got: Vec<(usize, &str)> = e.0.iter().map(|d| (d.line, d.key.as_str())).collect();
        assert_eq!(
            got,
            [(2, "nmae"), (4, "limits.memroy"), (9, "workload[1].sizee")],
            "{e}"
        );
        assert!(e.0[1].message.contains("(did you mean `memory`?)"), "{e}");
        assert!(e.0[2].message.contains("(did you mean `size`?)"), "{e}");
        // A wrong type is reported beside them, where serde found it.
        let e = parse("duration = \"5s\"\n[sandbox]\nuid = \"nobody\"\n[limits]\npidz = 1\n")
            .unwrap_err();
        let got: Vec<(usize, &str)> = e.0.iter().map(|d| (d.line, d.key.as_str())).collect();
        assert_eq!(got, [(3, "sandbox.uid"), (5, "limits.pidz")], "{e}");
    }

    #[test]
    fn wrong_type_is_located() {
        let e = parse("duration = \"5s\"\n[sandbox]\nuid = \"nobody\"\n").unwrap_err();
        let d = &e.0[0];
        assert_eq!(d.line, 3);
        assert_eq!(d.key, "sandbox.uid");
        assert!(d.message.contains("invalid type"), "{}", d.message);
    }

    #[test]
    fn unknown_key_in_workload_array_is_located() {
        let e = parse(
            "[[workload]]\nkind = \"forkbomb\"\n[[workload]]\nkind = \"command\"\nargs = []\n",
        )
        .unwrap_err();
        let d = &e.0[0];
        assert_eq!(d.line, 5);
        assert_eq!(d.key, "workload[1].args");
    }

    #[test]
    fn syntax_error_is_located() {
        let e = parse("duration = \"5s\"\n[limits\n").unwrap_err();
        assert_eq!(e.0[0].line, 2);
    }

    #[test]
    fn error_at_points_to_value() {
        let src = Source::from_text("t.toml", "duration = \"5s\"\n[limits]\npids = 0\n");
        let d = src.error_at(&path(&["limits", "pids"]), "must be positive");
        assert_eq!((d.line, d.column), (3, 8));
        assert_eq!(d.to_string(), "t.toml:3:8: limits.pids: must be positive");
        let src = Source::from_text("t.toml", "[expect]\n\"pids.peak\" = \"<< 3\"\n");
        let d = src.error_at(&path(&["expect", "pids.peak"]), "bad");
        assert_eq!(
            (d.line, d.column, d.key.as_str()),
            (2, 15, "expect.\"pids.peak\"")
        );
        let src = Source::from_text("t.toml", "[[workload]]\nkind = \"x\"\n");
        let d = src.error_at(&KeyPath::root().key("workload").index(0).key("kind"), "bad");
        assert_eq!((d.line, d.column), (2, 8));
    }

    #[test]
    fn the_words_in_place_of_a_key_follow_the_language() {
        use crate::i18n::{Lang, with};
        let dir = tempfile::tempdir().unwrap();
        let unreadable = dir.path().join("missing.toml");
        let broken = "duration = \"5s\"\n[limits\n";
        with(Lang::En, || {
            assert_eq!(KeyPath::root().to_string(), "(top level)");
            assert_eq!(parse(broken).unwrap_err().0[0].key, "(syntax)");
            let e = Source::read(&unreadable).unwrap_err();
            assert_eq!(e.0[0].key, "(file)");
            assert!(e.0[0].message.starts_with("cannot read: "), "{e}");
        });
        with(Lang::Es, || {
            assert_eq!(KeyPath::root().to_string(), "(nivel superior)");
            assert_eq!(parse(broken).unwrap_err().0[0].key, "(sintaxis)");
            let e = Source::read(dir.path()).unwrap_err();
            assert_eq!(
                e.0[0].to_string(),
                format!(
                    "{}:1:1: (archivo): es una carpeta, se esperaba un archivo de escenario .toml",
                    dir.path().display()
                )
            );
        });
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("é = 1", 3), (1, 3));
    }
}
