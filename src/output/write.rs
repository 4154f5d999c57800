//! Replacing files safely: a fully written temporary file in the same directory is renamed
//! over the original, keeping its permissions; a file that changed since it was read is left
//! alone.

use std::fs;
use std::io::Write as _;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("changed on disk while it was being migrated; left as it is")]
    Changed,
    #[error("read-only; not rewritten (make it writable to migrate it)")]
    ReadOnly,
    #[error("cannot write: {0}")]
    Io(#[from] std::io::Error),
}

pub fn replace_file(path: &Path, expected: &[u8], contents: &[u8]) -> Result<(), WriteError> {
    // Write through symlinks to the file they name, instead of replacing the link.
    let target = fs::canonicalize(path)?;
    let dir = target.parent().unwrap_or(Path::new("."));
    let permissions = fs::metadata(&target)?.permissions();
    // Renaming over a read-only file would succeed: respect the file's mode instead.
    if permissions.readonly() {
        return Err(WriteError::ReadOnly);
    }
    let mut temp = tempfile::Builder::new()
        .prefix(".eventlet-migrate-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    temp.write_all(contents)?;
    temp.as_file().sync_all()?;
    fs::set_permissions(temp.path(), permissions)?;
    if fs::read(&target)? != expected {
        return Err(WriteError::Changed);
    }
    temp.persist(&target).map_err(|e| WriteError::Io(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_changed_since_it_was_read_is_left_alone() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.py");
        fs::write(&path, "new on disk\n").expect("write");
        let result = replace_file(&path, b"what we read\n", b"migrated\n");
        assert!(matches!(result, Err(WriteError::Changed)));
        assert_eq!(fs::read_to_string(&path).expect("read"), "new on disk\n");
        assert_eq!(
            fs::read_dir(dir.path()).expect("ls").count(),
            1,
            "no temporary file left"
        );
        replace_file(&path, b"new on disk\n", b"migrated\n").expect("writes");
        assert_eq!(fs::read_to_string(&path).expect("read"), "migrated\n");
    }
}
