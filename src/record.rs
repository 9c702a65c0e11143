//! What follows a check or a reset, in one place for every command: the outcome remembered in
//! the result cache, a pass marked done, and a reset marked pending only once the exercise's
//! files are really back.

use crate::cache::ResultCache;
use crate::cargo;
use crate::check::{Outcome, Status};
use crate::course::Course;
use crate::progress::{Progress, SaveError};
use crate::shipped;
use crate::verify::Verdict;
use anyhow::Result;
use std::path::PathBuf;

/// Remembers the outcome of a check of an exercise whose files had `content` (their digest,
/// taken before the check began, so an edit during the check is never remembered with it).
pub fn remember(course: &Course, content: Option<&[u8]>, color: bool, outcome: &Outcome) {
    if let Some(content) = content {
        let cache = ResultCache::open(&course.root, &cargo::target_dir(&course.root));
        cache.put(&cache.key(content, color), outcome);
    }
}

/// Marks exercise `index` done if its check passed and it was not done yet; `true` if it was
/// newly marked.
pub fn mark_if_passed(
    course: &Course,
    progress: &mut Progress,
    index: usize,
    status: Status,
) -> Result<bool, SaveError> {
    if status != Status::Pass || progress.is_done(&course.exercises[index].name) {
        return Ok(false);
    }
    progress.mark_done(index)?;
    Ok(true)
}

/// Marks every exercise that passed done.
pub fn mark_all_passed(
    course: &Course,
    progress: &mut Progress,
    verdicts: &[Verdict],
) -> Result<(), SaveError> {
    for v in verdicts {
        if let Some(index) = course.index_of(&v.name) {
            mark_if_passed(course, progress, index, v.status)?;
        }
    }
    Ok(())
}

/// What a reset did.
pub struct Reset {
    /// The files written back.
    pub restored: Vec<PathBuf>,
    /// The exercise is restored but could not be marked pending.
    pub unsaved: Option<SaveError>,
}

/// Restores exercise `index` as shipped, then marks it pending. A failed restore marks
/// nothing: the exercise stays done if it was.
pub fn reset(course: &Course, progress: &mut Progress, index: usize) -> Result<Reset> {
    let restored = shipped::restore(course, &course.exercises[index])?;
    let unsaved = progress.mark_pending(index).err();
    Ok(Reset { restored, unsaved })
}
