//! TODO: exercise not written yet.
