//! Pure text analysis (placeholder).
