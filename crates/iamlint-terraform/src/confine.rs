//! Every file iamlint reads, read through one door that keeps it inside the tree being linted.
//!
//! iamlint runs on pull requests from people the repository does not trust, and git stores
//! symbolic links: `env.tf -> /proc/self/environ` or `terraform.tfvars -> /etc/passwd` would
//! otherwise be read, fail to parse, and have their first line printed in the diagnostic. So a
//! path is resolved (every link followed) before it is opened, and a target outside the
//! boundary is refused with a message that names the path as written, never the target's
//! content. Links that stay inside the tree are fine.

use std::path::{Path, PathBuf};

/// A file larger than this is not read: no Terraform file, variables file or plan comes near
/// it (the 100 MB benchmark plan is a fifth of it), and reading it whole would be the memory
/// blow-up budgets exist to prevent.
pub const MAX_FILE_BYTES: u64 = 512 << 20;

/// What may be read: files whose resolved path lies below `root`.
#[derive(Clone, Debug)]
pub struct Boundary {
    root: PathBuf,
}

/// Why a file was not read, worded for the person who wrote the path.
#[derive(Clone, Debug, PartialEq)]
pub struct Refused(pub String);

impl Boundary {
    /// Everything below `root` (resolved).
    pub fn new(root: &Path) -> Self {
        Boundary {
            root: root.canonicalize().unwrap_or_else(|_| root.to_path_buf()),
        }
    }

    /// For a directory being linted: the version-control work tree it is in (the nearest
    /// directory at or above it with a `.git`), else the directory itself. Linting
    /// `examples/complete` alone may then read the module it calls at `../../`, and still
    /// nothing outside the repository.
    pub fn for_tree(dir: &Path) -> Self {
        let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        let repository = dir
            .ancestors()
            .find(|d| d.join(".git").symlink_metadata().is_ok())
            .map(Path::to_path_buf);
        Boundary {
            root: repository.unwrap_or(dir),
        }
    }

    /// For a file named on the command line: the work tree of the directory that holds it
    /// (see [`Boundary::for_tree`]), so a link there cannot lead anywhere else.
    pub fn around_file(path: &Path) -> Self {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Boundary::for_tree(&dir)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether an already resolved path lies inside.
    pub fn contains(&self, canonical: &Path) -> bool {
        canonical.starts_with(&self.root)
    }

    /// Resolves `path` and checks it stays inside. `written` is the path as the configuration
    /// or command line wrote it, for messages.
    pub fn resolve(&self, path: &Path, written: &str) -> Result<PathBuf, Refused> {
        let canonical = path
            .canonicalize()
            .map_err(|e| Refused(format!("\"{written}\" cannot be read: {}", io_reason(&e))))?;
        if !self.contains(&canonical) {
            return Err(Refused(format!(
                "\"{written}\" is outside the directory being linted (or a link to a place \
                 outside it); iamlint reads only files inside it"
            )));
        }
        Ok(canonical)
    }

    /// Reads a regular file inside the boundary, at most [`MAX_FILE_BYTES`].
    pub fn read(&self, path: &Path, written: &str) -> Result<Vec<u8>, Refused> {
        let canonical = self.resolve(path, written)?;
        read_regular(&canonical, written)
    }

    /// Reads a file inside the boundary as UTF-8 text.
    pub fn read_text(&self, path: &Path, written: &str) -> Result<String, Refused> {
        let bytes = self.read(path, written)?;
        String::from_utf8(bytes).map_err(|_| Refused(format!("\"{written}\" is not UTF-8 text")))
    }
}

/// Reads a resolved path that must be a regular file of bounded size: not a device, FIFO or
/// `/proc` pseudo-file that never ends.
pub fn read_regular(canonical: &Path, written: &str) -> Result<Vec<u8>, Refused> {
    let meta = std::fs::metadata(canonical)
        .map_err(|e| Refused(format!("\"{written}\" cannot be read: {}", io_reason(&e))))?;
    if !meta.is_file() {
        return Err(Refused(format!("\"{written}\" is not a regular file")));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(Refused(format!(
            "\"{written}\" is {} MiB, more than iamlint reads ({} MiB)",
            meta.len() >> 20,
            MAX_FILE_BYTES >> 20
        )));
    }
    std::fs::read(canonical)
        .map_err(|e| Refused(format!("\"{written}\" cannot be read: {}", io_reason(&e))))
}

/// An I/O error without the OS's error number: "No such file or directory".
pub fn io_reason(e: &std::io::Error) -> String {
    let s = e.to_string();
    s.split(" (os error").next().unwrap_or(&s).to_string()
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn links_out_are_refused_and_links_in_are_read() {
        let base = std::env::temp_dir().join(format!("iamlint-confine-{}", std::process::id()));
        let tree = base.join("tree");
        std::fs::create_dir_all(tree.join("sub")).unwrap();
        std::fs::write(base.join("secret"), "TOKEN=hunter2").unwrap();
        std::fs::write(tree.join("sub/real.tf"), "locals {}").unwrap();
        std::os::unix::fs::symlink(base.join("secret"), tree.join("out.tf")).unwrap();
        std::os::unix::fs::symlink(tree.join("sub/real.tf"), tree.join("in.tf")).unwrap();
        std::os::unix::fs::symlink("/proc/self/environ", tree.join("env.tf")).unwrap();
        let boundary = Boundary::new(&tree);
        for name in ["out.tf", "env.tf"] {
            let Refused(why) = boundary.read(&tree.join(name), name).unwrap_err();
            assert!(why.contains("outside the directory being linted"), "{why}");
            assert!(!why.contains("hunter2"));
        }
        assert_eq!(
            boundary.read(&tree.join("in.tf"), "in.tf").unwrap(),
            b"locals {}"
        );
        // A FIFO or device inside the tree is not waited on.
        assert!(boundary.read(&tree.join("sub"), "sub").is_err());
        std::fs::remove_dir_all(base).unwrap();
    }
}
