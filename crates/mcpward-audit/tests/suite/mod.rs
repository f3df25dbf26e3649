mod approvals;
mod chain;
mod concurrency;
mod export;
mod search;
mod support;
