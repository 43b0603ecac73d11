//! The snapshot file: one JSON document, several named databases.
//!
//! The file is written deterministically — pretty-printed, every object's keys sorted,
//! a trailing newline — so that saving what was loaded gives the same bytes and a schema
//! change reads as a small git diff. It carries a `format_version`; a file from a newer
//! mssqlx is refused with a message saying which versions this one understands.
//!
//! ```
//! use mssqlx_offline::{Snapshot, Database};
//! let mut snap = Snapshot::new();
//! snap.databases.insert("default".into(), Database::default());
//! let text = snap.to_json();
//! assert_eq!(Snapshot::from_json(&text).unwrap(), snap);
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::SnapshotError;
use crate::model::Database;

/// The format this crate writes.
pub const FORMAT_VERSION: u32 = 1;

/// Every format this crate reads.
pub const SUPPORTED_FORMAT_VERSIONS: &[u32] = &[1];

/// The database alias queries use when they name none.
pub const DEFAULT_DATABASE: &str = "default";

/// A schema snapshot: what a build knows about its databases.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    /// The file format's version; see [`SUPPORTED_FORMAT_VERSIONS`].
    pub format_version: u32,
    /// Databases by alias (`default`, `reporting`, ...).
    #[serde(default)]
    pub databases: BTreeMap<String, Database>,
}

impl Default for Snapshot {
    fn default() -> Self {
        Snapshot::new()
    }
}

impl Snapshot {
    /// An empty snapshot of the current format.
    pub fn new() -> Self {
        Snapshot {
            format_version: FORMAT_VERSION,
            databases: BTreeMap::new(),
        }
    }

    /// The database with this alias (aliases compare exactly).
    pub fn database(&self, alias: &str) -> Option<&Database> {
        self.databases.get(alias)
    }

    /// Parses a snapshot from JSON text, with errors that carry line and column.
    pub fn from_json(text: &str) -> Result<Snapshot, SnapshotError> {
        Self::from_json_at(text, Path::new("<memory>"))
    }

    pub(crate) fn from_json_at(text: &str, path: &Path) -> Result<Snapshot, SnapshotError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        match serde_json::from_str::<Snapshot>(text) {
            Ok(snap) => {
                check_version(snap.format_version, path)?;
                Ok(snap)
            }
            Err(err) => {
                // A file from another mssqlx fails on its unknown fields first; say what
                // actually matters, the version, when we can read it.
                if let Some(found) = probe_version(text) {
                    check_version(found, path)?;
                }
                Err(SnapshotError::Json {
                    path: path.to_path_buf(),
                    line: err.line(),
                    column: err.column(),
                    message: strip_position(&err.to_string()),
                })
            }
        }
    }

    /// The snapshot as deterministic JSON: pretty, keys sorted, trailing newline.
    pub fn to_json(&self) -> String {
        // Going through `Value` sorts every object's keys (serde_json's map is a
        // BTreeMap), whatever order the structs declare their fields in.
        let value = serde_json::to_value(self).expect("snapshot types serialize infallibly");
        let mut text =
            serde_json::to_string_pretty(&value).expect("a JSON value serializes infallibly");
        text.push('\n');
        text
    }

    /// Writes the snapshot to `path` (atomically: a temporary file renamed into place,
    /// so a crash never leaves half a snapshot).
    pub fn save(&self, path: &Path) -> Result<(), SnapshotError> {
        let io = |source| SnapshotError::Io {
            path: path.to_path_buf(),
            source,
        };
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, self.to_json()).map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)
    }

    /// Reads and parses the snapshot at `path` (no caching; see [`crate::load_cached`]).
    pub fn load(path: &Path) -> Result<Snapshot, SnapshotError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| SnapshotError::reading(path, source))?;
        Self::from_json_at(&text, path)
    }
}

fn check_version(found: u32, path: &Path) -> Result<(), SnapshotError> {
    if SUPPORTED_FORMAT_VERSIONS.contains(&found) {
        Ok(())
    } else {
        Err(SnapshotError::UnknownVersion {
            path: path.to_path_buf(),
            found,
            supported: SUPPORTED_FORMAT_VERSIONS.to_vec(),
        })
    }
}

/// Reads only `format_version` out of a document that may not be a valid snapshot.
fn probe_version(text: &str) -> Option<u32> {
    #[derive(Deserialize)]
    struct Probe {
        format_version: u32,
    }
    serde_json::from_str::<Probe>(text)
        .ok()
        .map(|p| p.format_version)
}

/// serde_json appends " at line L column C"; we report those as fields.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// Where a crate's snapshot lives, in the order they are tried:
/// `$MSSQLX_SNAPSHOT` (relative to the crate), `[package.metadata.mssqlx] snapshot`
/// in the crate's Cargo.toml, then `mssqlx.json` beside that Cargo.toml.
pub fn snapshot_candidates(manifest_dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(env) = std::env::var_os("MSSQLX_SNAPSHOT") {
        out.push(manifest_dir.join(env));
        // An explicit choice is the only one: falling back would hide a typo.
        return out;
    }
    if let Some(p) = metadata_snapshot_path(&manifest_dir.join("Cargo.toml")) {
        out.push(manifest_dir.join(p));
        return out;
    }
    out.push(manifest_dir.join("mssqlx.json"));
    out
}

