//! The scenario format described for machines and people, generated from the same Rust
//! types the parser uses: a JSON Schema (`scenarios/schema.json`, for editors: taplo / Even
//! Better TOML) and `docs/scenario.md`. Tests regenerate both and fail if the committed files
//! drifted, so neither can go stale.

use schemars::JsonSchema;
use serde_json::{Value, json};

use crate::data::metrics::METRICS;
use crate::scenario::Scenario;
use crate::workloads::KINDS;

/// A size with a unit, as the parser takes it.
pub const SIZE_PATTERN: &str =
    r"^\s*[0-9][0-9_]*(\.[0-9]+)?\s*(B|KiB|MiB|GiB|TiB|KB|MB|GB|TB|K|M|G|T)\s*$";
/// A duration with a unit.
pub const DURATION_PATTERN: &str = r"^\s*[0-9][0-9_]*(\.[0-9]+)?\s*(ns|us|µs|ms|s|m|h)\s*$";
/// A rate: a size per second.
pub const RATE_PATTERN: &str =
    r"^\s*[0-9][0-9_]*(\.[0-9]+)?\s*(B|KiB|MiB|GiB|TiB|KB|MB|GB|TB|K|M|G|T)/s\s*$";

/// `limits.pids`: a count, or "max".
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum Pids {
    Count(#[schemars(range(min = 1))] u64),
    NoLimit(MaxWord),
}

#[derive(JsonSchema)]
#[allow(dead_code)]
pub enum MaxWord {
    #[serde(rename = "max")]
    Max,
}

/// A size: bytes as an integer, or a string with a unit.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum Size {
    Bytes(u64),
    WithUnit(#[schemars(regex(pattern = SIZE_PATTERN))] String),
}

/// A number (integer or float).
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum Number {
    Float(f64),
}

/// `workload.kind`: one of the kinds limitlab knows.
pub fn kind_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let names: Vec<&str> = KINDS.iter().map(|k| k.name).collect();
    schemars::json_schema!({ "type": "string", "enum": names, "examples": ["forkbomb", "memhog"] })
}

/// `[expect]`: metric names to comparisons.
pub fn expect_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let names: Vec<&str> = METRICS.iter().map(|m| m.name).collect();
    schemars::json_schema!({
        "type": "object",
        "propertyNames": { "enum": names },
        "examples": [{ "pids.peak": "<= 100", "teardown.leaked": "== 0" }],
        "additionalProperties": {
            "type": "string",
            "pattern": r"^\s*((<=|>=|==|!=|<|>)\s*\S.*|\S+\s*\.\.\s*\S+)\s*$",
            "examples": ["<= 101", ">= 1", "== 0", "0.45..0.55"]
        }
    })
}

/// `[matrix]`: dotted keys to lists of values, and `include`.
pub fn matrix_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "object",
        "properties": {
            "include": {
                "description": "Extra cells, each a table of dotted keys and values.",
                "type": "array",
                "items": { "type": "object" },
                "examples": [[{ "limits.pids": "max", "sandbox.rlimits.nproc": 100 }]]
            }
        },
        "additionalProperties": { "type": "array", "minItems": 1 },
        "examples": [{ "limits.pids": [10, 100, 1000] }]
    })
}

/// The JSON Schema of a scenario file.
pub fn schema() -> Value {
    let mut s = serde_json::to_value(schemars::schema_for!(Scenario)).expect("a schema serializes");
    if let Some(o) = s.as_object_mut() {
        o.insert(
            "$id".into(),
            json!("https://limitlab.invalid/scenario.schema.json"),
        );
        o.insert("title".into(), json!("limitlab scenario"));
    }
    s
}

/// The schema as `scenarios/schema.json` holds it.
pub fn schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&schema()).expect("a schema serializes");
    text.push('\n');
    text
}

/// One key of the scenario format, as the docs list it.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyDoc {
    /// As the docs show it: `[sandbox]`, `[[workload]]`, `sandbox.uid`.
    pub key: String,
    /// The dotted path alone: `sandbox`, `workload`, `sandbox.uid`.
    pub path: String,
    /// A table whose keys are the user's to choose (`[expect]`, `[matrix]`).
    pub open: bool,
    pub kind: String,
    pub description: String,
    pub default: Option<String>,
    /// The unit a value is in, where it has one: from the type (a size, a duration, a
    /// rate) or an `x-unit` annotation on the key.
    pub unit: Option<String>,
    pub examples: Vec<String>,
}

