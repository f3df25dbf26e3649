mod approvals;
mod chain;
mod concurrency;
mod export;
mod journal;
mod search;
mod support;
