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
    #[error("cannot write: {0}")]
    Io(#[from] std::io::Error),
}

pub fn replace_file(path: &Path, expected: &[u8], contents: &[u8]) -> Result<(), WriteError> {
    // Write through symlinks to the file they name, instead of replacing the link.
    let target = fs::canonicalize(path)?;
    let dir = target.parent().unwrap_or(Path::new("."));
    let permissions = fs::metadata(&target)?.permissions();
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
