//! What a stdio server's launch command means.
