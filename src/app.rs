//! The browser's state and the one place it changes.
//!
//! Events become [`Action`]s (keys through the table in [`keymap`], mouse and resize here), and
//! [`App::update`] applies them. Drawing (in [`crate::ui`]) only reads the state. Notes are rendered
//! once per (note, width) and cached here, never per frame; a note too large to render whole is
//! rendered a few parts at a time (`paging`).

mod find;
pub mod keymap;
mod live;
mod mouse;
mod navigate;
mod paging;
mod popups;
mod swap;
pub mod terminal;
mod views;

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::ops::Range;
use std::sync::Arc;

use crossterm::event::{Event, MouseButton, MouseEventKind};
use ratatui::layout::{Position, Rect};

use crate::commands::{sanitize, Loaded};
use crate::fxhash::FxHasher;
use crate::graph::LinkRef;
use crate::render::{self, RenderOptions, Rendered};
use crate::search::{Hit, Matcher, Session};
use crate::ui;
use keymap::Context;

pub use find::{Find, Marks, Searching};
pub use live::{accepts_plus_line, Prepared, Rebuilds};
pub use paging::Held;
pub use swap::{FrameGate, Startup};
pub use views::{Loose, LooseKind, LooseRow, TagRow, Tags};

/// Most matches the quick switcher keeps for one query.
const SWITCHER_LIMIT: usize = 100;
/// Most entries kept in each direction of the history.
const HISTORY_LIMIT: usize = 1000;
/// Most rendered notes kept; the cache is dropped when it grows past this.
const PAGE_CACHE_LIMIT: usize = 64;
/// Rows (or list items) one wheel notch scrolls.
const WHEEL_STEP: usize = 3;
/// How many closest names an unresolved link offers.
const CLOSEST: usize = 3;

/// Everything the browser can be asked to do; keys, mouse and resizes all become one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Leave the browser.
    Quit,
    /// Hand the terminal back to the shell until `fg` (Ctrl-z).
    Suspend,
    /// Previous item, or scroll up a row.
    Up,
    /// Next item, or scroll down a row.
    Down,
    /// First item, or the top of the note.
    Top,
    /// Last item, or the end of the note.
    Bottom,
    /// A page up.
    PageUp,
    /// A page down.
    PageDown,
    /// Half a page up.
    HalfPageUp,
    /// Half a page down.
    HalfPageDown,
    /// Focus the pane to the left.
    FocusLeft,
    /// Focus the pane to the right.
    FocusRight,
    /// Enter: open or follow what is selected.
    Activate,
    /// Select the next link in the note.
    NextLink,
    /// Select the previous link in the note.
    PrevLink,
    /// Label the visible links for typing.
    ShowHints,
    /// Open the selected web link or attachment with the system opener.
    OpenExternal,
    /// Go back in history.
    Back,
    /// Go forward in history.
    Forward,
    /// Open the quick switcher.
    OpenSwitcher,
    /// Focus the backlinks, or return from them to the note.
    ToggleBacklinks,
    /// Open the outline of the note.
    OpenOutline,
    /// Sort the note list by the next key.
    CycleSort,
    /// Show the help.
    ToggleHelp,
    /// Esc: close a popup, clear the link selection.
    Cancel,
    /// A character typed into the switcher query.
    Input(char),
    /// Delete the last typed character.
    DeleteChar,
    /// Clear the switcher query.
    ClearInput,
    /// Open the full-text search.
    OpenFind,
    /// Jump to the next match of the last search in the note.
    NextMatch,
    /// Jump to the previous match of the last search in the note.
    PrevMatch,
    /// Open the tags view.
    OpenTags,
    /// Open the loose-ends view.
    OpenLoose,
    /// Edit the current note in `$VISUAL` / `$EDITOR`.
    Edit,
    /// Take the changes the file watcher and a finished rebuild have sent.
    Live,
    /// Take the results a background search has sent so far.
    Pump,
    /// A letter typed while link hints are shown.
    HintKey(char),
    /// The wheel turned over a cell.
    Scroll {
        /// Column of the pointer.
        column: u16,
        /// Row of the pointer.
        row: u16,
        /// Towards the end.
        down: bool,
    },
    /// The left button was pressed on a cell.
    Click {
        /// Column of the pointer.
        column: u16,
        /// Row of the pointer.
        row: u16,
    },
    /// The terminal has a new size.
    Resize {
        /// Columns.
        width: u16,
        /// Rows.
        height: u16,
    },
}