/// Finds the snapshot for the crate at `manifest_dir`, or says every place looked at.
pub fn locate_snapshot(manifest_dir: &Path) -> Result<PathBuf, SnapshotError> {
    let tried = snapshot_candidates(manifest_dir);
    tried
        .iter()
        .find(|p| p.is_file())
        .cloned()
        .ok_or(SnapshotError::NotFound { tried })
}

/// `[package.metadata.mssqlx] snapshot = "..."`, read from a Cargo.toml.
fn metadata_snapshot_path(cargo_toml: &Path) -> Option<String> {
    let text = std::fs::read_to_string(cargo_toml).ok()?;
    let doc: toml::Table = text.parse().ok()?;
    doc.get("package")?
        .get("metadata")?
        .get("mssqlx")?
        .get("snapshot")?
        .as_str()
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Column, Table};
    use crate::types::SqlType;

    fn sample() -> Snapshot {
        let mut snap = Snapshot::new();
        let mut db = Database::default();
        let mut t = Table::default();
        t.columns.push(Column::new("Id", 1, SqlType::Int, false));
        t.columns.push(Column::new(
            "Name",
            2,
            "nvarchar(50)".parse().unwrap(),
            true,
        ));
        db.schema_mut("dbo").tables.insert("Users".into(), t);
        snap.databases.insert("default".into(), db);
        snap
    }

    #[test]
    fn save_of_load_is_byte_identical() {
        let text = sample().to_json();
        let again = Snapshot::from_json(&text).unwrap().to_json();
        assert_eq!(text, again);
    }

    #[test]
    fn keys_are_sorted_at_every_level() {
        let text = sample().to_json();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        fn check(v: &serde_json::Value) {
            match v {
                serde_json::Value::Object(m) => {
                    let keys: Vec<_> = m.keys().collect();
                    let mut sorted = keys.clone();
                    sorted.sort();
                    assert_eq!(keys, sorted);
                    m.values().for_each(check);
                }
                serde_json::Value::Array(a) => a.iter().for_each(check),
                _ => {}
            }
        }
        check(&value);
        // and the text itself lists them in that order (no map reordering on write)
        let fv = text.find("\"databases\"").unwrap();
        let fmt = text.find("\"format_version\"").unwrap();
        assert!(fv < fmt);
    }

    #[test]
    fn invalid_json_reports_line_and_column() {
        let err = Snapshot::from_json("{\n  \"format_version\": 1,\n  \"databases\": {,}\n}")
            .unwrap_err();
        match err {
            SnapshotError::Json { line, column, .. } => {
                assert_eq!(line, 3);
                assert!(column > 0);
            }
            other => panic!("expected a JSON error, got {other:?}"),
        }
    }

    #[test]
    fn unknown_version_names_the_supported_ones() {
        let err =
            Snapshot::from_json("{\"format_version\": 99, \"databases\": {}, \"new_thing\": 1}")
                .unwrap_err();
        let msg = err.to_string();
        assert!(
            matches!(err, SnapshotError::UnknownVersion { found: 99, .. }),
            "{msg}"
        );
        assert!(msg.contains("99") && msg.contains("1"), "{msg}");
    }

    #[test]
    fn unknown_type_name_is_an_error_with_position() {
        let text = sample().to_json().replace("nvarchar(50)", "nvarchr(50)");
        let err = Snapshot::from_json(&text).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("nvarchr"), "{msg}");
        assert!(matches!(err, SnapshotError::Json { line, .. } if line > 1));
    }

    #[test]
    fn the_snapshot_is_found_beside_cargo_toml_or_where_its_metadata_says() {
        if std::env::var_os("MSSQLX_SNAPSHOT").is_some() {
            eprintln!("SKIPPED: MSSQLX_SNAPSHOT is set in this environment");
            return;
        }
        let dir = std::env::temp_dir().join(format!("mssqlx-locate-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("Cargo.toml"), "[package]\nname = \"app\"\n").unwrap();
        // Nothing there yet: the error lists the path tried and the command that makes one.
        let msg = locate_snapshot(&dir).unwrap_err().to_string();
        assert!(
            msg.contains(&dir.join("mssqlx.json").display().to_string()),
            "{msg}"
        );
        assert!(msg.contains("mssqlx snapshot --from-ddl"), "{msg}");
        Snapshot::new().save(&dir.join("mssqlx.json")).unwrap();
        assert_eq!(locate_snapshot(&dir).unwrap(), dir.join("mssqlx.json"));
        // `[package.metadata.mssqlx] snapshot` wins over the default name.
        std::fs::write(
            dir.join("Cargo.toml"),
            "[package]\nname = \"app\"\n[package.metadata.mssqlx]\nsnapshot = \"db/schema.json\"\n",
        )
        .unwrap();
        assert_eq!(snapshot_candidates(&dir), vec![dir.join("db/schema.json")]);
        assert!(locate_snapshot(&dir).is_err());
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn truncated_files_never_panic() {
        let text = sample().to_json();
        for cut in 0..text.len() {
            if text.is_char_boundary(cut) {
                let _ = Snapshot::from_json(&text[..cut]);
            }
        }
    }
}
