//! The settings panel: presets, engine, precision, backend, tokenizer, speaker detector, kill
//! list (with additive edits), every parameter (each with what it means), the conversation's
//! speakers with their turns (label pattern, non-speakers, renames; undoable, with a reset), the window (theme, file chooser) and the recent files.

use egui::{Color32, RichText, Ui};

use crate::app::Action;
use crate::app::jobs::Purpose;
use crate::app::view::{SpeakerUndo, View};
use crate::io::settings::{FileChooser, Settings, Theme};
use crate::model::options::{
    AnalysisOptions, Backend, Detector, EngineKind, LabelPattern, Precision, Preset, SpeakerEdits, Tokenizer,
};
use crate::model::params::{MAX_MAGNITUDE, MAX_NEURONS_LIMIT, Specific};
use crate::text::kill_words::{KillSource, Language};

/// Engine, parameters, kill list, speakers, recent files.
pub fn settings_ui(ui: &mut Ui, settings: &mut Settings, view: &mut View, actions: &mut Vec<Action>) {
    ui.heading("Run settings");
    preset_ui(ui, &mut settings.options);
    engine_ui(ui, &mut settings.options);
    kill_list_ui(ui, settings, view, actions);
    let o = &mut settings.options;
    parameters_ui(ui, o);
    egui::CollapsingHeader::new("All parameters").show(ui, |ui| advanced_ui(ui, o));
    let valid = o.validate();
    if let Err(e) = &valid {
        ui.colored_label(Color32::LIGHT_RED, e.to_string());
    }
    if ui.add_enabled(valid.is_ok(), egui::Button::new("Apply and restart")).clicked() {
        actions.push(Action::Restart);
    }

    ui.separator();
    ui.heading("Conversation");
    if let Some(s) = &view.run.summary {
        ui.label(&s.name);
        ui.label(format!(
            "{} exchanges via {} ({} detector, confidence {:.2})",
            s.exchanges,
            s.strategy,
            s.detector.as_str(),
            s.confidence
        ));
        if s.exchanges >= s.options.detect.exchange_limit {
            ui.colored_label(
                Color32::from_rgb(230, 160, 40),
                format!("only the first {} exchanges (the exchange limit, under All parameters)", s.exchanges),
            );
        }
        ui.label(format!("{} tokens kept", s.tokens));
        let detected = Detected {
            speakers: &s.detected_speakers,
            turns: &s.detected_turns,
            bots: &s.bots,
            transcript: s.detector == Detector::Transcript,
        };
        speakers_ui(ui, &mut o.speaker_edits, &detected, &mut view.widgets.speaker_undo);
    }
    ui.separator();
    window_ui(ui, settings, actions);
    ui.separator();
    ui.heading("Recent");
    for path in settings.recent.clone() {
        let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        if ui.link(name).on_hover_text(path.display().to_string()).clicked() {
            actions.push(Action::Open(path));
        }
    }
}

/// The presets: which one the options are, and buttons that set every option to one (the
/// backend and the conversation's speaker edits stay).
fn preset_ui(ui: &mut Ui, o: &mut AnalysisOptions) {
    let now = match o.matches_preset() {
        Some(Preset::Default) => "default",
        Some(Preset::Reference) => "reference",
        None => "custom",
    };
    ui.label(format!("Preset: {now}"));
    ui.horizontal(|ui| {
        for (preset, label, hover) in [
            (Preset::Default, "Default settings", "clean Unicode words, the reference's engine parameters"),
            (
                Preset::Reference,
                "Reference settings",
                "the original's behaviour exactly: its tokenizer and every default",
            ),
        ] {
            if ui.button(label).on_hover_text(hover).clicked() {
                *o = AnalysisOptions {
                    backend: o.backend,
                    precision: o.precision,
                    speaker_edits: std::mem::take(&mut o.speaker_edits),
                    ..AnalysisOptions::preset(preset, o.engine.kind())
                };
            }
        }
    });
}

/// The theme and the file chooser (saved at once).
fn window_ui(ui: &mut Ui, settings: &mut Settings, actions: &mut Vec<Action>) {
    ui.heading("Window");
    let before = (settings.theme, settings.file_chooser);
    ui.horizontal(|ui| {
        ui.label("Theme");
        ui.radio_value(&mut settings.theme, Theme::System, "system");
        ui.radio_value(&mut settings.theme, Theme::Light, "light");
        ui.radio_value(&mut settings.theme, Theme::Dark, "dark");
    });
    ui.label("File chooser");
    ui.radio_value(&mut settings.file_chooser, FileChooser::Native, "the system's, where there is one");
    ui.radio_value(&mut settings.file_chooser, FileChooser::BuiltIn, "use the built-in file browser");
    if (settings.theme, settings.file_chooser) != before {
        actions.push(Action::SaveSettings);
    }
}

