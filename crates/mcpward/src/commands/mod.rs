//! One module per subcommand.

pub(crate) mod approve;
pub(crate) mod configs;
pub(crate) mod export;
pub(crate) mod hook;
pub(crate) mod init;
pub(crate) mod install;
pub(crate) mod log;
pub(crate) mod pin;
pub(crate) mod policy;
pub(crate) mod run;
pub(crate) mod scan;
pub(crate) mod screen;
pub(crate) mod wrap;
