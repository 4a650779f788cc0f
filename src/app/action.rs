//! What the user asked for: panels push [`Action`]s, `logic` carries them out in one place.

use std::path::PathBuf;

use super::jobs::Purpose;
use crate::model::options::Backend;

/// Something the user asked for.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Show a file chooser for `purpose` (the native dialog on a job thread, or the in-app
    /// browser); the path chosen becomes the action of that purpose.
    Choose(Purpose),
    /// Read and load a conversation file.
    Open(PathBuf),
    /// Use a kill-list file.
    UseKillFile(PathBuf),
    /// Load the bundled sample.
    OpenSample,
    /// Reload the current conversation with the current settings (a fresh run).
    Restart,
    /// Run to the end.
    Run,
    /// Pause.
    Pause,
    /// One exchange.
    Step,
    /// Pause and show the network as of exchange `t` (the run's history plus a replay).
    Seek(usize),
    /// End the run where it is (cancel): the network so far stays on show.
    Stop,
    /// Move the run to a backend.
    SwitchBackend(Backend),
    /// Learning speed: exchanges per second, or `None` for as fast as possible.
    Speed(Option<f64>),
    /// Recompute the map with the current map options.
    Remap,
    /// Save the current state as a session file.
    SaveSession(PathBuf),
    /// Reopen a session file.
    OpenSession(PathBuf),
    /// Select a concept by label (`None` clears).
    Select(Option<String>),
    /// Run the current conversation on the CPU and the GPU, side by side.
    CompareBackends,
    /// Run the size sweep (sizes, seconds per run) for the crossover chart.
    RunSweep(Vec<usize>, f64),
    /// Load sweep rows from `huey bench --sweep --json` output.
    LoadSweep(PathBuf),
    /// Write the concepts (word, id, mass, activation) as CSV.
    ExportConcepts(PathBuf),
    /// Write a Markdown analysis report.
    ExportReport(PathBuf),
    /// Write the map, clusters and centralities in an interchange format (or the questionnaire).
    Export(crate::export::Format, PathBuf),
    /// Write a figure.
    Figure(crate::app::jobs::FigureFile, PathBuf),
    /// Compute the timeline of the run on show (the Time tab's choices).
    ComputeTimeline,
    /// Run the replicate ensemble of the run on show (the map's stability choices).
    ComputeStability,
    /// Play the run forward (`Some(true)`) or back (`Some(false)`) through the time slider at
    /// the Time tab's speed, or stop (`None`).
    Play(Option<bool>),
    /// Write the timeline's CSV tables or its animation.
    ExportTimeline(crate::app::jobs::TimelineFile, PathBuf),
    /// Open a folder as a corpus (its table on the Corpus tab).
    OpenCorpus(PathBuf),
    /// Pool the corpus's conversations into one network.
    PoolCorpus,
    /// Compare the corpus's group A with its group B.
    CompareGroups,
    /// Compare two speakers of the conversation on show.
    CompareSpeakers(String, String),
    /// Write the comparison's tables and joint map.
    ExportComparison(PathBuf),
    /// Show or hide the help window (shortcuts, version).
    ToggleHelp,
    /// Save the settings now (a setting the user changed, such as the theme).
    SaveSettings,
}

impl Action {
    /// Open `path` as what its name says: a session (`*.ron`, as the app and `huey analyze
    /// --save-session` write them; a double-click on one starts `huey FILE`) or a conversation.
    pub fn open(path: PathBuf) -> Self {
        let session = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("ron"));
        if session { Self::OpenSession(path) } else { Self::Open(path) }
    }
}

impl Purpose {
    /// What choosing `path` for this purpose asks for.
    pub fn action(self, path: PathBuf) -> Action {
        match self {
            Self::OpenConversation => Action::Open(path),
            Self::OpenSession => Action::OpenSession(path),
            Self::SaveSession => Action::SaveSession(path),
            Self::ExportConcepts => Action::ExportConcepts(path),
            Self::ExportReport => Action::ExportReport(path),
            Self::KillListFile => Action::UseKillFile(path),
            Self::LoadSweep => Action::LoadSweep(path),
            Self::Export(format) => Action::Export(format, path),
            Self::Figure(figure) => Action::Figure(figure, path),
            Self::Timeline(file) => Action::ExportTimeline(file, path),
            Self::OpenCorpus => Action::OpenCorpus(path),
            Self::ExportComparison => Action::ExportComparison(path),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ron_file_opens_as_a_session_anything_else_as_a_conversation() {
        let open = |p: &str| Action::open(PathBuf::from(p));
        assert_eq!(open("a/talk.huey.ron"), Action::OpenSession(PathBuf::from("a/talk.huey.ron")));
        assert_eq!(open("old.RON"), Action::OpenSession(PathBuf::from("old.RON")));
        assert_eq!(open("talk.txt"), Action::Open(PathBuf::from("talk.txt")));
        assert_eq!(open("ron"), Action::Open(PathBuf::from("ron")));
    }
}