/// The pane keys go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Focus {
    /// The note list on the left.
    List,
    /// The rendered note.
    Note,
    /// The backlinks under the note.
    Backlinks,
}

/// The order of the note list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sort {
    /// By title, case-insensitively.
    Title,
    /// By vault path.
    Path,
    /// Most recently modified first.
    Modified,
}

impl Sort {
    /// The next order `s` switches to.
    fn next(self) -> Sort {
        match self {
            Sort::Title => Sort::Path,
            Sort::Path => Sort::Modified,
            Sort::Modified => Sort::Title,
        }
    }

    /// The word the list title and messages use.
    pub fn name(self) -> &'static str {
        match self {
            Sort::Title => "title",
            Sort::Path => "path",
            Sort::Modified => "modified",
        }
    }
}

/// What the browser is doing: browsing the panes or answering a popup.
#[derive(Debug, Clone)]
pub enum Mode {
    /// Keys go to the focused pane.
    Browse,
    /// The quick switcher is open.
    Switcher(Switcher),
    /// The outline popup is open.
    Outline(Outline),
    /// Labels are shown on the visible links.
    Hints(Hints),
    /// The help overlay is open.
    Help(Help),
    /// The full-text search popup is open.
    Find(Find),
    /// The tags view is open.
    Tags(Tags),
    /// The loose-ends view is open.
    Loose(Loose),
}

/// The quick switcher's state.
#[derive(Debug, Clone, Default)]
pub struct Switcher {
    /// What has been typed.
    pub query: String,
    /// The matches, best first.
    pub hits: Vec<Hit>,
    /// Index into `hits`.
    pub selected: usize,
    session: Session,
}

/// The outline popup's state.
#[derive(Debug, Clone, Copy, Default)]
pub struct Outline {
    /// Index into the note's headings.
    pub selected: usize,
}

/// Link hints: a label for each visible link.
#[derive(Debug, Clone, Default)]
pub struct Hints {
    /// The letters typed so far.
    pub typed: String,
    /// Each label and the link stop it follows.
    pub labels: Vec<(String, usize)>,
}

/// The help overlay's state.
#[derive(Debug, Clone, Copy, Default)]
pub struct Help {
    /// First help line shown.
    pub scroll: usize,
}

/// One selectable link in a rendered note: one or more consecutive anchors of the same link (a link
/// wrapped over two rows is one stop).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stop {
    /// Indices into `Rendered::anchors`.
    pub anchors: Range<usize>,
    /// The link.
    pub link: LinkRef,
    /// The row of its first anchor.
    pub row: usize,
}

/// A note rendered for one width, with its links grouped into stops.
#[derive(Debug, Clone)]
pub struct Page {
    /// What the renderer produced.
    pub rendered: Rendered,
    /// The links Tab moves through, in reading order.
    pub stops: Vec<Stop>,
    /// For a note too large to render whole: the parts of it this page holds.
    pub held: Option<Held>,
}

impl Page {
    fn new(rendered: Rendered) -> Page {
        let mut stops: Vec<Stop> = Vec::new();
        for (i, a) in rendered.anchors.iter().enumerate() {
            match stops.last_mut() {
                Some(s) if s.link == a.link && s.anchors.end == i => s.anchors.end = i + 1,
                _ => stops.push(Stop {
                    anchors: i..i + 1,
                    link: a.link,
                    row: a.row,
                }),
            }
        }
        Page {
            rendered,
            stops,
            held: None,
        }
    }

    /// The first part of the note the page holds: 0 for a note rendered whole.
    pub fn first_part(&self) -> usize {
        self.held.as_ref().map_or(0, |h| h.first)
    }

