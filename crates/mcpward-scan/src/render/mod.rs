//! Report renderers: human, JSON and SARIF (placeholder).
