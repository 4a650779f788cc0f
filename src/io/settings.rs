//! Settings that persist between runs (RON in the user's config directory, written
//! atomically): analysis options, the kill list, recent files, the theme and the file
//! chooser. Version 1 files (string kill choice, both engines' parameters) are converted when
//! read.

use std::path::{Path, PathBuf};

use super::legacy::OptionsV1;
use super::text_file;
use crate::model::options::{AnalysisOptions, Detector, SpeakerEdits, Tokenizer};
use crate::text::kill_words::{KillSource, Language};

/// Format version of the settings file.
pub const SETTINGS_VERSION: u32 = 4;

/// Largest settings file read.
pub const MAX_SETTINGS_BYTES: u64 = 1 << 20;

/// What the app remembers.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Format version.
    pub version: u32,
    /// Options of the next run (engine, backend, precision, parameters, map).
    pub options: AnalysisOptions,
    /// The kill list of the next run.
    pub kill: KillSource,
    /// Kill words edited in the app (the reference format), kept while another list is chosen.
    pub kill_custom: String,
    /// The last kill-list file chosen, kept while another list is chosen.
    pub kill_file: Option<PathBuf>,
    /// Whether `kill` stays for every conversation; otherwise opening another conversation
    /// returns to the automatic choice (the list of its language).
    pub kill_pinned: bool,
    /// Recently opened conversations, newest first.
    pub recent: Vec<PathBuf>,
    /// The window's colours.
    pub theme: Theme,
    /// Which file chooser *Open…*, *Save session…*, *Export* and *Kill-list file…* show.
    pub file_chooser: FileChooser,
    /// The concept map's background, whatever the window's theme.
    pub map_background: MapBackground,
}

/// The window's colours (the concept map draws its own background).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Theme {
    /// Follow the system's light or dark setting.
    #[default]
    System,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

/// Which file chooser the app shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FileChooser {
    /// The system's dialog where the desktop has one, else the built-in browser.
    #[default]
    Native,
    /// Always the built-in browser.
    BuiltIn,
}

/// The concept map's background (its labels, axes and legend follow it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MapBackground {
    /// Near-black.
    #[default]
    Dark,
    /// Near-white.
    Light,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            version: SETTINGS_VERSION,
            options: AnalysisOptions::default(),
            kill: KillSource::Auto,
            kill_custom: String::new(),
            kill_file: None,
            kill_pinned: false,
            recent: Vec::new(),
            theme: Theme::System,
            file_chooser: FileChooser::Native,
            map_background: MapBackground::Dark,
        }
    }
}