    /// The stop an anchor belongs to.
    fn stop_of_anchor(&self, anchor: usize) -> Option<usize> {
        self.stops.iter().position(|s| s.anchors.contains(&anchor))
    }

    /// The first stop for `link` at or after `row`, else the first anywhere.
    fn stop_of_link(&self, link: LinkRef, row: usize) -> Option<usize> {
        let mut all = self
            .stops
            .iter()
            .enumerate()
            .filter(|(_, s)| s.link == link);
        let first = all.clone().next().map(|(i, _)| i);
        all.find(|(_, s)| s.row >= row).map(|(i, _)| i).or(first)
    }

    /// Whether any anchor of stop `s` lies in rows `rows`.
    fn stop_visible(&self, s: usize, rows: &Range<usize>) -> bool {
        self.stops.get(s).is_some_and(|stop| {
            self.rendered.anchors[stop.anchors.clone()]
                .iter()
                .any(|a| rows.contains(&a.row))
        })
    }
}

/// What the note pane shows: a note, where it is scrolled and which link is selected. History
/// entries are views.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct View {
    /// Index into `Vault::notes`.
    pub note: usize,
    /// The first row shown.
    pub top: usize,
    /// The render width `top` refers to; on a resize it is carried over by source line.
    pub width: u16,
    /// The selected link stop.
    pub link: Option<usize>,
    /// For a note rendered in parts: the first part of the page `top` counts rows in (0 otherwise).
    pub part: usize,
}

/// The note list pane.
#[derive(Debug, Clone)]
pub struct NoteList {
    /// Note indices in display order.
    pub order: Vec<usize>,
    /// Index into `order`.
    pub selected: usize,
    /// First item shown.
    pub offset: usize,
    /// The current order.
    pub sort: Sort,
    /// For each note (by index): its title, and its folder when another note has the same title.
    pub labels: Vec<(String, Option<String>)>,
    /// The tag the list is filtered to, as the tags view spells it.
    pub filter: Option<String>,
}

/// One note that links to the current note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BacklinkRow {
    /// The linking link.
    pub link: LinkRef,
    /// Title of the note it is written in.
    pub title: String,
    /// The text before the link on its source line (the end of it, when long).
    pub before: String,
    /// The link as a reader sees it.
    pub shown: String,
    /// The rest of the line after the link.
    pub after: String,
    /// Whether `title`, `shown`, `before` and `after` have been filled in yet: they are, from the
    /// source note, only for rows that come into view, so a note with thousands of backlinks opens
    /// at once.
    pub has_context: bool,
}

/// The backlinks pane.
#[derive(Debug, Clone, Default)]
pub struct BacklinkList {
    /// The links to the current note.
    pub rows: Vec<BacklinkRow>,
    /// Index into `rows`.
    pub selected: usize,
    /// First row shown.
    pub offset: usize,
}

/// How a status message should look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    /// News.
    Info,
    /// Something did not work.
    Warning,
}

/// A transient status-bar message, cleared by the next key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The text.
    pub text: String,
    /// How it looks.
    pub kind: MessageKind,
}

/// Opens a URL or file outside engram. Injected so tests never spawn processes.
pub type Opener = Box<dyn FnMut(&str) -> Result<(), String>>;

/// Something only the terminal around the app can do; the event loop carries it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Give the terminal back to the shell and stop until resumed (Ctrl-z, then `fg`).
    Suspend,
    /// Run the user's editor on a note, then call [`App::finish_edit`] with how it went.
    Edit {
        /// The file to open.
        file: std::path::PathBuf,
        /// The note's vault path.
        path: String,
        /// The 1-based source line to open at (first line in view).
        line: usize,
    },
}

/// How to start the browser.
pub struct Options {
    /// A note to open first.
    pub open: Option<usize>,
    /// What `x` uses to open web links and attachments.
    pub opener: Opener,
    /// The terminal size to lay out for until the first resize.
    pub size: (u16, u16),
    /// Where full-text searches run.
    pub searching: Searching,
    /// The file watcher to follow the vault with; `None` (tests, `--no-watch`) does not watch.
    pub watcher: Option<crate::live::Watcher>,
    /// Where rebuilds of the graph run when notes are added, removed or renamed.
    pub rebuilds: Rebuilds,
}

