#!/usr/bin/env bash
# Latency of `mcpward hook`, process start to answer, measured with hyperfine.
#
#   cargo build --release -p mcpward && bash scripts/bench-hook.sh [--export-json FILE]
#
# A temp MCPWARD_HOME holds a small policy and an audit log that grows during the run (each
# MCP event appends one event, as in real use).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${MCPWARD_BIN:-$root/target/release/mcpward}"
fixtures="$root/crates/mcpward/tests/fixtures/claude-code-hooks"
home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
cat > "$home/policy.toml" <<'TOML'
version = 1

[servers.github]
allow = ["get_*", "list_*"]
ask = ["create_issue"]
deny = ["delete_*"]

[servers.filesystem]
allow = ["read_*"]
paths.deny = ["**/.ssh/**", "**/.env"]

[servers.fetch]
allow = ["fetch"]
TOML
# A 64 KiB text output with a credential at the end.
python3 - "$home/post_64k.json" <<'PY'
import json, sys
text = ("The quick brown fox jumps over the lazy dog. " * 1500)[:65000] + " ghp_R7kX2mQ9vL4pT8wN3bZ6cY1dF5gH0jS2aE7u"
event = {"session_id": "s", "transcript_path": "/t", "cwd": "/w", "hook_event_name": "PostToolUse",
         "tool_name": "mcp__github__get_file_contents", "tool_input": {},
         "tool_response": [{"type": "text", "text": text}], "tool_use_id": "toolu_x"}
open(sys.argv[1], "w").write(json.dumps(event))
PY
export MCPWARD_HOME="$home"
# hyperfine runs each command through sh and subtracts the shell's own start-up time.
hyperfine --warmup 20 --min-runs 200 "$@" \
  --command-name 'PreToolUse, MCP tool (decide + audit append)' \
  "\"$bin\" hook < \"$fixtures/pre_mcp_allow.json\"" \
  --command-name 'PreToolUse, built-in tool (no opinion, no audit)' \
  "\"$bin\" hook < \"$fixtures/pre_builtin_bash.json\"" \
  --command-name 'PostToolUse, clean text (screen + audit append)' \
  "\"$bin\" hook < \"$fixtures/post_text_clean.json\"" \
  --command-name 'PostToolUse, 64 KiB text with a token (redact + audit append)' \
  "\"$bin\" hook < \"$home/post_64k.json\""