/// Why the settings file was not used.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// It could not be read.
    #[error(transparent)]
    Read(#[from] text_file::TextFileError),
    /// It does not parse.
    #[error("{} is damaged ({detail}); defaults used", path.display())]
    Damaged {
        /// What the parser said.
        detail: String,
        /// The file.
        path: PathBuf,
    },
    /// It parses, but a value is out of range (a hand edit, a file of a build with other
    /// bounds).
    #[error("{} holds an invalid value ({problem}); defaults used", path.display())]
    Invalid {
        /// The value and its rule.
        problem: crate::model::params::ParamError,
        /// The file.
        path: PathBuf,
    },
    /// A newer Huey wrote it.
    #[error("{} is from a newer Huey (version {found}); defaults used", path.display())]
    Newer {
        /// The file's version.
        found: u32,
        /// The file.
        path: PathBuf,
    },
    /// Writing failed or was refused.
    #[error("settings not saved: {0}")]
    Write(#[from] super::atomic::WriteError),
    /// The settings folder could not be made.
    #[error("settings not saved: cannot create the folder {}: {source}", path.display())]
    Folder {
        /// The underlying error.
        source: std::io::Error,
        /// The folder.
        path: PathBuf,
    },
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

    /// Load; a missing file gives the defaults, a damaged or newer one the defaults and why.
    pub fn load(path: &Path) -> (Self, Option<SettingsError>) {
        if !path.exists() {
            return (Self::default(), None);
        }
        match text_file::read(path, MAX_SETTINGS_BYTES, "settings file") {
            Ok(text) => match Self::parse(&text, path) {
                Ok(s) => (s, None),
                Err(e) => (Self::default(), Some(e)),
            },
            Err(e) => (Self::default(), Some(e.into())),
        }
    }

    /// Parse the text of a settings file (`path` names it in errors).
    pub fn parse(text: &str, path: &Path) -> Result<Self, SettingsError> {
        let settings = Self::parse_unchecked(text, path)?;
        settings.options.validate().map_err(|problem| SettingsError::Invalid { problem, path: path.to_owned() })?;
        Ok(settings)
    }

    fn parse_unchecked(text: &str, path: &Path) -> Result<Self, SettingsError> {
        #[derive(Default, serde::Deserialize)]
        #[serde(default)]
        struct Version {
            version: u32,
        }
        #[derive(Default, serde::Deserialize)]
        #[serde(default)]
        struct V1 {
            options: OptionsV1,
            kill: String,
            kill_custom: String,
            kill_file: Option<PathBuf>,
            recent: Vec<PathBuf>,
        }
        let damaged =
            |e: &dyn std::fmt::Display| SettingsError::Damaged { detail: e.to_string(), path: path.to_owned() };
        let version: Version = ron::from_str(text).map_err(|e| damaged(&e))?;
        if version.version > SETTINGS_VERSION {
            return Err(SettingsError::Newer { found: version.version, path: path.to_owned() });
        }
        if version.version >= 2 {
            let mut settings: Self = ron::from_str(text).map_err(|e| damaged(&e))?;
            if settings.version == 2 && settings.options.tokenizer == Tokenizer::Reference {
                // Version 2 had the reference tokenizer as its default: move to the clean
                // default (Reference settings restores the reference's).
                settings.options.tokenizer = Tokenizer::default();
            }
            if settings.version == 2 {
                // And the default preset's map, without the speakers' neurons.
                settings.options.map.leave_out_speakers = true;
            }
            if settings.version <= 3 {
                // Files before version 4 had no detector: they were read by the reference's.
                // Who used the clean default moves on to the default detector; who chose the
                // reference tokenizer keeps the reference's detector with it.
                settings.options.detect.detector = match settings.options.tokenizer {
                    Tokenizer::Words => Detector::Transcript,
                    Tokenizer::Reference | Tokenizer::ReferenceWindowed => Detector::Reference,
                };
            }
            settings.version = SETTINGS_VERSION;
            // Speaker edits belong to a conversation (and its session), never to the next file.
            settings.options.speaker_edits = SpeakerEdits::default();
            return Ok(settings);
        }
        let v: V1 = ron::from_str(text).map_err(|e| damaged(&e))?;
        let kill = match v.kill.as_str() {
            "none" => KillSource::None,
            "custom" => KillSource::Custom(v.kill_custom.clone()),
            "file" => v.kill_file.clone().map_or_else(KillSource::default, KillSource::File),
            "" => KillSource::Auto,
            code => Language::from_code(code).map_or_else(|_| KillSource::default(), KillSource::Bundled),
        };
        let mut options: AnalysisOptions = v.options.into();
        options.tokenizer = Tokenizer::default();
        options.map.leave_out_speakers = true;
        options.detect.detector = Detector::Transcript;
        options.speaker_edits = SpeakerEdits::default();
        Ok(Self {
            version: SETTINGS_VERSION,
            options,
            kill,
            kill_custom: v.kill_custom,
            kill_file: v.kill_file,
            kill_pinned: false,
            recent: v.recent,
            ..Self::default()
        })
    }

    /// Save atomically.
    pub fn save(&self, path: &Path) -> Result<(), SettingsError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| SettingsError::Folder { source, path: dir.to_owned() })?;
        }
        let mut kept = self.clone();
        kept.options.speaker_edits = SpeakerEdits::default();
        let text = ron::ser::to_string_pretty(&kept, ron::ser::PrettyConfig::default()).unwrap_or_default();
        Ok(super::atomic::write(path, text.as_bytes())?)
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
        let mut s = Settings {
            kill: KillSource::Bundled(Language::De),
            theme: Theme::Dark,
            file_chooser: FileChooser::BuiltIn,
            ..Settings::default()
        };
        s.remember(Path::new("/tmp/a.txt"));
        s.remember(Path::new("/tmp/b.txt"));
        s.remember(Path::new("/tmp/a.txt"));
        assert_eq!(s.recent, [PathBuf::from("/tmp/a.txt"), PathBuf::from("/tmp/b.txt")]);
        s.save(&path).unwrap();
        let (loaded, why) = Settings::load(&path);
        assert_eq!(loaded, s);
        assert!(why.is_none());

        std::fs::write(&path, "(kill: ").unwrap();
        let (loaded, why) = Settings::load(&path);
        assert_eq!(loaded, Settings::default());
        assert!(matches!(why, Some(SettingsError::Damaged { .. })), "{why:?}");
        std::fs::write(&path, "(version: 99)").unwrap();
        let (loaded, why) = Settings::load(&path);
        assert_eq!(loaded, Settings::default());
        assert!(matches!(why, Some(SettingsError::Newer { found: 99, .. })), "{why:?}");
        let mut bad = s.clone();
        bad.options.engine.common.eta = 1e300;
        bad.save(&path).unwrap();
        let (loaded, why) = Settings::load(&path);
        assert_eq!(loaded, Settings::default());
        assert!(matches!(&why, Some(SettingsError::Invalid { problem, .. }) if problem.name == "eta"), "{why:?}");
        let (loaded, why) = Settings::load(&dir.path().join("missing.ron"));
        assert_eq!(loaded, Settings::default());
        assert!(why.is_none());
    }

    #[test]
    fn settings_from_before_the_map_fields_still_load() {
        let old = "(version: 3, options: (map: (n_concepts: 80)), recent: [])";
        let s = Settings::parse(old, Path::new("s.ron")).unwrap();
        assert_eq!(s.options.map.n_concepts, 80);
        assert!(!s.options.map.leave_out_speakers, "a map block without the field: as before, off");
        assert_eq!(s.map_background, MapBackground::Dark);
        let light = Settings::parse("(version: 3, map_background: light)", Path::new("s.ron")).unwrap();
        assert_eq!(light.map_background, MapBackground::Light);
    }

    #[test]
    fn version_1_settings_are_converted() {
        let v1 =
            r#"(version: 1, kill: "de", options: (engine: temporal, temporal: (max_neurons: 99)), recent: ["/a.txt"])"#;
        let s = Settings::parse(v1, Path::new("s.ron")).unwrap();
        assert_eq!(s.kill, KillSource::Bundled(Language::De));
        assert_eq!(s.options.engine.common.max_neurons, 99);
        assert_eq!(s.recent, [PathBuf::from("/a.txt")]);
        let custom = Settings::parse(r#"(version: 1, kill: "custom", kill_custom: "a b")"#, Path::new("s")).unwrap();
        assert_eq!(custom.kill, KillSource::Custom("a b".to_owned()));
    }

    #[test]
    fn version_2_settings_move_to_the_clean_tokenizer_and_forget_speaker_edits() {
        let v2 = r#"(version: 2, options: (tokenizer: reference, speaker_edits: (renames: [("A", "B")])))"#;
        let s = Settings::parse(v2, Path::new("s.ron")).unwrap();
        assert_eq!((s.version, s.options.tokenizer), (SETTINGS_VERSION, Tokenizer::Words));
        assert_eq!(s.options.speaker_edits, SpeakerEdits::default());
        // A version 3 file keeps the reference tokenizer it chose, and the reference's
        // detector it was read with; one with the clean tokenizer moves to the default detector.
        let v3 = r#"(version: 3, options: (tokenizer: reference))"#;
        let s3 = Settings::parse(v3, Path::new("s.ron")).unwrap();
        assert_eq!((s3.options.tokenizer, s3.options.detect.detector), (Tokenizer::Reference, Detector::Reference));
        let v3_clean = Settings::parse(r#"(version: 3, options: (tokenizer: words))"#, Path::new("s.ron")).unwrap();
        assert_eq!(v3_clean.options.detect.detector, Detector::Transcript);
        // Speaker edits are never saved.
        let dir = tempfile::tempdir().unwrap();
        let mut with_edits = Settings::default();
        with_edits.options.speaker_edits.excluded.push("A".to_owned());
        with_edits.save(&dir.path().join("s.ron")).unwrap();
        assert_eq!(Settings::load(&dir.path().join("s.ron")).0.options.speaker_edits, SpeakerEdits::default());
    }
}