impl Default for Options {
    /// No note open, 80x24, an opener that refuses, and searches run inline (for tests).
    fn default() -> Self {
        Options {
            open: None,
            opener: Box::new(|_| Err("opening links is disabled".into())),
            size: (80, 24),
            searching: Searching::Inline,
            watcher: None,
            rebuilds: Rebuilds::Inline,
        }
    }
}

/// Where to put a note's first shown row when opening it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    Top,
    Heading(usize),
    Block(usize),
    Line(usize),
}

/// The browser.
pub struct App {
    pub(crate) loaded: Arc<Loaded>,
    /// The quick switcher's index, built when first needed (not before the first frame).
    matcher: Option<Matcher>,
    opener: Opener,
    pub(crate) area: Rect,
    pub(crate) mode: Mode,
    pub(crate) focus: Focus,
    quit: bool,
    request: Option<Request>,
    pub(crate) list: NoteList,
    pub(crate) view: Option<View>,
    back: Vec<View>,
    forward: Vec<View>,
    pub(crate) backlinks: BacklinkList,
    pages: HashMap<(usize, u16), Page>,
    pub(crate) message: Option<Message>,
    /// The running or last full-text search.
    search: find::Search,
    /// The matches of the last search marked in a note.
    pub(crate) marks: Option<Marks>,
    /// For each note opened in this session, when it was last opened (a counter).
    recent: HashMap<usize, u64>,
    /// The watcher, rebuilds under way and notes that vanished while shown.
    live: live::LiveState,
    /// Each note's place in the list sorted by title (a rank, by note index).
    title_rank: Vec<u32>,
    /// Where the whole vault and graph, and then the watcher, come from while they are made on a
    /// thread (see [`App::load_in_background`]).
    startup: Option<swap::Starting>,
    /// The switcher's matcher being built beside the UI, with the vault it is for.
    matcher_coming: Option<std::sync::mpsc::Receiver<(Arc<Loaded>, Matcher)>>,
    /// Opened by [`App::frame_drawn`] once a frame is drawn after a swap (see [`FrameGate`]).
    frame_gate: Option<FrameGate>,
    /// A vault was swapped in since the last frame was drawn.
    swapped: bool,
}

/// The first source line shown at `row`.
pub(crate) fn line_of_row(r: &Rendered, row: usize) -> Option<usize> {
    let i = r.line_rows.partition_point(|&(_, first)| first <= row);
    i.checked_sub(1).map(|i| r.line_rows[i].0)
}

/// Moves an index within `0..len` as a list movement says.
fn step(cur: usize, action: Action, len: usize, page: usize) -> usize {
    let last = len.saturating_sub(1);
    let page = page.max(1);
    let next = match action {
        Action::Up => cur.saturating_sub(1),
        Action::Down => cur + 1,
        Action::Top => 0,
        Action::Bottom => last,
        Action::PageUp => cur.saturating_sub(page),
        Action::PageDown => cur + page,
        Action::HalfPageUp => cur.saturating_sub(page.div_ceil(2)),
        Action::HalfPageDown => cur + page.div_ceil(2),
        _ => cur,
    };
    next.min(last)
}

/// An offset that keeps `selected` within `height` rows.
fn reveal(offset: usize, selected: usize, height: usize) -> usize {
    let height = height.max(1);
    if selected < offset {
        selected
    } else if selected >= offset + height {
        selected + 1 - height
    } else {
        offset
    }
}

/// Labels for `n` link hints: home-row letters first, two letters when one is not enough.
fn hint_labels(n: usize) -> Vec<String> {
    const ALPHABET: &[u8] = b"asdfghjklqwertyuiopzxcvbnm";
    if n <= ALPHABET.len() {
        return ALPHABET[..n]
            .iter()
            .map(|&c| (c as char).to_string())
            .collect();
    }
    ALPHABET
        .iter()
        .flat_map(|&a| {
            ALPHABET
                .iter()
                .map(move |&b| format!("{}{}", a as char, b as char))
        })
        .take(n)
        .collect()
}

