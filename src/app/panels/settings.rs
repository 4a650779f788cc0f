//! The settings panel: engine, precision, backend, tokenizer, kill list, every parameter,
//! the conversation's speakers, the window (theme, file chooser) and the recent files.

use egui::{Color32, RichText, Ui};

use crate::app::Action;
use crate::app::jobs::Purpose;
use crate::app::view::View;
use crate::io::settings::{FileChooser, Settings, Theme};
use crate::model::options::{AnalysisOptions, Backend, EngineKind, MapOptions, Precision, SpeakerEdits, Tokenizer};
use crate::model::params::{EngineParams, MAX_MAGNITUDE, MAX_NEURONS_LIMIT, Specific};
use crate::text::kill_words::{KillSource, Language};

/// Engine, parameters, kill list, speakers, recent files.
pub fn settings_ui(ui: &mut Ui, settings: &mut Settings, view: &View, actions: &mut Vec<Action>) {
    ui.heading("Run settings");
    engine_ui(ui, &mut settings.options);
    kill_list_ui(ui, settings, actions);
    let o = &mut settings.options;
    parameters_ui(ui, o);
    egui::CollapsingHeader::new("All parameters").show(ui, |ui| advanced_ui(ui, o));
    if ui.button("Reference settings").on_hover_text("the original's defaults for every parameter").clicked() {
        o.engine = EngineParams::reference(o.engine.kind());
        o.map = MapOptions::default();
        o.tokenizer = Tokenizer::Reference;
    }
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
        ui.label(format!("{} exchanges via {} (confidence {:.2})", s.exchanges, s.strategy, s.confidence));
        ui.label(format!("{} tokens kept", s.tokens));
        ui.label("Speakers (rename to merge; untick to leave out):");
        for speaker in &s.speakers {
            speaker_row_ui(ui, &mut o.speaker_edits, speaker);
        }
        for speaker in o.speaker_edits.excluded.clone() {
            if !s.speakers.contains(&speaker) {
                speaker_row_ui(ui, &mut o.speaker_edits, &speaker);
            }
        }
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
        ui.radio_value(&mut kind, EngineKind::Temporal, "temporal");
        ui.radio_value(&mut kind, EngineKind::Windowed, "windowed");
        o.engine.set_kind(kind);
    });
    ui.horizontal(|ui| {
        ui.label("Precision");
        ui.radio_value(&mut o.precision, Precision::F64, "f64");
        ui.radio_value(&mut o.precision, Precision::F32, "f32");
    });
    ui.horizontal(|ui| {
        ui.radio_value(&mut o.backend, Backend::Cpu, "start on CPU");
        ui.radio_value(&mut o.backend, Backend::Gpu, "start on GPU");
    });
    ui.horizontal(|ui| {
        ui.label("Tokenizer");
        ui.radio_value(&mut o.tokenizer, Tokenizer::Reference, "reference");
        ui.radio_value(&mut o.tokenizer, Tokenizer::Words, "words");
    });
}

/// The kill list: bundled languages, none, the last file, edited words.
fn kill_list_ui(ui: &mut Ui, settings: &mut Settings, actions: &mut Vec<Action>) {
    let shown = match &settings.kill {
        KillSource::Bundled(lang) => lang.code().to_owned(),
        KillSource::None => "none".to_owned(),
        KillSource::File(_) | KillSource::ReferenceDefault => "file".to_owned(),
        KillSource::Custom(_) => "custom".to_owned(),
    };
    egui::ComboBox::from_label("Kill list").selected_text(shown).show_ui(ui, |ui| {
        for lang in Language::ALL {
            ui.selectable_value(&mut settings.kill, KillSource::Bundled(lang), lang.code());
        }
        ui.selectable_value(&mut settings.kill, KillSource::None, "none");
        if let Some(file) = &settings.kill_file {
            ui.selectable_value(&mut settings.kill, KillSource::File(file.clone()), "file");
        }
        if !settings.kill_custom.is_empty() {
            ui.selectable_value(&mut settings.kill, KillSource::Custom(settings.kill_custom.clone()), "custom");
        }
    });
    egui::CollapsingHeader::new("Edit kill words").show(ui, |ui| {
        if ui.button("Start from the chosen list").clicked() {
            actions.push(Action::EditKillWords);
        }
        let label = ui.label("one word per line; used as the \"custom\" list");
        let edit = ui.add(egui::TextEdit::multiline(&mut settings.kill_custom).desired_rows(6)).labelled_by(label.id);
        if edit.changed() {
            settings.kill = KillSource::Custom(settings.kill_custom.clone());
        }
    });
    if ui.button("Kill-list file…").clicked() {
        actions.push(Action::Choose(Purpose::KillListFile));
    }
}

