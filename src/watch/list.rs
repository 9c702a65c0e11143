//! The course list of watch mode as a place to act: a cursor that moves over the exercises,
//! a filter (all / pending / done), a search over names and concepts, and a view that scrolls
//! so every exercise is reachable at any terminal size.

use super::events::Key;
use crate::course::Course;
use crate::progress::Progress;
use crate::ui::screen::ListRow;

/// Which exercises the list shows.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Filter {
    /// Every exercise.
    All,
    /// Those not done yet.
    Pending,
    /// Those done.
    Done,
}

impl Filter {
    fn next(self) -> Filter {
        match self {
            Filter::All => Filter::Pending,
            Filter::Pending => Filter::Done,
            Filter::Done => Filter::All,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Filter::All => "all",
            Filter::Pending => "pending",
            Filter::Done => "done",
        }
    }
}

/// What a key in the list asks the watch loop to do.
#[derive(Debug, PartialEq, Eq)]
pub enum Action {
    /// Only the list changed: draw it again.
    Redraw,
    /// Make this exercise current and check it.
    Open(usize),
    /// Ask whether to reset this exercise.
    Reset(usize),
    /// Back to the exercise screen.
    Close,
    /// Quit watch mode.
    Quit,
    /// Nothing to do.
    Nothing,
}

/// The list's cursor, filter, search and scroll position.
pub struct ListState {
    /// The exercise under the cursor (its index in the course).
    pub selected: usize,
    /// The first row in view.
    offset: usize,
    /// Rows in view at the last draw, for PgUp/PgDn.
    page: usize,
    filter: Filter,
    query: String,
    /// Keys go to the search query.
    typing: bool,
}

impl ListState {
    /// A list with the cursor on `selected`.
    pub fn new(selected: usize) -> ListState {
        ListState {
            selected,
            offset: 0,
            page: 10,
            filter: Filter::All,
            query: String::new(),
            typing: false,
        }
    }

    /// Opens the list with the cursor on the current exercise, which comes into view.
    pub fn open_at(&mut self, current: usize) {
        self.selected = current;
        self.typing = false;
    }

    /// Whether the learner is typing a search.
    pub fn typing(&self) -> bool {
        self.typing
    }

    fn matches(&self, course: &Course, progress: &Progress, index: usize) -> bool {
        let ex = &course.exercises[index];
        let done = progress.is_done(&ex.name);
        let by_filter = match self.filter {
            Filter::All => true,
            Filter::Pending => !done,
            Filter::Done => done,
        };
        let query = self.query.to_lowercase();
        by_filter
            && (query.is_empty()
                || ex.name.to_lowercase().contains(&query)
                || ex.dir.to_lowercase().contains(&query)
                || ex.concept.to_lowercase().contains(&query))
    }

    /// The exercises shown, in course order.
    fn visible(&self, course: &Course, progress: &Progress) -> Vec<usize> {
        (0..course.exercises.len())
            .filter(|&i| self.matches(course, progress, i))
            .collect()
    }

    /// Keeps the cursor on a shown exercise: the selected one, else the next shown, else the
    /// last shown.
    fn settle(&mut self, visible: &[usize]) {
        if visible.is_empty() || visible.contains(&self.selected) {
            return;
        }
        self.selected = visible
            .iter()
            .copied()
            .find(|&i| i > self.selected)
            .unwrap_or(*visible.last().expect("not empty"));
    }