impl App {
    /// A browser over a loaded vault, the note list sorted by title.
    pub fn new(loaded: Loaded, opts: Options) -> App {
        // The switcher's index waits until it is first used: not before the first frame.
        let (labels, title_rank) = labels_and_rank(&loaded.vault.notes);
        let mut app = App {
            list: NoteList {
                order: (0..loaded.vault.notes.len()).collect(),
                selected: 0,
                offset: 0,
                sort: Sort::Title,
                labels,
                filter: None,
            },
            loaded: Arc::new(loaded),
            matcher: None,
            opener: opts.opener,
            area: Rect::new(0, 0, opts.size.0, opts.size.1),
            mode: Mode::Browse,
            focus: Focus::List,
            quit: false,
            request: None,
            view: None,
            back: Vec::new(),
            forward: Vec::new(),
            backlinks: BacklinkList::default(),
            pages: HashMap::new(),
            message: None,
            search: find::Search::new(opts.searching),
            marks: None,
            recent: HashMap::new(),
            live: live::LiveState::new(opts.watcher, opts.rebuilds),
            title_rank,
            startup: None,
            matcher_coming: None,
            frame_gate: None,
            swapped: false,
        };
        app.sort_list();
        app.list.selected = 0;
        app.list.offset = 0;
        if let Some(note) = opts.open.filter(|&n| n < app.loaded.vault.notes.len()) {
            app.open(note, At::Top, None);
        }
        app
    }

    /// Opens note `note` at its top, as choosing it in the list does (history included).
    pub fn open_note(&mut self, note: usize) {
        if note < self.loaded.vault.notes.len() {
            self.open(note, At::Top, None);
        }
    }

    /// The vault and graph being browsed.
    pub fn loaded(&self) -> &Loaded {
        &self.loaded
    }

    /// What the browser is doing.
    pub fn mode(&self) -> &Mode {
        &self.mode
    }

    /// The focused pane.
    pub fn focus(&self) -> Focus {
        self.focus
    }

    /// The note pane's view, when a note is open.
    pub fn view(&self) -> Option<&View> {
        self.view.as_ref()
    }

    /// The rendered current note at the current width.
    pub fn page(&self) -> Option<&Page> {
        let v = self.view?;
        if self.is_ghost(v.note) {
            return self.ghost_page(v.note);
        }
        self.pages.get(&(v.note, v.width))
    }

    /// The selected link of the note pane.
    pub fn selected_link(&self) -> Option<LinkRef> {
        let v = self.view?;
        Some(self.page()?.stops.get(v.link?)?.link)
    }

    /// The status-bar message, if one is showing.
    pub fn message(&self) -> Option<&Message> {
        self.message.as_ref()
    }

    /// Whether the user asked to quit.
    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// Whether the app waits for the terminal around it to do something.
    pub fn has_request(&self) -> bool {
        self.request.is_some()
    }

    /// Takes what the app asks of the terminal around it, if anything (see [`Request`]).
    pub fn take_request(&mut self) -> Option<Request> {
        self.request.take()
    }

    /// The note list pane.
    pub fn list(&self) -> &NoteList {
        &self.list
    }

    /// The backlinks pane.
    pub fn backlinks(&self) -> &BacklinkList {
        &self.backlinks
    }

    /// How many views Back and Forward would go through: `(back, forward)`.
    pub fn history_len(&self) -> (usize, usize) {
        (self.back.len(), self.forward.len())
    }

    /// The key context for the current mode: which part of the key table answers.
    pub fn context(&self) -> Context {
        match self.mode {
            Mode::Browse => Context::Browse,
            Mode::Switcher(_) => Context::Switcher,
            Mode::Outline(_) => Context::Outline,
            Mode::Hints(_) => Context::Hints,
            Mode::Help(_) => Context::Help,
            Mode::Find(_) => Context::Find,
            Mode::Tags(_) => Context::Tags,
            Mode::Loose(_) => Context::Loose,
        }
    }