/// Engine, precision, starting backend, tokenizer.
fn engine_ui(ui: &mut Ui, o: &mut AnalysisOptions) {
    ui.horizontal(|ui| {
        ui.label("Engine");
        let mut kind = o.engine.kind();
        ui.radio_value(&mut kind, EngineKind::Temporal, "temporal")
            .on_hover_text("the golden engine: every ordered pair of an exchange's tokens, weighted by their distance");
        ui.radio_value(&mut kind, EngineKind::Windowed, "windowed")
            .on_hover_text("sliding windows of W tokens with a neuron per speaker, activation spreading");
        o.engine.set_kind(kind);
    });
    ui.horizontal(|ui| {
        ui.label("Precision");
        ui.radio_value(&mut o.precision, Precision::F64, "f64").on_hover_text("double precision: the reference mode");
        ui.radio_value(&mut o.precision, Precision::F32, "f32")
            .on_hover_text("single precision, as GPU kernels compute");
    });
    ui.horizontal(|ui| {
        ui.radio_value(&mut o.backend, Backend::Cpu, "start on CPU");
        ui.radio_value(&mut o.backend, Backend::Gpu, "start on GPU");
    });
    ui.horizontal(|ui| {
        ui.label("Tokenizer");
        ui.radio_value(&mut o.tokenizer, Tokenizer::Words, "clean words").on_hover_text(
            "Unicode words: contractions and hyphenated words whole, punctuation and speaker labels never concepts",
        );
        ui.radio_value(&mut o.tokenizer, Tokenizer::Reference, "reference")
            .on_hover_text("the original's: whitespace split, punctuation kept (country. ≠ country)");
    });
    ui.horizontal(|ui| {
        ui.label("Detector");
        ui.radio_value(&mut o.detect.detector, Detector::Transcript, "transcript").on_hover_text(
            "labels as transcripts write them (Q:, Speaker 1:, **Name:**, timestamps, chats, plays, screenplays); front matter, headings and licence text left out",
        );
        ui.radio_value(&mut o.detect.detector, Detector::Reference, "reference")
            .on_hover_text("the original's detector, rule by rule");
    });
}

/// The kill list: automatic (the conversation's language), a bundled language, none, the last
/// file; words added to or removed from it, shown; the list the run on show uses, named.
fn kill_list_ui(ui: &mut Ui, settings: &mut Settings, view: &mut View, actions: &mut Vec<Action>) {
    let (added, removed) = {
        let (a, r) = settings.kill.edits();
        (a.to_vec(), r.to_vec())
    };
    let mut base = settings.kill.base().clone();
    let before = base.clone();
    egui::ComboBox::from_label("Kill list").selected_text(base.short_name()).show_ui(ui, |ui| {
        ui.selectable_value(&mut base, KillSource::Auto, KillSource::Auto.short_name())
            .on_hover_text("the bundled list of the conversation's language, guessed from its text");
        for lang in Language::ALL {
            ui.selectable_value(&mut base, KillSource::Bundled(lang), lang.name());
        }
        ui.selectable_value(&mut base, KillSource::None, "none");
        if let Some(file) = &settings.kill_file {
            let source = KillSource::File(file.clone());
            let name = source.short_name();
            ui.selectable_value(&mut base, source, name);
        }
        if !settings.kill_custom.is_empty() {
            ui.selectable_value(&mut base, KillSource::Custom(settings.kill_custom.clone()), "custom");
        }
    });
    if base != before {
        settings.kill = base.edited(added.clone(), removed.clone());
    }
    if let Some(s) = &view.run.summary {
        ui.label(format!("in use: {}", s.kill_name)).on_hover_text(s.kill_source.describe());
    }
    ui.checkbox(&mut settings.kill_pinned, "use this list for every conversation")
        .on_hover_text("otherwise opening another conversation returns to the automatic choice");
    let mut edited = false;
    let (mut added, mut removed) = (added, removed);
    if let Some(words) =
        words_field_ui(ui, "Add kill words", &mut view.widgets.kill_add, "words added to the chosen list")
    {
        edited = true;
        move_words(words, &mut added, &mut removed);
    }
    let keep = "words taken out of the list, so they become concepts";
    if let Some(words) = words_field_ui(ui, "Keep words", &mut view.widgets.kill_remove, keep) {
        edited = true;
        move_words(words, &mut removed, &mut added);
    }
    // The edits, each undoable on its own.
    for (list, sign) in [(&mut added, "+"), (&mut removed, "−")] {
        if list.is_empty() {
            continue;
        }
        ui.horizontal_wrapped(|ui| {
            ui.label(if sign == "+" { "added:" } else { "kept:" });
            let mut drop = None;
            for (k, w) in list.iter().enumerate() {
                if ui.small_button(format!("{sign}{w} ×")).on_hover_text("undo this edit").clicked() {
                    drop = Some(k);
                }
            }
            if let Some(k) = drop {
                list.remove(k);
                edited = true;
            }
        });
    }
    if edited {
        settings.kill = settings.kill.edited(added, removed);
    }
    if ui.button("Kill-list file…").clicked() {
        actions.push(Action::Choose(Purpose::KillListFile));
    }
}

