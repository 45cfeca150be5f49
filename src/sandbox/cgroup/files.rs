//! The one place cgroup files are written, read and created, and cgroup directories
//! removed: every error names the path (and the value written).

use std::fmt;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::CgroupError;
use crate::data::LimitWritten;

/// Writes a value to a cgroup file, with the path and value in any error.
pub fn write(path: &Path, value: &str) -> Result<(), CgroupError> {
    fs::write(path, value).map_err(|source| CgroupError::Write {
        path: path.to_path_buf(),
        value: value.to_string(),
        source,
    })
}

/// Reads a cgroup file, trimmed.
pub fn read(path: &Path) -> Result<String, CgroupError> {
    fs::read_to_string(path)
        .map(|s| s.trim().to_string())
        .map_err(|source| CgroupError::Read {
            path: path.to_path_buf(),
            source,
        })
}

/// Creates a cgroup directory, held by this process until it is removed (see [`super::hold`]);
/// an existing one is an error (names are unique per run).
pub fn mkdir(path: &Path) -> Result<(), CgroupError> {
    fs::create_dir(path).map_err(|source| CgroupError::Create {
        path: path.to_path_buf(),
        source,
    })?;
    super::hold::take(path);
    Ok(())
}

/// Writes `limit` into `dir/control` and records it.
pub fn set(
    written: &mut Vec<LimitWritten>,
    dir: &Path,
    control: &str,
    value: String,
) -> Result<(), CgroupError> {
    let path = dir.join(control);
    write(&path, &value)?;
    written.push(LimitWritten {
        control: control.to_string(),
        path,
        value,
    });
    Ok(())
}

/// Moves process `pid` (all its threads) into the cgroup `dir`, through its `cgroup.procs`.
pub fn move_into(dir: &Path, pid: impl fmt::Display) -> Result<(), CgroupError> {
    write(&dir.join("cgroup.procs"), &pid.to_string())
}

/// The pids listed in a `cgroup.procs` file (empty if the cgroup is gone).
pub fn procs(dir: &Path) -> Vec<i32> {
    let mut text = String::new();
    match fs::File::open(dir.join("cgroup.procs")).and_then(|mut f| f.read_to_string(&mut text)) {
        Ok(_) => text.lines().filter_map(|l| l.trim().parse().ok()).collect(),
        Err(_) => Vec::new(),
    }
}

/// Removes cgroup directories deepest first. `rmdir` can fail with EBUSY for a moment after
/// the last process left, so it retries with a short backoff. Returns what could not be
/// removed.
pub fn remove_dirs(dirs: &[PathBuf], patience: Duration) -> Vec<(PathBuf, io::Error)> {
    let mut failed = Vec::new();
    let mut ordered: Vec<&PathBuf> = dirs.iter().collect();
    ordered.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for dir in ordered {
        let start = Instant::now();
        let mut pause = Duration::from_micros(200);
        let gone = loop {
            match fs::remove_dir(dir) {
                Ok(()) => break true,
                Err(e) if e.kind() == io::ErrorKind::NotFound => break true,
                Err(e) if e.raw_os_error() == Some(libc::EBUSY) && start.elapsed() < patience => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(50));
                }
                Err(e) => {
                    failed.push((dir.clone(), e));
                    break false;
                }
            }
        };
        if gone {
            super::hold::release(dir);
        }
    }
    failed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remove_dirs_reports_what_stays() {
        let tmp = tempfile::tempdir().unwrap();
        let a = tmp.path().join("a");
        let b = a.join("b");
        fs::create_dir_all(&b).unwrap();
        fs::write(a.join("file"), "x").unwrap();
        let failed = remove_dirs(&[a.clone(), b.clone()], Duration::from_millis(10));
        assert!(!b.exists(), "the deeper one goes first");
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0].0, a);
    }
}