/// The parameters most runs change.
fn parameters_ui(ui: &mut Ui, o: &mut AnalysisOptions) {
    let common = &mut o.engine.common;
    ui.add(egui::DragValue::new(&mut common.max_neurons).range(1..=MAX_NEURONS_LIMIT).prefix("max neurons "));
    ui.add(egui::DragValue::new(&mut common.eta).range(0.0001..=10.0).speed(0.01).prefix("η "));
    match &mut o.engine.specific {
        Specific::Temporal(t) => {
            ui.add(egui::DragValue::new(&mut t.tau).range(0.1..=100.0).speed(0.1).prefix("τ "));
            ui.add(egui::DragValue::new(&mut t.connection_decay).range(0.0..=0.5).speed(0.001).prefix("decay "));
        }
        Specific::Windowed(w) => {
            ui.add(egui::DragValue::new(&mut w.window).range(1..=1000).prefix("window "));
            ui.add(egui::DragValue::new(&mut w.connection_prob).range(0.0..=1.0).speed(0.01).prefix("connection p "));
            ui.add(egui::DragValue::new(&mut w.seed).prefix("seed "));
        }
    }
}

/// Every remaining parameter: detection, decay and prune rules, the mass model.
fn advanced_ui(ui: &mut Ui, o: &mut AnalysisOptions) {
    // Each value's own range (the validator's); rules across values are shown when broken.
    let f = |ui: &mut Ui, v: &mut f64, prefix: &str, range: std::ops::RangeInclusive<f64>| {
        ui.add(egui::DragValue::new(v).range(range).speed(0.001).max_decimals(6).prefix(format!("{prefix} ")));
    };
    let unit = 0.0..=1.0;
    let decay = 0.0..=0.999_999;
    let big = 0.0..=MAX_MAGNITUDE;
    ui.label(RichText::new("Speaker detection").strong());
    ui.checkbox(&mut o.detect.conversation_mode, "conversation mode");
    ui.add(egui::DragValue::new(&mut o.detect.exchange_limit).range(1..=10_000_000).prefix("exchange limit "));
    ui.add(egui::DragValue::new(&mut o.detect.max_exchange_chars).range(1..=10_000_000).prefix("max exchange chars "));
    f(ui, &mut o.detect.min_confidence, "min confidence", unit.clone());
    match &mut o.engine.specific {
        Specific::Temporal(t) => {
            ui.label(RichText::new("Temporal engine").strong());
            f(ui, &mut t.decay_floor, "decay floor", big.clone());
            f(ui, &mut t.removal_threshold, "removal threshold", big.clone());
            f(ui, &mut t.prune_threshold, "prune threshold", big.clone());
        }
        Specific::Windowed(w) => {
            ui.label(RichText::new("Windowed engine").strong());
            f(ui, &mut w.activation_decay, "activation decay", decay.clone());
            f(ui, &mut w.activation_floor, "activation floor", unit.clone());
            f(ui, &mut w.connection_decay, "connection decay", decay.clone());
            f(ui, &mut w.decay_floor, "decay floor", big.clone());
            f(ui, &mut w.removal_threshold, "removal threshold", big.clone());
            f(ui, &mut w.prune_threshold, "prune threshold", big.clone());
            ui.add(
                egui::DragValue::new(&mut w.max_connections_per_neuron)
                    .range(1..=1_000_000)
                    .prefix("max connections per neuron "),
            );
            ui.add(egui::DragValue::new(&mut w.dense_kernel_min_ids).prefix("ids before the low-high kernel "));
        }
    }
    ui.label(RichText::new("Inertial mass").strong());
    let m = &mut o.engine.common.mass;
    f(ui, &mut m.m_max, "M max", big.clone());
    f(ui, &mut m.a0, "A0", -MAX_MAGNITUDE..=MAX_MAGNITUDE);
    f(ui, &mut m.k, "k", big.clone());
    f(ui, &mut m.homeostatic, "homeostatic h", big.clone());
    f(ui, &mut m.ltd_threshold, "LTD threshold", big.clone());
    f(ui, &mut m.rate, "mass rate", big.clone());
}

fn speaker_row_ui(ui: &mut Ui, edits: &mut SpeakerEdits, speaker: &str) {
    ui.horizontal(|ui| {
        let mut included = !edits.excluded.iter().any(|e| e == speaker);
        if ui.checkbox(&mut included, speaker).changed() {
            if included {
                edits.excluded.retain(|e| e != speaker);
            } else {
                edits.excluded.push(speaker.to_owned());
            }
        }
        let mut name =
            edits.renames.iter().find(|r| r.0 == speaker).map_or_else(|| speaker.to_owned(), |r| r.1.clone());
        let as_label = ui.label("as");
        let edit = ui.add(egui::TextEdit::singleline(&mut name).desired_width(90.0)).labelled_by(as_label.id);
        if edit.changed() {
            edits.renames.retain(|r| r.0 != speaker);
            if name != speaker && !name.trim().is_empty() {
                edits.renames.push((speaker.to_owned(), name.trim().to_owned()));
            }
        }
    });
}
