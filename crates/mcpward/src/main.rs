//! The `mcpward` command.

fn main() {
    std::process::exit(0);
}