/// `words` into `into` (once each) and out of `out_of`: adding a kept word un-keeps it.
fn move_words(words: Vec<String>, into: &mut Vec<String>, out_of: &mut Vec<String>) {
    for w in words {
        out_of.retain(|o| o != &w);
        if !into.contains(&w) {
            into.push(w);
        }
    }
}

/// A one-line field of words: the words typed, once Enter confirms them (the field empties).
fn words_field_ui(ui: &mut Ui, label: &str, field: &mut String, hover: &str) -> Option<Vec<String>> {
    ui.horizontal(|ui| {
        let label = ui.label(label);
        let edit =
            ui.add(egui::TextEdit::singleline(field).desired_width(110.0)).labelled_by(label.id).on_hover_text(hover);
        (edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)))
            .then(|| split_words(&std::mem::take(field)))
    })
    .inner
}

/// Lower-cased words of a comma- or space-separated entry.
fn split_words(text: &str) -> Vec<String> {
    text.split([',', ' ', '\n', '\t']).map(|w| w.trim().to_lowercase()).filter(|w| !w.is_empty()).collect()
}

/// The parameters most runs change.
fn parameters_ui(ui: &mut Ui, o: &mut AnalysisOptions) {
    let common = &mut o.engine.common;
    ui.add(egui::DragValue::new(&mut common.max_neurons).range(1..=MAX_NEURONS_LIMIT).prefix("max neurons "))
        .on_hover_text("vocabulary cap: at most this many concepts (temporal: later new words are skipped)");
    ui.add(egui::DragValue::new(&mut common.eta).range(0.0001..=10.0).speed(0.01).prefix("η "))
        .on_hover_text("Hebbian learning rate: how much one co-occurrence strengthens a connection");
    match &mut o.engine.specific {
        Specific::Temporal(t) => {
            ui.add(egui::DragValue::new(&mut t.tau).range(0.1..=100.0).speed(0.1).prefix("τ "))
                .on_hover_text("temporal decay constant: a pair lag tokens apart learns η·e^(−lag/τ)");
            ui.add(egui::DragValue::new(&mut t.connection_decay).range(0.0..=0.5).speed(0.001).prefix("decay "))
                .on_hover_text("share of every other connection's strength lost per exchange");
        }
        Specific::Windowed(w) => {
            ui.add(egui::DragValue::new(&mut w.window).range(1..=1000).prefix("window "))
                .on_hover_text("tokens per window (the speaker's neuron comes first)");
            ui.add(egui::DragValue::new(&mut w.connection_prob).range(0.0..=1.0).speed(0.01).prefix("connection p "))
                .on_hover_text("probability that a new connection is made (1 = deterministic, the reference check)");
            ui.add(egui::DragValue::new(&mut w.seed).prefix("seed "))
                .on_hover_text("seed of the connection draws (the same seed gives the same run on any backend)");
        }
    }
}