    /// Turns a terminal event into an action and applies it.
    pub fn handle_event(&mut self, event: Event) {
        let action = match event {
            Event::Key(key) => keymap::action(self.context(), key),
            Event::Mouse(m) => match m.kind {
                MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => Some(Action::Scroll {
                    column: m.column,
                    row: m.row,
                    down: m.kind == MouseEventKind::ScrollDown,
                }),
                MouseEventKind::Down(MouseButton::Left) => Some(Action::Click {
                    column: m.column,
                    row: m.row,
                }),
                _ => None,
            },
            Event::Resize(width, height) => Some(Action::Resize { width, height }),
            _ => None,
        };
        if let Some(a) = action {
            self.update(a);
        }
    }

    /// Applies one action: the only place the browser's state changes.
    pub fn update(&mut self, action: Action) {
        match action {
            Action::Quit => {
                self.quit = true;
                return;
            }
            Action::Suspend => {
                self.request = Some(Request::Suspend);
                return;
            }
            Action::Resize { width, height } => self.area = Rect::new(0, 0, width, height),
            Action::Scroll { .. } => {}
            Action::Pump => {
                self.pump();
                self.pump_loading();
                return;
            }
            Action::Live => {
                self.pump_live();
                return;
            }
            _ => self.message = None,
        }
        match self.mode {
            Mode::Browse => self.browse(action),
            Mode::Switcher(_) => self.on_switcher(action),
            Mode::Outline(_) => self.on_outline(action),
            Mode::Hints(_) => self.on_hints(action),
            Mode::Help(_) => self.on_help(action),
            Mode::Find(_) => self.on_find(action),
            Mode::Tags(_) => self.on_tags(action),
            Mode::Loose(_) => self.on_loose(action),
        }
        self.refresh();
    }

    // ---- layout ---------------------------------------------------------------------------------

    fn areas(&self, focus: Focus) -> ui::Areas {
        ui::layout(self.area, focus, self.backlinks.rows.len())
    }

    /// Where note text is drawn when the note pane is showing.
    fn note_text(&self) -> Rect {
        ui::note_text_area(self.areas(Focus::Note).note)
    }

    /// How many note rows the note pane shows.
    pub(crate) fn note_height(&self) -> usize {
        usize::from(self.note_text().height)
    }

    fn list_height(&self) -> usize {
        usize::from(ui::inner(self.areas(Focus::List).list).height)
    }

    fn backlinks_height(&self) -> usize {
        usize::from(ui::inner(self.areas(Focus::Backlinks).backlinks).height)
    }

    /// The screen cell where link stop `stop` starts, if it is visible.
    pub fn link_cell(&self, stop: usize) -> Option<Position> {
        self.stop_cell(stop, ui::note_text_area(self.areas(self.focus).note))
    }

    /// The cell, inside note text drawn at `text`, of the first visible anchor of link stop `stop`.
    pub(crate) fn stop_cell(&self, stop: usize, text: Rect) -> Option<Position> {
        let (v, page) = (self.view?, self.page()?);
        let rows = v.top..v.top + usize::from(text.height);
        let s = page.stops.get(stop)?;
        page.rendered.anchors[s.anchors.clone()]
            .iter()
            .find(|a| rows.contains(&a.row) && a.cols.start < text.width)
            .map(|a| {
                Position::new(
                    text.x + a.cols.start,
                    text.y + u16::try_from(a.row - v.top).unwrap_or(u16::MAX),
                )
            })
    }

    // ---- keeping the state consistent ------------------------------------------------------------

