//! Settings that persist between runs (RON in the user's config directory, written
//! atomically): analysis options, backend, kill list choice, recent files.

use std::path::{Path, PathBuf};

use crate::pipeline::AnalysisOptions;

/// Format version of the settings file.
pub const SETTINGS_VERSION: u32 = 1;

/// What the app remembers.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Format version.
    pub version: u32,
    /// Options of the next run (engine, backend, precision, parameters, map).
    pub options: AnalysisOptions,
    /// Bundled kill list (`en`, `de`, …), `none`, `file` for `kill_file`, or `custom` for
    /// `kill_custom`.
    pub kill: String,
    /// Kill words edited in the app (one per line, the reference format).
    pub kill_custom: String,
    /// A kill-list file in the reference format.
    pub kill_file: Option<PathBuf>,
    /// Recently opened conversations, newest first.
    pub recent: Vec<PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            version: SETTINGS_VERSION,
            options: AnalysisOptions::default(),
            kill: "en".to_owned(),
            kill_custom: String::new(),
            kill_file: None,
            recent: Vec::new(),
        }
    }
}

impl Settings {
    /// `$HUEY_CONFIG_DIR`, else `$XDG_CONFIG_HOME/huey`, else `~/.config/huey`.
    pub fn default_path() -> Option<PathBuf> {
        let dir = std::env::var_os("HUEY_CONFIG_DIR").map(PathBuf::from).or_else(|| {
            std::env::var_os("XDG_CONFIG_HOME")
                .map(|d| PathBuf::from(d).join("huey"))
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config/huey")))
        })?;
        Some(dir.join("settings.ron"))
    }

    /// Load, or the defaults with a reason when the file is missing, damaged or newer.
    pub fn load(path: &Path) -> (Self, Option<String>) {
        let Ok(text) = std::fs::read_to_string(path) else { return (Self::default(), None) };
        match ron::from_str::<Self>(&text) {
            Ok(s) if s.version <= SETTINGS_VERSION => (s, None),
            Ok(s) => (
                Self::default(),
                Some(format!("{} is from a newer Huey (version {}); defaults used", path.display(), s.version)),
            ),
            Err(e) => (Self::default(), Some(format!("{} is damaged ({e}); defaults used", path.display()))),
        }
    }

    /// Save atomically.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let text =
            ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default()).map_err(std::io::Error::other)?;
        crate::io::atomic::write(path, text.as_bytes())
    }

    /// Put `path` first in the recent list (at most 10).
    pub fn remember(&mut self, path: &Path) {
        self.recent.retain(|p| p != path);
        self.recent.insert(0, path.to_owned());
        self.recent.truncate(10);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_damaged_or_newer_files_give_defaults_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/settings.ron");
        let mut s = Settings { kill: "de".to_owned(), ..Settings::default() };
        s.remember(Path::new("/tmp/a.txt"));
        s.remember(Path::new("/tmp/b.txt"));
        s.remember(Path::new("/tmp/a.txt"));
        assert_eq!(s.recent, [PathBuf::from("/tmp/a.txt"), PathBuf::from("/tmp/b.txt")]);
        s.save(&path).unwrap();
        assert_eq!(Settings::load(&path), (s.clone(), None));

        std::fs::write(&path, "(kill: ").unwrap();
        let (loaded, why) = Settings::load(&path);
        assert_eq!(loaded, Settings::default());
        assert!(why.unwrap().contains("damaged"));
        std::fs::write(&path, "(version: 99)").unwrap();
        let (loaded, why) = Settings::load(&path);
        assert_eq!(loaded, Settings::default());
        assert!(why.unwrap().contains("newer"));
        assert_eq!(Settings::load(&dir.path().join("missing.ron")), (Settings::default(), None));
    }
}
