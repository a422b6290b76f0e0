//! Writing the node's small files whole: through a temporary file, synced,
//! renamed over the old one, and the directory synced, so that a reader
//! never sees half a file and a crash leaves the old one or the new one.

use std::path::Path;

use crate::NodeError;

/// Writes `bytes` as `dir/name`, readable by the owner only; durable when
/// it returns.
pub(crate) fn write_private(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), NodeError> {
    let temporary = dir.join(format!(".{name}.tmp"));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&temporary)?;
    std::io::Write::write_all(&mut file, bytes)?;
    file.sync_all()?;
    std::fs::rename(&temporary, dir.join(name))?;
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}