    /// Renders the current note for the current width if needed, and clamps every offset.
    fn refresh(&mut self) {
        self.ensure_page();
        self.follow_parts();
        let h = self.note_height();
        if let Some(page) = self.page() {
            let max_top = page.rendered.lines.len().saturating_sub(h);
            let stops = page.stops.len();
            if let Some(v) = self.view.as_mut() {
                v.top = v.top.min(max_top);
                v.link = v.link.filter(|&s| s < stops);
            }
        }
        let lh = self.list_height();
        let n = self.list.order.len();
        self.list.selected = self.list.selected.min(n.saturating_sub(1));
        self.list.offset = self.list.offset.min(n.saturating_sub(lh));
        let bh = self.backlinks_height();
        let n = self.backlinks.rows.len();
        self.backlinks.selected = self.backlinks.selected.min(n.saturating_sub(1));
        self.backlinks.offset = self.backlinks.offset.min(n.saturating_sub(bh));
        self.read_backlink_context(bh);
        if let Mode::Help(help) = &mut self.mode {
            let max = ui::help::line_count().saturating_sub(ui::help::body_height(self.area));
            help.scroll = help.scroll.min(max);
        }
    }

    /// Makes sure the current note is rendered at the note pane's width (a large note: the parts
    /// around the view, see [`paging`]), carrying the scroll position over by source line when the
    /// width changed.
    fn ensure_page(&mut self) {
        let Some(mut v) = self.view else { return };
        if self.is_ghost(v.note) {
            // A vanished note keeps the rendering it had.
            return;
        }
        let width = self.note_text().width.max(1);
        let held = self.pages.get(&(v.note, width)).map(Page::first_part);
        if v.width == width && held == Some(v.part) {
            return;
        }
        if let Some(parts) = self.parts_of(v.note) {
            self.ensure_held(&parts, width);
            return;
        }
        v.part = 0;
        let line = if v.top == 0 {
            None
        } else {
            self.pages
                .get(&(v.note, v.width))
                .and_then(|p| line_of_row(&p.rendered, v.top))
        };
        if !self.pages.contains_key(&(v.note, width)) {
            if self.pages.len() >= PAGE_CACHE_LIMIT {
                self.pages.clear();
            }
            let rendered = render::render(
                &self.loaded.vault,
                &self.loaded.graph,
                v.note,
                &RenderOptions::new(width),
            );
            self.pages.insert((v.note, width), Page::new(rendered));
        }
        if v.width != width {
            if let (Some(line), Some(page)) = (line, self.pages.get(&(v.note, width))) {
                v.top = page.rendered.row_of_line(line);
            }
            v.width = width;
        }
        self.view = Some(v);
    }

    // ---- messages -------------------------------------------------------------------------------

    fn say(&mut self, text: impl Into<String>, kind: MessageKind) {
        self.message = Some(Message {
            text: sanitize(&text.into()),
            kind,
        });
    }

    fn info(&mut self, text: impl Into<String>) {
        self.say(text, MessageKind::Info);
    }

    fn warn(&mut self, text: impl Into<String>) {
        self.say(text, MessageKind::Warning);
    }
}

/// Each note's list label (its title, plus its folder when another note shares the title, case
/// aside) and its rank in the list's order by title (case-insensitive, then path). Both compare
/// titles without case: each title is lowercased once for the two, made side by side.
pub(crate) fn labels_and_rank(
    notes: &[crate::vault::Note],
) -> (Vec<(String, Option<String>)>, Vec<u32>) {
    use rayon::prelude::*;
    let lower: Vec<std::borrow::Cow<str>> = notes
        .par_iter()
        .map(|n| crate::vault::lowercase(&n.title))
        .collect();
    let labels = || {
        let mut count: HashMap<&str, usize, BuildHasherDefault<FxHasher>> =
            HashMap::with_capacity_and_hasher(notes.len(), Default::default());
        for l in &lower {
            *count.entry(l.as_ref()).or_default() += 1;
        }
        notes
            .par_iter()
            .zip(&lower)
            .map(|(n, l)| {
                let repeated = count.get(l.as_ref()).copied().unwrap_or(0) > 1;
                let folder = repeated.then(|| {
                    if n.folder().is_empty() {
                        "/".to_string()
                    } else {
                        sanitize(n.folder()) + "/"
                    }
                });
                (sanitize(&n.title), folder)
            })
            .collect()
    };
    let rank = || {
        // Notes are in path order, so ties on the title fall to the index. Each title's first
        // eight bytes go with its index, most comparisons end there, without reading the titles.
        let mut order: Vec<(u64, u32)> = lower
            .iter()
            .enumerate()
            .map(|(i, l)| (title_prefix(l), i as u32))
            .collect();
        order.par_sort_unstable_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| lower[a.1 as usize].cmp(&lower[b.1 as usize]))
                .then(a.1.cmp(&b.1))
        });
        let mut rank = vec![0u32; notes.len()];
        for (r, &(_, i)) in order.iter().enumerate() {
            rank[i as usize] = r as u32;
        }
        rank
    };
    rayon::join(labels, rank)
}