    /// Handles a key; the list needs the course and progress to know what is shown.
    pub fn key(&mut self, key: Key, course: &Course, progress: &Progress) -> Action {
        if self.typing {
            match key {
                Key::Char(c) => self.query.push(c),
                Key::Backspace => {
                    self.query.pop();
                }
                Key::Enter => self.typing = false,
                Key::Esc => {
                    self.query.clear();
                    self.typing = false;
                }
                Key::CtrlC => return Action::Quit,
                Key::Up | Key::Down | Key::PageUp | Key::PageDown | Key::Home | Key::End => {
                    self.typing = false;
                    return self.key(key, course, progress);
                }
                Key::Other => return Action::Nothing,
            }
            let visible = self.visible(course, progress);
            self.settle(&visible);
            return Action::Redraw;
        }
        let visible = self.visible(course, progress);
        self.settle(&visible);
        let at = visible.iter().position(|&i| i == self.selected);
        let last = visible.len().saturating_sub(1);
        let move_to = |pos: usize| visible.get(pos.min(last)).copied();
        let target = match key {
            Key::Up | Key::Char('k') => at.map(|p| p.saturating_sub(1)).and_then(move_to),
            Key::Down | Key::Char('j') => at.map(|p| p + 1).and_then(move_to),
            Key::PageUp => at
                .map(|p| p.saturating_sub(self.page.max(1)))
                .and_then(move_to),
            Key::PageDown => at.map(|p| p + self.page.max(1)).and_then(move_to),
            Key::Home | Key::Char('g') => move_to(0),
            Key::End | Key::Char('G') => move_to(last),
            Key::Enter => {
                return match at {
                    Some(_) => Action::Open(self.selected),
                    None => Action::Nothing,
                };
            }
            Key::Char('x') => {
                return match at {
                    Some(_) => Action::Reset(self.selected),
                    None => Action::Nothing,
                };
            }
            Key::Char('f') => {
                self.filter = self.filter.next();
                let visible = self.visible(course, progress);
                self.settle(&visible);
                return Action::Redraw;
            }
            Key::Char('/') => {
                self.typing = true;
                return Action::Redraw;
            }
            Key::Esc if !self.query.is_empty() => {
                self.query.clear();
                return Action::Redraw;
            }
            Key::Char('l') | Key::Esc => return Action::Close,
            Key::Char('q') | Key::CtrlC => return Action::Quit,
            _ => return Action::Nothing,
        };
        match target {
            Some(i) if i != self.selected => {
                self.selected = i;
                Action::Redraw
            }
            _ => Action::Nothing,
        }
    }

    /// The line above the list.
    pub fn title(&self, course: &Course, progress: &Progress) -> String {
        let shown = self.visible(course, progress).len();
        let mut title = format!(
            "Course list · {} of {} done · showing {} ({shown})",
            progress.done_count(),
            course.exercises.len(),
            self.filter.label()
        );
        if self.typing || !self.query.is_empty() {
            title.push_str(&format!(
                " · search: {}{}",
                self.query,
                if self.typing { "▏" } else { "" }
            ));
        }
        title
    }

