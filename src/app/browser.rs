//! The in-app file browser (`egui_file`), shown when the desktop has no native file dialog,
//! when the native one failed, or when the settings ask for it.
//!
//! The UI thread lists no folder: the dialog reads folders through [`JobFs`], which answers
//! from listings made by a job (`Jobs::list_folder`) and, for a folder not listed yet, asks for
//! one and shows "reading the folder…" until it arrives. Creating and renaming folders, which
//! `egui_file` would do on the UI thread, are switched off. What remains on the UI thread is
//! `egui_file`'s own check of a path the user typed or confirmed (one `metadata` call when
//! the path box loses focus, when Enter is pressed in the file-name box, and on *Save*).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use egui_file::vfs::VfsFile;
use egui_file::{FileDialog, Filter, State, Vfs};

use super::jobs::Purpose;
use crate::io::listing::{Entry, EntryKind, ListError, Listing};

/// What the list shows while a folder is being read.
const READING: &str = "reading the folder…";

/// Listings between the jobs' answers and the dialog.
#[derive(Default)]
struct Shared {
    /// Answers not yet shown (each is shown once: a refresh asks again).
    ready: HashMap<PathBuf, Result<Listing, String>>,
    /// Folders the dialog asked for and no job is listing yet.
    wanted: Vec<PathBuf>,
    /// Folders a job is listing.
    listing: HashSet<PathBuf>,
}

/// The dialog's file system: folder listings come from jobs, nothing is read here.
struct JobFs(Arc<Mutex<Shared>>);

/// One entry as the dialog shows it.
#[derive(Clone, Debug)]
struct Item {
    entry: Entry,
    selected: bool,
}

impl VfsFile for Item {
    fn is_file(&self) -> bool {
        self.entry.kind == EntryKind::File
    }

    fn is_dir(&self) -> bool {
        self.entry.kind == EntryKind::Dir
    }

    fn path(&self) -> &Path {
        &self.entry.path
    }

    fn selected(&self) -> bool {
        self.selected
    }

    fn set_selected(&mut self, selected: bool) {
        self.selected = selected;
    }

    fn get_file_name(&self) -> &str {
        &self.entry.name
    }
}

fn refused() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::Unsupported, "not from the built-in file browser")
}

impl Vfs for JobFs {
    fn create_dir(&self, _path: &Path) -> std::io::Result<()> {
        Err(refused())
    }

    fn rename(&self, _from: &Path, _to: &Path) -> std::io::Result<()> {
        Err(refused())
    }

    fn read_folder(
        &self,
        path: &Path,
        show_system_files: bool,
        show_files_filter: &Filter<PathBuf>,
        #[cfg(unix)] show_hidden: bool,
        #[cfg(windows)] _show_drives: bool,
    ) -> Result<Vec<Box<dyn VfsFile>>, std::io::Error> {
        let mut shared = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        match shared.ready.remove(path) {
            Some(Ok(listing)) => Ok(listing
                .entries
                .into_iter()
                .filter(|e| {
                    e.kind == EntryKind::Dir
                        || ((show_system_files || e.kind == EntryKind::File) && show_files_filter(&e.path))
                })
                .filter(|e| {
                    #[cfg(unix)]
                    if !show_hidden && e.name.starts_with('.') {
                        return false;
                    }
                    true
                })
                .map(|entry| Box::new(Item { entry, selected: false }) as Box<dyn VfsFile>)
                .collect()),
            Some(Err(why)) => Err(std::io::Error::other(why)),
            None => {
                if !shared.listing.contains(path) && !shared.wanted.iter().any(|w| w == path) {
                    shared.wanted.push(path.to_owned());
                }
                Err(std::io::Error::other(READING))
            }
        }
    }
}

/// How the browser closed.
#[derive(Debug, PartialEq, Eq)]
pub enum Closed {
    /// A path was chosen.
    Chosen(PathBuf),
    /// Cancelled.
    Cancelled,
}

/// The in-app file browser, open for one purpose.
pub struct Browser {
    /// What the path is for.
    pub purpose: Purpose,
    dialog: FileDialog,
    shared: Arc<Mutex<Shared>>,
}

impl std::fmt::Debug for Browser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Browser").field("purpose", &self.purpose).field("folder", &self.dialog.directory()).finish()
    }
}

impl Browser {
    /// A browser for `purpose` open in `folder` (the process's current folder when `None`).
    pub fn open(purpose: Purpose, folder: Option<PathBuf>) -> Self {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let dialog = if purpose.saves() {
            FileDialog::save_file().default_filename(purpose.file_name().unwrap_or_default())
        } else if purpose == Purpose::OpenCorpus {
            FileDialog::select_folder()
        } else {
            FileDialog::open_file()
        };
        let extensions = purpose.extensions();
        let mut dialog = dialog
            .title(purpose.title())
            .show_new_folder(false)
            .show_rename(false)
            .show_files_filter(Box::new(move |path: &Path| {
                extensions.is_empty()
                    || path
                        .extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
            }))
            .with_fs(Box::new(JobFs(Arc::clone(&shared))));
        if let Some(folder) = folder {
            dialog = dialog.initial_path(folder);
        }
        dialog.open();
        Self { purpose, dialog, shared }
    }

    /// Draw it; how it closed, once it has.
    pub fn show(&mut self, ctx: &egui::Context) -> Option<Closed> {
        match self.dialog.show(ctx).state() {
            State::Open => None,
            State::Selected => self.dialog.path().map(|p| Closed::Chosen(p.to_owned())).or(Some(Closed::Cancelled)),
            State::Cancelled | State::Closed => Some(Closed::Cancelled),
        }
    }

    /// The folders to list (each handed out once).
    pub fn take_wanted(&mut self) -> Vec<PathBuf> {
        let mut shared = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        let wanted = std::mem::take(&mut shared.wanted);
        shared.listing.extend(wanted.iter().cloned());
        wanted
    }

    /// A job's listing of `folder`: shown if the browser is still there (else dropped).
    pub fn listed(&mut self, folder: PathBuf, listing: Result<Listing, ListError>) {
        {
            let mut shared = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
            shared.listing.remove(&folder);
            if self.dialog.directory() != folder {
                return;
            }
            shared.ready.insert(folder.clone(), listing.map_err(|e| e.to_string()));
        }
        // The dialog reads the folder again and finds the listing.
        self.dialog.set_path(folder);
    }

    /// The folder on show.
    pub fn folder(&self) -> &Path {
        self.dialog.directory()
    }
}
