//! Errors of loading and saving a snapshot, written to be acted on.

use std::path::{Path, PathBuf};

/// Why a snapshot could not be loaded or saved.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// No snapshot file where one was looked for.
    #[error(
        "no mssqlx schema snapshot found; looked for:\n{}\ncreate one from DDL scripts with \
         `mssqlx snapshot --from-ddl schema.sql -o mssqlx.json`, or point MSSQLX_SNAPSHOT \
         (or `[package.metadata.mssqlx] snapshot` in Cargo.toml) at an existing file",
        .tried.iter().map(|p| format!("  - {}", p.display())).collect::<Vec<_>>().join("\n")
    )]
    NotFound {
        /// Every path that was tried, in order.
        tried: Vec<PathBuf>,
    },
    /// The file exists but could not be read or written.
    #[error("cannot access snapshot {}: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The file is not valid JSON, or not a valid snapshot.
    #[error("{}:{line}:{column}: invalid snapshot: {message}; regenerate it with `mssqlx snapshot` or fix the JSON at that position", .path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What serde_json says is wrong there.
        message: String,
    },
    /// The file's `format_version` is not one this mssqlx reads.
    #[error(
        "{}: snapshot format_version {found} is not supported by this mssqlx (it reads version{} {}); \
         regenerate the snapshot with this version's `mssqlx snapshot`, or upgrade mssqlx",
        .path.display(),
        if .supported.len() == 1 { "" } else { "s" },
        .supported.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", ")
    )]
    UnknownVersion {
        /// The file.
        path: PathBuf,
        /// The version it declares.
        found: u32,
        /// The versions understood here.
        supported: Vec<u32>,
    },
}

impl SnapshotError {
    /// The error for failing to read `path`: a missing file says how to create one.
    pub(crate) fn reading(path: &Path, source: std::io::Error) -> SnapshotError {
        if source.kind() == std::io::ErrorKind::NotFound {
            SnapshotError::NotFound {
                tried: vec![path.to_path_buf()],
            }
        } else {
            SnapshotError::Io {
                path: path.to_path_buf(),
                source,
            }
        }
    }
}