/// Every remaining parameter: detection, decay and prune rules, the mass model; each says what
/// it means on hover.
fn advanced_ui(ui: &mut Ui, o: &mut AnalysisOptions) {
    // Each value's own range (the validator's); rules across values are shown when broken.
    let f = |ui: &mut Ui, v: &mut f64, prefix: &str, range: std::ops::RangeInclusive<f64>, hover: &str| {
        ui.add(egui::DragValue::new(v).range(range).speed(0.001).max_decimals(6).prefix(format!("{prefix} ")))
            .on_hover_text(hover);
    };
    let unit = 0.0..=1.0;
    let decay = 0.0..=0.999_999;
    let big = 0.0..=MAX_MAGNITUDE;
    ui.label(RichText::new("Speaker detection").strong());
    ui.checkbox(&mut o.detect.conversation_mode, "conversation mode")
        .on_hover_text("off: the whole text is one author's exchange");
    ui.add(egui::DragValue::new(&mut o.detect.exchange_limit).range(1..=10_000_000).prefix("exchange limit "))
        .on_hover_text("only the first this many exchanges are learned (the reference: 10,000)");
    ui.add(egui::DragValue::new(&mut o.detect.max_exchange_chars).range(1..=10_000_000).prefix("max exchange chars "))
        .on_hover_text("longer exchanges are cut to this many characters (the reference: 10,000)");
    f(
        ui,
        &mut o.detect.min_confidence,
        "min confidence",
        unit.clone(),
        "below this detection confidence, the text is read as plain text",
    );
    match &mut o.engine.specific {
        Specific::Temporal(t) => {
            ui.label(RichText::new("Temporal engine").strong());
            f(ui, &mut t.decay_floor, "decay floor", big.clone(), "decay never takes a connection below this strength");
            f(
                ui,
                &mut t.removal_threshold,
                "removal threshold",
                big.clone(),
                "connections weaker than this are removed after decay",
            );
            f(
                ui,
                &mut t.prune_threshold,
                "prune threshold",
                big.clone(),
                "connections weaker than this are pruned after each exchange",
            );
        }
        Specific::Windowed(w) => {
            ui.label(RichText::new("Windowed engine").strong());
            f(
                ui,
                &mut w.activation_decay,
                "activation decay",
                decay.clone(),
                "share of each neuron's activation lost per window",
            );
            f(ui, &mut w.activation_floor, "activation floor", unit.clone(), "activations below this become 0");
            f(
                ui,
                &mut w.connection_decay,
                "connection decay",
                decay.clone(),
                "share of every connection's strength lost per window",
            );
            f(ui, &mut w.decay_floor, "decay floor", big.clone(), "decay never takes a connection below this strength");
            f(
                ui,
                &mut w.removal_threshold,
                "removal threshold",
                big.clone(),
                "connections weaker than this are removed after decay",
            );
            f(ui, &mut w.prune_threshold, "prune threshold", big.clone(), "connections weaker than this are pruned");
            ui.add(
                egui::DragValue::new(&mut w.max_connections_per_neuron)
                    .range(1..=1_000_000)
                    .prefix("max connections per neuron "),
            )
            .on_hover_text("a neuron with this many out-connections makes no new ones (speaker neurons are exempt)");
            ui.add(egui::DragValue::new(&mut w.dense_kernel_min_ids).prefix("dense kernel from "))
                .on_hover_text("GPU tuning only: windows with at least this many distinct neurons use the low-high pair kernel; results do not change");
        }
    }
    ui.label(RichText::new("Inertial mass").strong());
    let m = &mut o.engine.common.mass;
    f(ui, &mut m.m_max, "M max", big.clone(), "largest mass a connection can reach (the logistic curve's ceiling)");
    f(ui, &mut m.a0, "A0", -MAX_MAGNITUDE..=MAX_MAGNITUDE, "accumulated activation at the logistic curve's midpoint");
    f(ui, &mut m.k, "k", big.clone(), "steepness of the logistic mass curve");
    f(ui, &mut m.homeostatic, "homeostatic h", big.clone(), "homeostatic pull of mass back towards its equilibrium");
    f(
        ui,
        &mut m.ltd_threshold,
        "LTD threshold",
        big.clone(),
        "below this strength a connection loses mass (long-term depression)",
    );
    f(ui, &mut m.rate, "mass rate", big, "how fast mass follows its target");
}

/// The conversation's speakers as detected, each with its edit: untick to leave out, rename
/// (to an existing name to merge). Every edit can be undone, and *Reset speakers* returns to
/// the detection; edits belong to this conversation (and its session), never to the next file.
/// What the detector found, for the speaker rows.
struct Detected<'a> {
    speakers: &'a [String],
    turns: &'a [usize],
    bots: &'a [String],
    /// The transcript detector ran (its label pattern and non-speakers can be chosen).
    transcript: bool,
}

