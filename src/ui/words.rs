//! Words on the screen that tools outside the runner look for (the benchmark includes this
//! file), so that rewording the screen cannot silently break them.

/// Part of the status line while the background dependency build runs, and only then.
pub const BACKGROUND_BUILD: &str = "Building dependencies in the background";