    /// The rows in view, given `room` rows for them: chapter headings and exercises, scrolled
    /// so the cursor is in view (with its chapter's heading where there is room).
    pub fn rows<'a>(
        &mut self,
        course: &'a Course,
        progress: &Progress,
        room: usize,
    ) -> Vec<ListRow<'a>> {
        let visible = self.visible(course, progress);
        self.settle(&visible);
        let mut all = Vec::new();
        let mut chapter = "";
        for &i in &visible {
            let ex = &course.exercises[i];
            if ex.chapter() != chapter {
                chapter = ex.chapter();
                all.push(ListRow::Chapter(chapter));
            }
            all.push(ListRow::Exercise {
                ex,
                done: progress.is_done(&ex.name),
                current: i == progress.current(),
                selected: i == self.selected,
            });
        }
        let room = room.max(1);
        // Paging moves by the exercises a screen holds, headings aside.
        self.page = room.saturating_sub(2).max(1);
        let at = all
            .iter()
            .position(|r| matches!(r, ListRow::Exercise { selected: true, .. }))
            .unwrap_or(0);
        if at < self.offset {
            // Scrolling up: bring the chapter heading into view with its first exercise.
            let heading_above = at > 0 && matches!(all[at - 1], ListRow::Chapter(_));
            self.offset = at - usize::from(heading_above);
        } else if at >= self.offset + room {
            self.offset = at + 1 - room;
        }
        self.offset = self.offset.min(all.len().saturating_sub(room));
        all.into_iter().skip(self.offset).take(room).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// A course of `n` exercises, five to a chapter, rooted in a temporary folder that holds
    /// its progress file.
    fn course(n: usize) -> (Course, tempfile::TempDir) {
        let mut text =
            String::from("format_version = 1\nwelcome_message = \"hi\"\nfinal_message = \"bye\"\n");
        for i in 0..n {
            text.push_str(&format!(
                "[[exercises]]\nname = \"ex{i}\"\ndir = \"{:02}_ch/{:02}_ex{i}\"\nconcept = \"Concept number {i}\"\nhints = [\"h\"]\n",
                i / 5,
                i % 5
            ));
        }
        let mut course = crate::course::parse(&text, Path::new("info.toml")).unwrap();
        let dir = tempfile::tempdir().unwrap();
        course.root = dir.path().to_path_buf();
        (course, dir)
    }

    fn selected_row(rows: &[ListRow]) -> Option<String> {
        rows.iter().find_map(|r| match r {
            ListRow::Exercise {
                ex, selected: true, ..
            } => Some(ex.name.clone()),
            _ => None,
        })
    }

    #[test]
    fn end_home_and_arrows_reach_every_exercise_and_keep_it_in_view() {
        let (course, _dir) = course(40);
        let (progress, _) = Progress::load(&course);
        let mut list = ListState::new(0);
        assert_eq!(list.key(Key::End, &course, &progress), Action::Redraw);
        assert_eq!(list.selected, 39);
        let rows = list.rows(&course, &progress, 8);
        assert_eq!(rows.len(), 8);
        assert_eq!(selected_row(&rows).as_deref(), Some("ex39"));
        for expected in (0..39).rev() {
            list.key(Key::Up, &course, &progress);
            let rows = list.rows(&course, &progress, 8);
            assert_eq!(selected_row(&rows), Some(format!("ex{expected}")));
        }
        assert_eq!(list.key(Key::Up, &course, &progress), Action::Nothing);
        list.key(Key::PageDown, &course, &progress);
        assert_eq!(list.selected, 6, "a page of 8 rows moves 6 exercises");
        list.key(Key::Home, &course, &progress);
        assert_eq!(list.selected, 0);
        let rows = list.rows(&course, &progress, 8);
        assert!(
            matches!(rows[0], ListRow::Chapter("00_ch")),
            "the first chapter heading shows above the first exercise"
        );
    }

    #[test]
    fn the_filter_and_the_search_narrow_the_list_and_the_cursor_follows() {
        let (course, _dir) = course(12);
        let (mut progress, _) = Progress::load(&course);
        progress.mark_done(3).unwrap();
        let mut list = ListState::new(5);
        list.key(Key::Char('f'), &course, &progress);
        assert!(
            list.title(&course, &progress)
                .contains("showing pending (11)")
        );
        list.key(Key::Char('f'), &course, &progress);
        assert_eq!(list.selected, 3, "only ex3 is done: the cursor moves to it");
        list.key(Key::Char('f'), &course, &progress);
        list.key(Key::Char('/'), &course, &progress);
        for c in "NUMBER 1".chars() {
            list.key(Key::Char(c), &course, &progress);
        }
        let rows = list.rows(&course, &progress, 20);
        let names: Vec<String> = rows
            .iter()
            .filter_map(|r| match r {
                ListRow::Exercise { ex, .. } => Some(ex.name.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(
            names,
            ["ex1", "ex10", "ex11"],
            "search is case-insensitive, over concepts"
        );
        assert_eq!(
            list.key(Key::Char('q'), &course, &progress),
            Action::Redraw,
            "q is typed into the search"
        );
        list.key(Key::Backspace, &course, &progress);
        list.key(Key::Enter, &course, &progress);
        assert_eq!(
            list.key(Key::Enter, &course, &progress),
            Action::Open(list.selected)
        );
        assert_eq!(
            list.key(Key::Esc, &course, &progress),
            Action::Redraw,
            "esc clears the search first"
        );
        assert_eq!(list.key(Key::Esc, &course, &progress), Action::Close);
    }

    #[test]
    fn x_asks_to_reset_the_selected_exercise() {
        let (course, _dir) = course(3);
        let (progress, _) = Progress::load(&course);
        let mut list = ListState::new(0);
        list.key(Key::Char('j'), &course, &progress);
        assert_eq!(
            list.key(Key::Char('x'), &course, &progress),
            Action::Reset(1)
        );
    }
}