/// The first eight bytes of `s`, zero-padded, as a number that orders as the bytes do: two
/// strings whose prefixes differ compare as their prefixes; equal prefixes say nothing (`"ab"`
/// and `"ab\0"` share one).
fn title_prefix(s: &str) -> u64 {
    let mut b = [0u8; 8];
    let n = s.len().min(8);
    b[..n].copy_from_slice(&s.as_bytes()[..n]);
    u64::from_be_bytes(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_ordered_by_their_first_bytes_then_whole_order_as_the_whole_titles_do() {
        let titles = [
            "",
            "a",
            "ab",
            "ab\0",
            "ab\0\0",
            "abcdefgh",
            "abcdefghi",
            "abcdefgg",
            "abcdefgh\0",
            "abcdefgi",
            "b",
            "z",
            "zzzzzzzzzz",
            "é",
            "éa",
            "日本",
            "\u{7f}",
            "a b",
            "a\u{1}",
        ];
        let mut by_prefix: Vec<&str> = titles.to_vec();
        by_prefix.sort_by(|a, b| title_prefix(a).cmp(&title_prefix(b)).then_with(|| a.cmp(b)));
        let mut whole: Vec<&str> = titles.to_vec();
        whole.sort();
        assert_eq!(by_prefix, whole);
    }

    #[test]
    fn step_stays_in_bounds() {
        assert_eq!(step(0, Action::Up, 5, 2), 0);
        assert_eq!(step(4, Action::Down, 5, 2), 4);
        assert_eq!(step(1, Action::PageDown, 5, 10), 4);
        assert_eq!(step(3, Action::HalfPageUp, 5, 4), 1);
        assert_eq!(step(0, Action::Down, 0, 4), 0);
    }

    #[test]
    fn reveal_keeps_the_selection_in_view() {
        assert_eq!(reveal(0, 10, 5), 6);
        assert_eq!(reveal(8, 3, 5), 3);
        assert_eq!(reveal(2, 4, 5), 2);
        assert_eq!(reveal(0, 3, 0), 3);
    }

    #[test]
    fn hint_labels_are_unique_and_short() {
        assert_eq!(hint_labels(3), vec!["a", "s", "d"]);
        let many = hint_labels(40);
        assert_eq!(many.len(), 40);
        assert!(many.iter().all(|l| l.len() == 2));
        let mut uniq = many.clone();
        uniq.sort();
        uniq.dedup();
        assert_eq!(uniq.len(), 40);
    }

    #[test]
    fn stops_merge_consecutive_anchors_of_one_link() {
        use crate::render::LinkAnchor;
        let a = |row, note, link| LinkAnchor {
            row,
            cols: 0..1,
            link: LinkRef { note, link },
        };
        let page = Page::new(Rendered {
            anchors: vec![a(0, 0, 0), a(1, 0, 0), a(1, 0, 1), a(3, 0, 0)],
            ..Rendered::default()
        });
        assert_eq!(page.stops.len(), 3);
        assert_eq!(page.stops[0].anchors, 0..2);
        assert_eq!(page.stop_of_anchor(1), Some(0));
        assert_eq!(page.stop_of_link(LinkRef { note: 0, link: 0 }, 2), Some(2));
    }
}
