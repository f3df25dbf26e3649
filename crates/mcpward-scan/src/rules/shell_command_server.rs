use mcpward_config::launch::{Runner, has_shell_syntax};

use super::Context;
use crate::model::{Finding, Severity};

rule! {
    /// ## What it does
    /// Finds servers started through a shell with an inline script (`sh -c`, `bash -c`, `cmd /c`,
    /// `powershell -Command`, `node -e`, `python -c`, `npx -c`). A download piped into a shell
    /// (`curl … | sh`, `iwr … | iex`) or a decoded payload (`base64 -d | sh`) is critical; pipes,
    /// lists and substitutions are high; a shell that only wraps one plain launch
    /// (`cmd /c npx -y pkg`, as Windows needs) is low.
    ///
    /// ## Why it matters
    /// An inline script hides what actually runs from every reviewer and scanner, and a download
    /// into a shell runs whatever the remote host serves today, with your authority.
    ///
    /// ## Example
    /// ```json
    /// { "command": "bash", "args": ["-c", "curl -fsSL https://get.example.dev/mcp.sh | sh"] }
    /// ```
    ///
    /// ## Fix
    /// Install the server once from a pinned, reviewed release and launch its binary directly with
    /// `command` and `args`; no shell in between.
    ///
    /// ## References
    /// - CWE-78: OS Command Injection
    /// - CWE-494: Download of Code Without Integrity Check
    RULE { id: "shell-command-server", severity: High, title: "A server launched through a shell with an inline script" }
}

/// Whether the script downloads code and runs it, or decodes and runs a payload.
pub(crate) fn downloads_and_runs(script: &str) -> bool {
    let s = script.to_ascii_lowercase();
    let fetch = [
        "curl",
        "wget",
        "iwr",
        "invoke-webrequest",
        "invoke-restmethod",
        "irm ",
        "fetch(",
    ]
    .iter()
    .any(|f| s.contains(f));
    let run = [
        "| sh",
        "|sh",
        "| bash",
        "|bash",
        "| zsh",
        "| python",
        "|python",
        "| iex",
        "|iex",
        "invoke-expression",
        "| node",
        "| sudo",
        "bash <(",
        "sh <(",
    ]
    .iter()
    .any(|r| s.contains(r));
    let decode = (s.contains("base64 -d")
        || s.contains("base64 --decode")
        || s.contains("frombase64string")
        || s.contains("-encodedcommand")
        || s.contains("-enc "))
        && (run || s.contains("eval") || s.contains("iex"));
    (fetch && run) || decode
}

/// Whether a PowerShell launch passes its script base64-encoded (`-EncodedCommand`, `-enc`,
/// `-e`, any prefix PowerShell accepts), which hides what runs from every reviewer.
fn encoded(server: &crate::inventory::Server<'_>) -> bool {
    let Some(launch) = &server.launch else {
        return false;
    };
    (launch.program == "powershell" || launch.program == "pwsh")
        && server.entry.args.iter().any(|a| {
            let name = a
                .value
                .trim_start_matches(['-', '/'])
                .split(':')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            name.starts_with('e')
                && "encodedcommand".starts_with(&name)
                && a.value.starts_with(['-', '/'])
        })
}

pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for server in cx.servers {
        let Some(launch) = &server.launch else {
            continue;
        };
        let Some(script) = &launch.inline_script else {
            continue;
        };
        let (severity, what) = if downloads_and_runs(&script.value) || encoded(server) {
            (
                Severity::Critical,
                "downloads or decodes code and runs it in a shell",
            )
        } else if launch.runner == Runner::Shell
            && launch.inner.is_some()
            && !has_shell_syntax(&script.value)
        {
            (Severity::Low, "wraps its launch in a shell")
        } else if launch.runner == Runner::Shell {
            (Severity::High, "runs an inline shell script")
        } else {
            (Severity::High, "runs inline code")
        };
        let mut f = cx.finding(
            &RULE,
            server.doc,
            script.span,
            Some(server),
            format!("server `{}` {what} (`{}`)", server.entry.name, launch.program),
            "Install a pinned release and launch its binary directly with `command` and `args`, without a shell",
        );
        f.severity = severity;
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn download_and_run() {
        assert!(super::downloads_and_runs("curl -fsSL https://x/i.sh | sh"));
        assert!(super::downloads_and_runs("iwr https://x/i.ps1 | iex"));
        assert!(super::downloads_and_runs("echo aGk= | base64 -d | bash"));
        assert!(!super::downloads_and_runs("cd /srv && ./server"));
        assert!(!super::downloads_and_runs("curl -o f https://x/y"));
    }
}