fn speakers_ui(ui: &mut Ui, edits: &mut SpeakerEdits, detected: &Detected<'_>, undo: &mut SpeakerUndo) {
    if detected.transcript {
        label_pattern_ui(ui, edits, undo);
    }
    ui.label("Speakers, with their turns (rename to merge; untick to leave out):");
    for (k, speaker) in detected.speakers.iter().enumerate() {
        let turns = detected.turns.get(k).copied().unwrap_or(0);
        let bot = detected.bots.contains(speaker);
        speaker_row_ui(ui, edits, speaker, SpeakerRow { turns, bot, transcript: detected.transcript }, undo);
    }
    if !edits.not_speakers.is_empty() {
        ui.horizontal_wrapped(|ui| {
            ui.label("Read as text:");
            for label in edits.not_speakers.clone() {
                let chip = ui.button(format!("{label} ✕")).on_hover_text("a speaker again");
                if chip.clicked() {
                    undo.push(edits.clone());
                    edits.not_speakers.retain(|l| l != &label);
                }
            }
        });
    }
    ui.horizontal(|ui| {
        if ui.add_enabled(!undo.steps.is_empty(), egui::Button::new("Undo speaker edit")).clicked()
            && let Some(previous) = undo.steps.pop()
        {
            *edits = previous;
        }
        let edited = *edits != SpeakerEdits::default();
        let reset =
            ui.add_enabled(edited, egui::Button::new("Reset speakers")).on_hover_text("back to the detected speakers");
        if reset.clicked() {
            undo.push(std::mem::take(edits));
        }
    });
    if *edits != SpeakerEdits::default() {
        ui.label("Apply and restart to use the edits.");
    }
}

/// The name `speaker` ends up with after the edits.
fn final_name(edits: &SpeakerEdits, speaker: &str) -> String {
    edits.renames.iter().find(|r| r.0 == speaker).map_or_else(|| speaker.to_owned(), |r| r.1.clone())
}

/// The label layout the transcript detector reads: automatic, or one the user chooses.
fn label_pattern_ui(ui: &mut Ui, edits: &mut SpeakerEdits, undo: &mut SpeakerUndo) {
    ui.horizontal(|ui| {
        let before = edits.clone();
        egui::ComboBox::from_label("Speaker labels").selected_text(pattern_name(edits.pattern)).show_ui(ui, |ui| {
            for pattern in LabelPattern::ALL {
                ui.selectable_value(&mut edits.pattern, pattern, pattern_name(pattern));
            }
        });
        if *edits != before {
            undo.push(before);
        }
    });
}

fn pattern_name(pattern: LabelPattern) -> &'static str {
    match pattern {
        LabelPattern::Auto => "automatic",
        LabelPattern::Colon => "Name: text",
        LabelPattern::Chat => "chat log <nick>",
        LabelPattern::Play => "play NAME. text",
        LabelPattern::Screenplay => "screenplay NAME above",
        LabelPattern::PlainText => "none (plain text)",
    }
}

/// What a speaker row shows besides the name.
#[derive(Clone, Copy)]
struct SpeakerRow {
    turns: usize,
    bot: bool,
    transcript: bool,
}

/// One speaker's row. A tick is one undo step; a rename is one step from the moment its field
/// takes focus to the moment it loses it (not one per letter).
fn speaker_row_ui(ui: &mut Ui, edits: &mut SpeakerEdits, speaker: &str, row: SpeakerRow, undo: &mut SpeakerUndo) {
    ui.horizontal(|ui| {
        let target = final_name(edits, speaker);
        let mut included = !edits.excluded.iter().any(|e| e == &target);
        if ui.checkbox(&mut included, speaker).changed() {
            undo.push(edits.clone());
            if included {
                edits.excluded.retain(|e| e != &target);
            } else {
                edits.excluded.push(target.clone());
            }
        }
        let mut name = target;
        let as_label = ui.label("as");
        let edit = ui.add(egui::TextEdit::singleline(&mut name).desired_width(90.0)).labelled_by(as_label.id);
        if edit.gained_focus() {
            undo.typing = Some(edits.clone());
        }
        if edit.changed() {
            edits.renames.retain(|r| r.0 != speaker);
            if name != speaker && !name.trim().is_empty() {
                edits.renames.push((speaker.to_owned(), name.trim().to_owned()));
            }
        }
        if edit.lost_focus()
            && let Some(start) = undo.typing.take()
            && start != *edits
        {
            undo.push(start);
        }
        ui.weak(format!("{} turn{}", row.turns, if row.turns == 1 { "" } else { "s" }));
        if row.bot {
            ui.colored_label(Color32::from_rgb(230, 160, 40), "bot").on_hover_text("the nick looks like a chat bot's");
        }
        let not_speaker = row.transcript && !edits.not_speakers.iter().any(|n| n == speaker);
        if not_speaker
            && ui
                .small_button("not a speaker")
                .on_hover_text("read this label's lines as text of the turn they are in")
                .clicked()
        {
            undo.push(edits.clone());
            edits.not_speakers.push(speaker.to_owned());
        }
    });
}