impl KeyDoc {
    /// The message that says what the key is for a person (`limitlab list`):
    /// `scenario-key-sandbox-rlimits-nproc` for `sandbox.rlimits.nproc`.
    pub fn message_id(&self) -> String {
        format!("scenario-key-{}", self.path.replace(['.', '_'], "-"))
    }

    /// What the key is, on one line, in the current language where the key has its message
    /// (the `[sandbox]` keys), else as the schema says it. The schema, and docs/scenario.md
    /// made from it, stay English: [`KeyDoc::description`] is their data.
    pub fn description_text(&self) -> String {
        use crate::i18n::{Lang, message, tr};
        let id = self.message_id();
        if message(Lang::En, &id, &[]).is_some() {
            tr(&id, &[])
        } else {
            one_line(&self.description)
        }
    }
}

/// Text with every run of whitespace (the doc comment's line breaks) as one space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The unit of a key's value: an `x-unit` annotation, else what its type implies.
fn unit_of(root: &Value, p: &Value) -> Option<String> {
    if let Some(u) = p.get("x-unit").and_then(Value::as_str) {
        return Some(u.to_string());
    }
    let refs_size = |v: &Value| v.get("$ref").and_then(Value::as_str) == Some("#/$defs/Size");
    let is_size = refs_size(p)
        || p.get("anyOf")
            .and_then(Value::as_array)
            .is_some_and(|alts| alts.iter().any(refs_size));
    let pattern = resolve(root, p).get("pattern").and_then(Value::as_str);
    if is_size {
        Some("bytes (or a size with a unit)".into())
    } else if pattern == Some(DURATION_PATTERN) {
        Some("a duration with a unit".into())
    } else if pattern == Some(RATE_PATTERN) {
        Some("bytes per second (a size with a unit, then /s)".into())
    } else {
        None
    }
}

fn resolve<'a>(root: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.rsplit('/').next().unwrap_or_default();
            root.pointer(&format!("/$defs/{name}")).unwrap_or(v)
        }
        None => v,
    }
}

