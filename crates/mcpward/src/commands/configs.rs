//! Config files named on the command line, shared by the subcommands that take them.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use mcpward_config::discover::{self, Candidate};
use mcpward_config::parse::MAX_CONFIG_BYTES;

/// The configs named or contained by command-line paths.
pub(crate) fn named_candidates(paths: &[PathBuf]) -> anyhow::Result<Vec<Candidate>> {
    let mut out: Vec<Candidate> = Vec::new();
    for path in paths {
        let meta =
            std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
        let found = if meta.is_dir() {
            discover::repo_configs(path)
        } else {
            let text = read_limited(path)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            match discover::recognise(path, &text) {
                Some(c) => vec![c],
                None => bail!(
                    "{} is not recognised as an MCP client config\n\nhint: name it after its client (e.g. .mcp.json, mcp.json, config.toml) or give the directory that holds it",
                    path.display()
                ),
            }
        };
        for c in found {
            if !out.iter().any(|seen| seen.path == c.path) {
                out.push(c);
            }
        }
    }
    Ok(out)
}

/// Reads at most one byte more than the config size limit.
pub(crate) fn read_limited(path: &Path) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(MAX_CONFIG_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}