fn type_of(root: &Value, v: &Value) -> String {
    let v = resolve(root, v);
    if let Some(t) = v.get("type") {
        let types: Vec<String> = match t {
            Value::Array(a) => a
                .iter()
                .filter_map(|x| x.as_str())
                .filter(|x| *x != "null")
                .map(String::from)
                .collect(),
            Value::String(s) => vec![s.clone()],
            _ => vec![],
        };
        let mut out = types.join(" or ");
        if let Some(items) = v.get("items") {
            out = format!("array of {}", type_of(root, items));
        }
        if let Some(e) = v.get("enum").and_then(Value::as_array) {
            let names: Vec<String> = e
                .iter()
                .filter(|x| !x.is_null())
                .map(|x| x.to_string())
                .collect();
            out = format!("one of {}", names.join(", "));
        }
        return out;
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(alts) = v.get(key).and_then(Value::as_array) {
            let parts: Vec<String> = alts
                .iter()
                .map(|a| type_of(root, a))
                .filter(|t| t != "null" && !t.is_empty())
                .collect();
            return parts.join(" or ");
        }
    }
    if let Some(e) = v.get("enum").and_then(Value::as_array) {
        return format!(
            "one of {}",
            e.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if let Some(c) = v.get("const") {
        return c.to_string();
    }
    "any".into()
}

fn collect(root: &Value, v: &Value, prefix: &str, out: &mut Vec<KeyDoc>) {
    let v = resolve(root, v);
    let props = match v.get("properties").and_then(Value::as_object) {
        Some(p) => p,
        None => {
            // Option<Table>: the table is one of the alternatives.
            if let Some(alts) = v.get("anyOf").and_then(Value::as_array) {
                for a in alts {
                    collect(root, a, prefix, out);
                }
            }
            return;
        }
    };
    for (name, p) in props {
        let key = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        let target = resolve(root, p);
        let inner = target
            .get("anyOf")
            .and_then(Value::as_array)
            .and_then(|alts| {
                alts.iter()
                    .map(|a| resolve(root, a))
                    .find(|a| a.get("properties").is_some())
            });
        let table = target.get("properties").is_some()
            || inner.is_some()
            || target.get("type").and_then(Value::as_str) == Some("object");
        let array_of_tables = target
            .get("items")
            .map(|i| resolve(root, i).get("properties").is_some())
            .unwrap_or(false);
        let description = p
            .get("description")
            .or_else(|| target.get("description"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let open = target
            .get("additionalProperties")
            .is_some_and(Value::is_object);
        out.push(KeyDoc {
            path: key.clone(),
            open,
            key: if array_of_tables {
                format!("[[{key}]]")
            } else if table {
                format!("[{key}]")
            } else {
                key.clone()
            },
            kind: if array_of_tables {
                "array of tables".into()
            } else if open {
                format!(
                    "table of {}",
                    type_of(root, &target["additionalProperties"])
                )
            } else if table {
                "table".into()
            } else {
                type_of(root, p)
            },
            description,
            default: p
                .get("default")
                .or_else(|| target.get("default"))
                .map(|d| d.to_string()),
            unit: unit_of(root, p),
            examples: p
                .get("examples")
                .or_else(|| target.get("examples"))
                .and_then(Value::as_array)
                .map(|e| e.iter().map(|x| x.to_string()).collect())
                .unwrap_or_default(),
        });
        if table {
            collect(root, inner.unwrap_or(target), &key, out);
        } else if array_of_tables {
            collect(root, target.get("items").expect("checked"), &key, out);
        }
    }
}

/// Every key of the scenario format, in file order.
pub fn keys() -> Vec<KeyDoc> {
    let s = schema();
    let mut out = Vec::new();
    collect(&s, &s, "", &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_described() {
        let keys = keys();
        for want in [
            "duration",
            "[limits]",
            "limits.pids",
            "[[workload]]",
            "workload.kind",
            "sandbox.rlimits.as",
            "[expect]",
            "[matrix]",
        ] {
            assert!(
                keys.iter().any(|k| k.key == want),
                "{want} in {:?}",
                keys.iter().map(|k| &k.key).collect::<Vec<_>>()
            );
        }
        for k in &keys {
            assert!(!k.description.is_empty(), "{} has no description", k.key);
            assert!(
                !k.kind.is_empty() && k.kind != "any" || k.key == "[matrix]",
                "{}: {}",
                k.key,
                k.kind
            );
        }
    }

    /// The keys `limitlab list` describes under "[sandbox] keys".
    fn sandbox_keys() -> Vec<KeyDoc> {
        keys()
            .into_iter()
            .filter(|k| k.path.starts_with("sandbox."))
            .collect()
    }

    #[test]
    fn every_sandbox_key_says_what_it_is_in_both_languages_and_english_as_the_schema() {
        use crate::i18n::{Lang, message};
        let keys = sandbox_keys();
        assert!(keys.len() >= 15, "{keys:?}");
        for k in &keys {
            let id = k.message_id();
            let english = one_line(&k.description);
            assert_eq!(message(Lang::En, &id, &[]), Some(english.clone()), "{id}");
            let es = message(Lang::Es, &id, &[]).unwrap_or_else(|| panic!("{id}: no Spanish"));
            assert_ne!(es, english, "{id} is not translated");
        }
    }

    #[test]
    fn a_sandbox_key_reads_in_spanish_and_the_schema_stays_english() {
        use crate::i18n::{Lang, with};
        let keys = sandbox_keys();
        let uid = keys.iter().find(|k| k.path == "sandbox.uid").unwrap();
        let nproc = keys
            .iter()
            .find(|k| k.path == "sandbox.rlimits.nproc")
            .unwrap();
        with(Lang::Es, || {
            assert_eq!(
                uid.description_text(),
                "El uid con el que corre la carga (65534 es nobody)."
            );
            assert!(
                nproc
                    .description_text()
                    .starts_with("RLIMIT_NPROC: procesos del uid de la carga en toda la máquina")
            );
            // The schema's own text is the same whatever the language.
            assert_eq!(keys, sandbox_keys());
            assert!(schema_text().contains("The uid the workload runs as (65534 is nobody)."));
        });
        with(Lang::En, || {
            for k in &keys {
                assert_eq!(k.description_text(), one_line(&k.description), "{}", k.key);
            }
            let duration = keys_named("duration");
            assert_eq!(duration.description_text(), one_line(&duration.description));
        });
    }

    fn keys_named(path: &str) -> KeyDoc {
        keys().into_iter().find(|k| k.path == path).unwrap()
    }
}
