//! The panels: `*_ui` functions that draw from the view and settings and push `Action`s.

use egui::{Color32, RichText, Sense, Stroke, Ui, vec2};
use egui_plot::{Bar, BarChart, Legend, Line, Plot};

use super::view::{Tab, View};
use super::{Action, HueyApp, Settings};
use crate::analysis::stats;
use crate::compute::Backend;
use crate::engine::windowed::WindowedParams;
use crate::model::params::TemporalParams;
use crate::pipeline::{EngineKind, Precision};
use crate::text::tokenize::Tokenizer;

/// Open, run controls, backend switch, progress.
pub fn top_bar_ui(ui: &mut Ui, app: &mut HueyApp, actions: &mut Vec<Action>) {
    ui.horizontal_wrapped(|ui| {
        if ui.button("Open…").clicked()
            && let Some(path) = rfd::FileDialog::new().add_filter("conversation", &["txt", "md", "pdf"]).pick_file()
        {
            actions.push(Action::Open(path));
        }
        if ui.button("Sample").clicked() {
            actions.push(Action::OpenSample);
        }
        ui.separator();
        let running = app.view.progress.as_ref().is_some_and(|p| p.running);
        if running {
            if ui.button("Pause").clicked() {
                actions.push(Action::Pause);
            }
        } else if ui.add_enabled(app.view.summary.is_some() && !app.view.finished, egui::Button::new("Run")).clicked() {
            actions.push(Action::Run);
        }
        if ui.add_enabled(app.view.summary.is_some() && !app.view.finished, egui::Button::new("Step")).clicked() {
            actions.push(Action::Step);
        }
        if ui
            .add_enabled(running, egui::Button::new("Stop"))
            .on_hover_text("end the run here (the network so far stays)")
            .clicked()
        {
            actions.push(Action::Stop);
        }
        if ui.add_enabled(app.source().is_some(), egui::Button::new("Restart")).clicked() {
            actions.push(Action::Restart);
        }
        ui.separator();
        let current = app.view.frame.as_ref().map_or(app.settings.options.backend, |f| f.backend);
        ui.label("Backend:");
        for (b, label) in [(Backend::Cpu, "CPU"), (Backend::Gpu, "GPU")] {
            if ui.selectable_label(current == b, label).clicked() && current != b {
                actions.push(Action::SwitchBackend(b));
            }
        }
        ui.separator();
        if ui.button("Save session…").clicked()
            && let Some(path) =
                rfd::FileDialog::new().add_filter("Huey session", &["ron"]).set_file_name("session.ron").save_file()
        {
            actions.push(Action::SaveSession(path));
        }
        if ui.button("Open session…").clicked()
            && let Some(path) = rfd::FileDialog::new().add_filter("Huey session", &["ron"]).pick_file()
        {
            actions.push(Action::OpenSession(path));
        }
        ui.menu_button("Export", |ui| {
            if ui.button("Concepts (CSV)…").clicked()
                && let Some(path) = rfd::FileDialog::new().set_file_name("concepts.csv").save_file()
            {
                actions.push(Action::ExportConcepts(path));
            }
            if ui.button("Report (Markdown)…").clicked()
                && let Some(path) = rfd::FileDialog::new().set_file_name("report.md").save_file()
            {
                actions.push(Action::ExportReport(path));
            }
        });
    });
    if let Some(p) = &app.view.progress {
        let fraction = if p.total == 0 { 1.0 } else { p.done as f32 / p.total as f32 };
        let text = format!(
            "exchange {}/{} · {:.0} words/s · ETA {}",
            p.done,
            p.total,
            p.words_per_sec,
            if app.view.finished { "done".to_owned() } else { format!("{:.1} s", p.eta_secs) }
        );
        ui.add(egui::ProgressBar::new(fraction).text(text));
    }
    if let Some(f) = &app.view.frame {
        ui.label(RichText::new(format!("running on {} ({} timing)", f.device, f.timing.label())).small());
    }
}

/// Latest notice and the app's own frame cost.
pub fn status_ui(ui: &mut Ui, view: &mut View) {
    ui.horizontal(|ui| {
        if let Some((last, _)) = view.notices.last() {
            ui.label(last);
        } else {
            ui.label("Ready");
        }
        if let Some((median, p99)) = view.recent_frame_work_ms() {
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.label(
                    RichText::new(format!("UI work per frame (last 300): median {median:.2} ms, p99 {p99:.2} ms"))
                        .small(),
                );
            });
        }
    });
}

/// Engine, parameters, kill list, speakers, recent files.
pub fn settings_ui(ui: &mut Ui, settings: &mut Settings, view: &View, actions: &mut Vec<Action>) {
    let o = &mut settings.options;
    ui.heading("Run settings");
    ui.horizontal(|ui| {
        ui.label("Engine");
        ui.radio_value(&mut o.engine, EngineKind::Temporal, "temporal");
        ui.radio_value(&mut o.engine, EngineKind::Windowed, "windowed");
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
    egui::ComboBox::from_label("Kill list").selected_text(settings.kill.clone()).show_ui(ui, |ui| {
        for lang in ["en", "de", "es", "fr", "it", "is", "hi", "ta", "zh", "ja", "ko", "none"] {
            ui.selectable_value(&mut settings.kill, lang.to_owned(), lang);
        }
        if settings.kill_file.is_some() {
            ui.selectable_value(&mut settings.kill, "file".to_owned(), "file");
        }
        if !settings.kill_custom.is_empty() {
            ui.selectable_value(&mut settings.kill, "custom".to_owned(), "custom");
        }
    });
    egui::CollapsingHeader::new("Edit kill words").show(ui, |ui| {
        if ui.button("Start from the chosen list").clicked() {
            let list = match settings.kill.as_str() {
                "none" | "custom" => None,
                "file" => settings.kill_file.as_deref().and_then(|p| crate::io::kill_list::read(p).ok()),
                lang => crate::text::kill_words::KillList::bundled(lang).ok(),
            };
            if let Some(list) = list {
                settings.kill_custom = list.sorted_words().join("\n");
            }
        }
        let label = ui.label("one word per line; used as the \"custom\" list");
        let edit = ui.add(egui::TextEdit::multiline(&mut settings.kill_custom).desired_rows(6)).labelled_by(label.id);
        if edit.changed() {
            settings.kill = "custom".to_owned();
        }
    });
    if ui.button("Kill-list file…").clicked()
        && let Some(path) = rfd::FileDialog::new().pick_file()
    {
        settings.kill_file = Some(path);
        settings.kill = "file".to_owned();
    }
    let max = &mut o.temporal.max_neurons;
    ui.add(egui::DragValue::new(max).range(2..=crate::model::params::MAX_NEURONS_LIMIT).prefix("max neurons "));
    o.windowed.max_neurons = *max;
    ui.add(egui::DragValue::new(&mut o.temporal.eta).range(0.0001..=10.0).speed(0.01).prefix("η "));
    o.windowed.eta = o.temporal.eta;
    match o.engine {
        EngineKind::Temporal => {
            ui.add(egui::DragValue::new(&mut o.temporal.tau).range(0.1..=100.0).speed(0.1).prefix("τ "));
            ui.add(
                egui::DragValue::new(&mut o.temporal.connection_decay).range(0.0..=0.5).speed(0.001).prefix("decay "),
            );
        }
        EngineKind::Windowed => {
            ui.add(egui::DragValue::new(&mut o.windowed.window).range(1..=1000).prefix("window "));
            ui.add(
                egui::DragValue::new(&mut o.windowed.connection_prob)
                    .range(0.0..=1.0)
                    .speed(0.01)
                    .prefix("connection p "),
            );
            ui.add(egui::DragValue::new(&mut o.windowed.seed).prefix("seed "));
        }
    }
    egui::CollapsingHeader::new("All parameters").show(ui, |ui| advanced_ui(ui, o));
    if ui.button("Reference settings").on_hover_text("the original's defaults for every parameter").clicked() {
        let (engine, backend, precision) = (o.engine, o.backend, o.precision);
        o.temporal = TemporalParams::default();
        o.windowed = WindowedParams::default();
        o.map = crate::analysis::concept_map::MapOptions::default();
        o.tokenizer = Tokenizer::Reference;
        (o.engine, o.backend, o.precision) = (engine, backend, precision);
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
    if let Some(s) = &view.summary {
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
    ui.heading("Recent");
    for path in settings.recent.clone() {
        let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        if ui.link(name).on_hover_text(path.display().to_string()).clicked() {
            actions.push(Action::Open(path));
        }
    }
}

/// Every remaining parameter: detection, decay and prune rules, the mass model.
fn advanced_ui(ui: &mut Ui, o: &mut crate::pipeline::AnalysisOptions) {
    let f = |ui: &mut Ui, v: &mut f64, prefix: &str| {
        ui.add(egui::DragValue::new(v).speed(0.001).max_decimals(6).prefix(format!("{prefix} ")));
    };
    ui.label(RichText::new("Speaker detection").strong());
    ui.checkbox(&mut o.detect.conversation_mode, "conversation mode");
    ui.add(egui::DragValue::new(&mut o.detect.exchange_limit).range(1..=10_000_000).prefix("exchange limit "));
    ui.add(egui::DragValue::new(&mut o.detect.max_exchange_chars).range(1..=10_000_000).prefix("max exchange chars "));
    f(ui, &mut o.detect.min_confidence, "min confidence");
    match o.engine {
        EngineKind::Temporal => {
            ui.label(RichText::new("Temporal engine").strong());
            let t = &mut o.temporal;
            f(ui, &mut t.decay_floor, "decay floor");
            f(ui, &mut t.removal_threshold, "removal threshold");
            f(ui, &mut t.prune_threshold, "prune threshold");
        }
        EngineKind::Windowed => {
            ui.label(RichText::new("Windowed engine").strong());
            let w = &mut o.windowed;
            f(ui, &mut w.activation_decay, "activation decay");
            f(ui, &mut w.activation_floor, "activation floor");
            f(ui, &mut w.connection_decay, "connection decay");
            f(ui, &mut w.decay_floor, "decay floor");
            f(ui, &mut w.removal_threshold, "removal threshold");
            f(ui, &mut w.prune_threshold, "prune threshold");
            ui.add(
                egui::DragValue::new(&mut w.max_connections_per_neuron)
                    .range(1..=1_000_000)
                    .prefix("max connections per neuron "),
            );
            ui.add(egui::DragValue::new(&mut w.dense_kernel_min_ids).prefix("ids before the low-high kernel "));
        }
    }
    ui.label(RichText::new("Inertial mass").strong());
    let m = if o.engine == EngineKind::Temporal { &mut o.temporal.mass } else { &mut o.windowed.mass };
    f(ui, &mut m.m_max, "M max");
    f(ui, &mut m.a0, "A0");
    f(ui, &mut m.k, "k");
    f(ui, &mut m.homeostatic, "homeostatic h");
    f(ui, &mut m.ltd_threshold, "LTD threshold");
    f(ui, &mut m.rate, "mass rate");
}

fn speaker_row_ui(ui: &mut Ui, edits: &mut crate::pipeline::SpeakerEdits, speaker: &str) {
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

/// The tabs.
pub fn central_ui(ui: &mut Ui, view: &mut View, settings: &mut Settings, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        for (tab, label) in [
            (Tab::Map, "Map"),
            (Tab::Timing, "Timing"),
            (Tab::Spectrum, "Spectrum"),
            (Tab::Inspector, "Inspector"),
            (Tab::Speakers, "Speakers"),
            (Tab::Network, "Network"),
            (Tab::Cascade, "Cascade"),
            (Tab::Compare, "Compare"),
        ] {
            ui.selectable_value(&mut view.tab, tab, label);
        }
    });
    ui.separator();
    match view.tab {
        Tab::Map => map_ui(ui, view, settings, actions),
        Tab::Timing => timing_ui(ui, view),
        Tab::Spectrum => spectrum_ui(ui, view),
        Tab::Inspector => inspector_ui(ui, view, actions),
        Tab::Speakers => speakers_ui(ui, view),
        Tab::Network => network_ui(ui, view),
        Tab::Cascade => cascade_ui(ui, view),
        Tab::Compare => compare_ui(ui, view, actions),
    }
}

fn mass_colour(t: f32) -> Color32 {
    // Blue (light) → red (heavy).
    let t = t.clamp(0.0, 1.0);
    Color32::from_rgb((60.0 + 195.0 * t) as u8, (120.0 * (1.0 - t) + 60.0) as u8, (255.0 * (1.0 - t)) as u8)
}

/// The concept map: 2-D or 3-D, any eigen-axes, labels without overlap, selection.
fn map_ui(ui: &mut Ui, view: &mut View, settings: &mut Settings, actions: &mut Vec<Action>) {
    let Some(frame) = view.frame.clone() else {
        ui.label("Load a conversation to see its concept map.");
        return;
    };
    let map = &frame.map;
    let n_axes = map.eigenvalues.len();
    ui.horizontal_wrapped(|ui| {
        ui.checkbox(&mut view.camera.three_d, "3-D");
        let names = ["x", "y", "z"];
        let shown = if view.camera.three_d { 3 } else { 2 };
        for (k, name) in names.iter().enumerate().take(shown) {
            let axis = &mut view.camera.axes[k];
            let text = |a: usize| {
                let l = map.eigenvalues.get(a).copied().unwrap_or(0.0);
                format!("λ{} = {l:.3}{}", a + 1, if l < 0.0 { " (negative)" } else { "" })
            };
            egui::ComboBox::from_label(format!("{name} axis")).selected_text(text(*axis)).show_ui(ui, |ui| {
                for a in 0..n_axes {
                    ui.selectable_value(axis, a, text(a));
                }
            });
        }
        if ui.button("Reset view").clicked() {
            let three_d = view.camera.three_d;
            view.camera = super::view::Camera { three_d, ..Default::default() };
        }
        let search = ui.label("Search");
        ui.add(egui::TextEdit::singleline(&mut view.search).desired_width(100.0)).labelled_by(search.id);
        let m = &mut settings.options.map;
        let changed = ui.add(egui::DragValue::new(&mut m.n_concepts).range(2..=100_000).prefix("concepts ")).changed()
            | ui.add(egui::DragValue::new(&mut m.min_mass).range(0.0..=1e9).speed(0.1).prefix("min mass ")).changed();
        if changed {
            actions.push(Action::Remap);
        }
    });
    let warp = map.warp.map_or_else(|| "—".to_owned(), |w| format!("{w:.3}"));
    let variance = map.variance_top3_pct.map_or_else(|| "—".to_owned(), |v| format!("{v:.1}%"));
    ui.label(format!(
        "{} concepts · warp {warp} · variance explained (top 3) {variance} · {} positive / {} negative eigenvalues",
        map.labels.len(),
        map.n_positive,
        map.n_negative
    ));

    let (rect, response) = ui.allocate_exact_size(ui.available_size(), Sense::click_and_drag());
    let cam = &mut view.camera;
    if response.dragged() {
        let d = response.drag_delta();
        if cam.three_d && !ui.input(|i| i.modifiers.shift) {
            cam.yaw += d.x * 0.01;
            cam.pitch = (cam.pitch + d.y * 0.01).clamp(-1.5, 1.5);
        } else {
            cam.pan[0] += d.x;
            cam.pan[1] += d.y;
        }
    }
    if response.hovered() {
        let scroll = ui.input(|i| i.smooth_scroll_delta.y);
        cam.zoom = (cam.zoom * (scroll * 0.003).exp()).clamp(0.05, 50.0);
    }
    let axes: Vec<Vec<f64>> = cam.axes.iter().map(|&a| map.axis_coords(a)).collect();
    let projected: Vec<([f32; 2], f32)> =
        (0..map.labels.len()).map(|i| cam.project([axes[0][i], axes[1][i], axes[2][i]])).collect();
    let extent = projected.iter().map(|(p, _)| p[0].abs().max(p[1].abs())).fold(1e-9f32, f32::max);
    let scale = 0.45 * rect.width().min(rect.height()) / extent * cam.zoom;
    let centre = rect.center() + vec2(cam.pan[0], cam.pan[1]);
    let screen: Vec<egui::Pos2> = projected.iter().map(|(p, _)| centre + vec2(p[0] * scale, -p[1] * scale)).collect();
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, ui.visuals().extreme_bg_color);
    let max_mass = map.masses.iter().copied().fold(1e-12, f64::max);

    // The selected concept's strongest connections, width and colour by strength.
    if let Some(sel) = view.selected.as_ref().and_then(|s| map.labels.iter().position(|l| l == s)) {
        let id = map.ids[sel];
        let mut links: Vec<(usize, f64)> = frame
            .network
            .connections
            .iter()
            .filter_map(|c| {
                let other = if c.from == id {
                    c.to
                } else if c.to == id {
                    c.from
                } else {
                    return None;
                };
                map.ids.iter().position(|&m| m == other).map(|j| (j, c.strength))
            })
            .collect();
        links.sort_by(|a, b| b.1.total_cmp(&a.1));
        let strongest = links.first().map_or(1.0, |l| l.1).max(1e-12);
        for &(j, s) in links.iter().take(15) {
            let t = (s / strongest) as f32;
            painter
                .line_segment([screen[sel], screen[j]], Stroke::new(1.0 + 5.0 * t, mass_colour(t).gamma_multiply(0.8)));
        }
    }
    // Points far to near; labels heaviest first, skipped where they would overlap.
    let mut order: Vec<usize> = (0..screen.len()).collect();
    order.sort_by(|&a, &b| projected[a].1.total_cmp(&projected[b].1));
    let search = view.search.to_lowercase();
    let cascade_at = view.cascade.as_ref().filter(|c| c.on_map).map(|c| &c.run.steps[c.step].activations);
    let cascade_max = cascade_at.map_or(1.0, |a| a.iter().copied().fold(1e-12, f64::max));
    for &i in &order {
        let t = match cascade_at {
            Some(a) => (a.get(map.ids[i] as usize).copied().unwrap_or(0.0) / cascade_max) as f32,
            None => (map.masses[i] / max_mass) as f32,
        };
        let hit = !search.is_empty() && map.labels[i].to_lowercase().contains(&search);
        let selected = view.selected.as_deref() == Some(map.labels[i].as_str());
        let radius = 3.0 + 9.0 * t.sqrt();
        painter.circle_filled(screen[i], radius, mass_colour(t));
        if hit || selected {
            painter.circle_stroke(screen[i], radius + 3.0, Stroke::new(2.0, Color32::YELLOW));
        }
    }
    let mut by_mass: Vec<usize> = (0..screen.len()).collect();
    by_mass.sort_by(|&a, &b| map.masses[b].total_cmp(&map.masses[a]));
    let mut placed: Vec<egui::Rect> = Vec::new();
    let font = egui::FontId::proportional(12.0);
    for &i in &by_mass {
        let galley = painter.layout_no_wrap(map.labels[i].clone(), font.clone(), ui.visuals().text_color());
        let radius = 3.0 + 9.0 * ((map.masses[i] / max_mass) as f32).sqrt();
        let at = screen[i] + vec2(radius + 3.0, -galley.size().y / 2.0);
        let label_rect = egui::Rect::from_min_size(at, galley.size());
        if rect.contains_rect(label_rect) && placed.iter().all(|r| !r.intersects(label_rect)) {
            placed.push(label_rect);
            painter.galley(at, galley, ui.visuals().text_color());
        }
    }
    // Hover and click: the nearest concept within 12 points.
    let nearest = response.hover_pos().and_then(|p| {
        (0..screen.len())
            .map(|i| (i, screen[i].distance(p)))
            .filter(|(_, d)| *d < 12.0)
            .min_by(|a, b| a.1.total_cmp(&b.1))
    });
    if let Some((i, _)) = nearest {
        response.clone().on_hover_text(format!("{} · mass {:.3}", map.labels[i], map.masses[i]));
        if response.clicked() {
            actions.push(Action::Select(Some(map.labels[i].clone())));
        }
    }
}

/// Per-kernel µs per step over time, throughput, and each kernel's share now.
fn timing_ui(ui: &mut Ui, view: &View) {
    let Some(frame) = &view.frame else {
        ui.label("No run yet.");
        return;
    };
    ui.label(format!("{} · {} timing", frame.device, frame.timing.label()));
    let kernels: Vec<crate::compute::Kernel> = crate::compute::Kernel::ALL.to_vec();
    let height = (ui.available_height() / 2.4 - 20.0).max(100.0);
    Plot::new("kernel_times")
        .legend(Legend::default())
        .height(height)
        .x_axis_label("s")
        .y_axis_label("µs per step")
        .show(ui, |plot| {
            for k in &kernels {
                let points: Vec<[f64; 2]> = view
                    .timings
                    .iter()
                    .filter_map(|s| s.us_per_step.iter().find(|(kk, _)| kk == k).map(|&(_, us)| [s.t, us]))
                    .collect();
                if !points.is_empty() {
                    plot.line(Line::new(k.name(), points));
                }
            }
        });
    Plot::new("throughput")
        .legend(Legend::default())
        .height(height / 2.0)
        .x_axis_label("s")
        .y_axis_label("words/s")
        .show(ui, |plot| {
            for backend in [Backend::Cpu, Backend::Gpu] {
                let points: Vec<[f64; 2]> =
                    view.timings.iter().filter(|s| s.backend == backend).map(|s| [s.t, s.words_per_sec]).collect();
                if !points.is_empty() {
                    plot.line(Line::new(format!("words/s on {}", backend.as_str()), points));
                }
            }
        });
    let total: f64 = frame.kernels.iter().map(|k| k.total_secs).sum::<f64>().max(1e-12);
    ui.horizontal_wrapped(|ui| {
        ui.label("share of kernel time so far:");
        for k in &frame.kernels {
            ui.label(format!("{} {:.0}%", k.kernel.name(), 100.0 * k.total_secs / total));
        }
    });
    // Each sample's kernel shares, stacked (the last 60 samples).
    let recent = &view.timings[view.timings.len().saturating_sub(60)..];
    let mut charts: Vec<BarChart> = Vec::new();
    for k in &kernels {
        let bars: Vec<Bar> = recent
            .iter()
            .map(|s| {
                let step: f64 = s.us_per_step.iter().map(|(_, us)| us).sum::<f64>().max(1e-12);
                let us = s.us_per_step.iter().find(|(kk, _)| kk == k).map_or(0.0, |&(_, us)| us);
                Bar::new(s.t, 100.0 * us / step).width(0.2)
            })
            .collect();
        if bars.iter().all(|b| b.value == 0.0) {
            continue;
        }
        let refs: Vec<&BarChart> = charts.iter().collect();
        let chart = BarChart::new(format!("{} share", k.name()), bars).stack_on(&refs);
        charts.push(chart);
    }
    Plot::new("kernel_shares")
        .legend(Legend::default())
        .height(height / 2.0)
        .x_axis_label("s")
        .y_axis_label("% of step")
        .show(ui, |plot| {
            for chart in charts {
                plot.bar_chart(chart);
            }
        });
}

/// Signed eigenvalue bars with the positive/negative counts.
fn spectrum_ui(ui: &mut Ui, view: &View) {
    let Some(frame) = &view.frame else {
        ui.label("No map yet.");
        return;
    };
    let map = &frame.map;
    ui.label(format!(
        "{} positive, {} negative eigenvalues ({:?} spectrum)",
        map.n_positive, map.n_negative, map.spectrum
    ));
    let bars: Vec<Bar> = map
        .eigenvalues
        .iter()
        .enumerate()
        .map(|(i, &l)| {
            Bar::new(i as f64 + 1.0, l).fill(if l >= 0.0 { Color32::LIGHT_BLUE } else { Color32::LIGHT_RED })
        })
        .collect();
    Plot::new("spectrum").show(ui, |plot| plot.bar_chart(BarChart::new("eigenvalues", bars)));
}

/// Strongest associations of a concept (and of several: shared ones), with keyword in context.
fn inspector_ui(ui: &mut Ui, view: &mut View, actions: &mut Vec<Action>) {
    let Some(frame) = &view.frame else {
        ui.label("No network yet.");
        return;
    };
    let net = &frame.network;
    ui.horizontal_wrapped(|ui| {
        ui.label("Concepts:");
        for label in frame.map.labels.iter().take(40) {
            if ui.selectable_label(view.selected.as_deref() == Some(label.as_str()), label).clicked() {
                actions.push(Action::Select(Some(label.clone())));
            }
        }
    });
    let Some(selected) = &view.selected else {
        ui.label("Select a concept (here or on the map).");
        return;
    };
    let word = selected.to_lowercase();
    // Associations and occurrences once per frame and selection, not in every UI frame.
    if view.derived.inspected.as_ref().is_none_or(|i| i.word != word) {
        let id = net.word_index().get(word.as_str()).copied();
        let (outgoing, incoming) = id.map(|id| stats::associations(net, id)).unwrap_or_default();
        let occurrences =
            view.summary.as_ref().map(|s| stats::occurrences(&s.exchange_text, &word, 50)).unwrap_or_default();
        view.derived.inspected =
            Some(super::view::Inspected { word: word.clone(), id, outgoing, incoming, occurrences });
    }
    let Some(inspected) = view.derived.inspected.clone() else { return };
    if inspected.id.is_none() {
        ui.label(format!("{selected} is not in the network now."));
        return;
    }
    let (outgoing, incoming) = (&inspected.outgoing, &inspected.incoming);
    let out_sum: f64 = outgoing.iter().map(|a| a.1).sum();
    let in_sum: f64 = incoming.iter().map(|a| a.1).sum();
    let asymmetry = if out_sum + in_sum > 0.0 { (out_sum - in_sum).abs() / (out_sum + in_sum) } else { 0.0 };
    ui.heading(format!("{selected}: flow asymmetry {asymmetry:.2}"));
    ui.columns(2, |cols| {
        for (col, (title, list)) in cols.iter_mut().zip([("Outgoing", outgoing), ("Incoming", incoming)]) {
            col.label(RichText::new(title).strong());
            egui::Grid::new(title).striped(true).show(col, |ui| {
                ui.label("concept");
                ui.label("strength");
                ui.label("mass");
                ui.end_row();
                for (w, s, m) in list.iter().take(15) {
                    ui.label(w);
                    ui.label(format!("{s:.4}"));
                    ui.label(format!("{m:.3}"));
                    ui.end_row();
                }
            });
        }
    });
    ui.horizontal(|ui| {
        let label = ui.label(format!("Connection between {selected} and"));
        ui.add(egui::TextEdit::singleline(&mut view.pair_with).desired_width(120.0)).labelled_by(label.id);
        let other = view.pair_with.trim().to_lowercase();
        if !other.is_empty() {
            match stats::pair(net, &word, &other) {
                Some(p) => ui.label(format!(
                    "{word} -> {other}: s {:.4}, mass {:.3} · {other} -> {word}: s {:.4}, mass {:.3} · asymmetry {:.2}",
                    p.forward.0,
                    p.forward.1,
                    p.backward.0,
                    p.backward.1,
                    p.asymmetry()
                )),
                None => ui.label(format!("{other} is not a concept")),
            };
        }
    });
    ui.separator();
    ui.label(RichText::new("In context").strong());
    if let Some(summary) = &view.summary {
        egui::ScrollArea::vertical().show(ui, |ui| {
            for &(k, at) in &inspected.occurrences {
                let (speaker, text) = &summary.exchange_text[k];
                let lower = text.to_lowercase();
                let from = lower[..at].char_indices().rev().nth(40).map_or(0, |(i, _)| i);
                let to = lower[at..].char_indices().nth(word.len() + 40).map_or(lower.len(), |(i, _)| at + i);
                let snippet = text.get(from..to).unwrap_or(text);
                egui::CollapsingHeader::new(format!("#{} {speaker}: …{}…", k + 1, snippet.replace('\n', " ")))
                    .id_salt(("kwic", k))
                    .show(ui, |ui| {
                        ui.label(text);
                    });
            }
            if inspected.occurrences.is_empty() {
                ui.label("no occurrence in the text (the word may come from a speaker label)");
            }
        });
    }
}

/// Self-concept mass per speaker.
fn speakers_ui(ui: &mut Ui, view: &mut View) {
    let Some(frame) = view.frame.clone() else {
        ui.label("No run yet.");
        return;
    };
    for (s, m) in &frame.speaker_mass {
        ui.label(format!("{s}: self-concept mass {m:.3}"));
    }
    let bars: Vec<Bar> =
        frame.speaker_mass.iter().enumerate().map(|(i, (s, m))| Bar::new(i as f64, *m).name(s)).collect();
    Plot::new("speakers").height(200.0).show(ui, |plot| plot.bar_chart(BarChart::new("self-concept mass", bars)));
    // Per speaker: the network's concepts they use most (once per frame).
    let Some(summary) = &view.summary else { return };
    let per_speaker = view
        .derived
        .speaker_concepts
        .get_or_insert_with(|| stats::speaker_concepts(&frame.network, &summary.exchange_text, &summary.speakers));
    ui.columns(summary.speakers.len().clamp(1, 4), |cols| {
        for (k, (speaker, top)) in summary.speakers.iter().zip(per_speaker.iter()).take(4).enumerate() {
            cols[k].label(RichText::new(format!("{speaker}: concepts used most")).strong());
            for (w, n) in top.iter().take(12) {
                cols[k].label(format!("{w} ({n})"));
            }
        }
    });
}

/// Totals, strongest connections, asymmetry; associations shared by several concepts.
fn network_ui(ui: &mut Ui, view: &mut View) {
    let Some(frame) = view.frame.clone() else {
        ui.label("No network yet.");
        return;
    };
    let totals = view.derived.stats.get_or_insert_with(|| stats::network_stats(&frame.network)).clone();
    ui.label(format!(
        "{} neurons · {} connections · Σ strength {:.3} · Σ mass {:.3} · flow asymmetry {:.3} ({} pairs differ by > 0.1)",
        totals.neurons, totals.connections, totals.total_strength, totals.total_mass, totals.asymmetry, totals.strong_asymmetric_pairs
    ));
    let flow = *view.derived.flow.get_or_insert_with(|| stats::flow_efficiency(&frame.network, &frame.map.ids));
    if let Some(e) = flow {
        ui.label(format!(
            "flow efficiency over the map's {} concepts: {e:.3} (max Re λ / mean Re λ, capped at 10)",
            frame.map.ids.len()
        ));
    }
    // The original's Mass tab: chosen concepts' masses side by side.
    ui.horizontal(|ui| {
        let label = ui.label("Compare masses of (comma-separated)");
        ui.add(egui::TextEdit::singleline(&mut view.mass_query).desired_width(300.0)).labelled_by(label.id);
    });
    let wanted: Vec<String> =
        view.mass_query.split(',').map(|c| c.trim().to_lowercase()).filter(|c| !c.is_empty()).collect();
    if !wanted.is_empty() {
        let masses = crate::analysis::mass::concept_masses(&frame.network);
        let index = frame.network.word_index();
        let (found, missing): (Vec<&String>, Vec<&String>) =
            wanted.iter().partition(|w| index.contains_key(w.as_str()));
        let bars: Vec<Bar> = found
            .iter()
            .enumerate()
            .map(|(k, w)| Bar::new(k as f64, masses[index[w.as_str()] as usize]).name(w.as_str()))
            .collect();
        Plot::new("mass_compare").height(140.0).show(ui, |plot| plot.bar_chart(BarChart::new("concept mass", bars)));
        let shown: Vec<String> =
            found.iter().map(|w| format!("{w} {:.3}", masses[index[w.as_str()] as usize])).collect();
        ui.label(format!("found: {}", if shown.is_empty() { "—".to_owned() } else { shown.join(", ") }));
        if !missing.is_empty() {
            ui.label(format!(
                "not in the network: {}",
                missing.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
            ));
        }
    }
    ui.columns(2, |cols| {
        cols[0].label(RichText::new("Strongest connections").strong());
        egui::Grid::new("strongest").striped(true).show(&mut cols[0], |ui| {
            for (from, to, s, m) in &totals.strongest {
                ui.label(format!("{from} -> {to}"));
                ui.label(format!("{s:.4}"));
                ui.label(format!("mass {m:.3}"));
                ui.end_row();
            }
        });
        let ui = &mut cols[1];
        let label = ui.label(RichText::new("Shared associations of (comma-separated)").strong());
        ui.add(egui::TextEdit::singleline(&mut view.shared_query)).labelled_by(label.id);
        let concepts: Vec<String> =
            view.shared_query.split(',').map(|c| c.trim().to_lowercase()).filter(|c| !c.is_empty()).collect();
        if !concepts.is_empty() {
            let shared = crate::analysis::stats::shared_associations(&frame.network, &concepts, 0.05);
            egui::Grid::new("shared").striped(true).show(ui, |ui| {
                for h in ["rank", "concept", "mean strength", "shared", "with"] {
                    ui.label(h);
                }
                ui.end_row();
                for (rank, row) in shared.iter().take(30).enumerate() {
                    ui.label((rank + 1).to_string());
                    ui.label(&row.concept);
                    ui.label(format!("{:.4}", row.mean_strength));
                    ui.label(row.shared.to_string());
                    ui.label(row.with.join(", "));
                    ui.end_row();
                }
            });
        }
    });
}

/// Activation cascade (§3.9): choose inputs, run, step through it; the map can show it.
fn cascade_ui(ui: &mut Ui, view: &mut View) {
    let Some(frame) = view.frame.clone() else {
        ui.label("No network yet.");
        return;
    };
    ui.horizontal(|ui| {
        let label = ui.label("Inputs (comma-separated)");
        ui.add(egui::TextEdit::singleline(&mut view.cascade_inputs).desired_width(220.0)).labelled_by(label.id);
        if view.cascade_strength == 0.0 {
            view.cascade_strength = 1.0;
        }
        ui.add(egui::DragValue::new(&mut view.cascade_strength).range(0.1..=2.0).speed(0.01).prefix("input strength "));
        if ui.button("Run cascade").clicked() {
            let index = frame.network.word_index();
            let inputs: Vec<u32> = view
                .cascade_inputs
                .split(',')
                .filter_map(|w| index.get(w.trim().to_lowercase().as_str()).copied())
                .collect();
            if inputs.is_empty() {
                view.notify("none of the cascade inputs is a concept of the network".to_owned());
            } else {
                let run = crate::analysis::cascade::cascade(&frame.network, &inputs, view.cascade_strength, 100);
                view.cascade = Some(super::view::CascadeView {
                    run,
                    words: frame.network.words.clone(),
                    step: 0,
                    playing: false,
                    advanced: std::time::Instant::now(),
                    on_map: true,
                });
            }
        }
    });
    let Some(c) = view.cascade.as_mut() else {
        ui.label("Choose input concepts and run a cascade.");
        return;
    };
    let last = c.run.steps.len() - 1;
    if c.playing && c.advanced.elapsed().as_secs_f32() > 0.3 {
        c.step = (c.step + 1).min(last);
        c.advanced = std::time::Instant::now();
        c.playing = c.step < last;
    }
    if c.playing {
        ui.ctx().request_repaint_after(std::time::Duration::from_millis(50));
    }
    ui.horizontal(|ui| {
        ui.add(egui::Slider::new(&mut c.step, 0..=last).text("step"));
        ui.checkbox(&mut c.playing, "play");
        ui.checkbox(&mut c.on_map, "show on the map");
    });
    let step = &c.run.steps[c.step];
    ui.label(format!(
        "θ = {} · {} steps · energy {:.4} · ρ_eff {}",
        c.run.threshold,
        last,
        step.energy,
        c.run.rho_eff.map_or_else(|| "—".to_owned(), |r| format!("{r:.3}"))
    ));
    let energy: Vec<[f64; 2]> = c.run.steps.iter().enumerate().map(|(t, s)| [t as f64, s.energy]).collect();
    let current = [[c.step as f64, 0.0], [c.step as f64, step.energy]];
    Plot::new("cascade_energy").height(160.0).x_axis_label("step").y_axis_label("energy").show(ui, |plot| {
        plot.line(Line::new("energy", energy));
        plot.line(Line::new("step shown", current.to_vec()));
    });
    let mut top: Vec<(usize, f64)> = step.activations.iter().copied().enumerate().filter(|(_, a)| *a > 0.0).collect();
    top.sort_by(|a, b| b.1.total_cmp(&a.1));
    let newly: Vec<&str> = step.newly.iter().map(|&k| c.words[k as usize].as_str()).collect();
    ui.label(format!("newly active: {}", if newly.is_empty() { "—".to_owned() } else { newly.join(", ") }));
    egui::Grid::new("cascade_top").striped(true).show(ui, |ui| {
        for (k, a) in top.iter().take(15) {
            ui.label(&c.words[*k]);
            ui.label(format!("{a:.4}"));
            ui.end_row();
        }
    });
}

/// The conversation on CPU and GPU side by side; the crossover chart of the size sweep.
fn compare_ui(ui: &mut Ui, view: &View, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        let idle = view.job.is_none();
        if ui.add_enabled(idle && view.summary.is_some(), egui::Button::new("Run on CPU and GPU")).clicked() {
            actions.push(Action::CompareBackends);
        }
        if ui
            .add_enabled(idle, egui::Button::new("Run size sweep"))
            .on_hover_text("250 … 16,000 neurons, 2 s per run")
            .clicked()
        {
            actions.push(Action::RunSweep(vec![250, 1_000, 4_000, 16_000], 2.0));
        }
        if ui.button("Load sweep JSON…").clicked()
            && let Some(path) = rfd::FileDialog::new().add_filter("sweep", &["json"]).pick_file()
        {
            actions.push(Action::LoadSweep(path));
        }
        if let Some(job) = view.job {
            ui.spinner();
            ui.label(format!("{job} running…"));
        }
    });
    if let Some(runs) = &view.comparison {
        ui.label(RichText::new("This conversation, f32, same settings").strong());
        egui::Grid::new("compare").striped(true).show(ui, |ui| {
            ui.label("kernel");
            for r in runs {
                ui.label(format!("{} ms", r.backend.as_str()));
            }
            ui.end_row();
            for k in crate::compute::Kernel::ALL {
                if runs.iter().all(|r| r.kernels.iter().all(|row| row.kernel != k)) {
                    continue;
                }
                ui.label(k.name());
                for r in runs {
                    let ms = r.kernels.iter().find(|row| row.kernel == k).map_or(0.0, |row| row.total_secs * 1e3);
                    ui.label(format!("{ms:.3}"));
                }
                ui.end_row();
            }
            ui.label("engine total");
            for r in runs {
                ui.label(format!("{:.3}", r.engine_secs * 1e3));
            }
            ui.end_row();
        });
        for r in runs {
            ui.label(RichText::new(format!("{}: {}", r.backend.as_str(), r.device)).small());
        }
        if let [cpu, gpu] = runs.as_slice() {
            ui.label(format!(
                "GPU/CPU speed ratio on this file: {:.2}× (engine time)",
                cpu.engine_secs / gpu.engine_secs.max(1e-12)
            ));
        }
    }
    if let Some(rows) = &view.sweep {
        ui.separator();
        ui.label(
            RichText::new(
                "µs per step against network size (log-log); where the GPU line falls below the CPU line, the GPU wins",
            )
            .strong(),
        );
        Plot::new("crossover")
            .legend(Legend::default())
            .x_axis_label("log10 max_neurons")
            .y_axis_label("log10 µs/step")
            .show(ui, |plot| {
                for engine in ["temporal", "windowed"] {
                    for backend in [Backend::Cpu, Backend::Gpu] {
                        let points: Vec<[f64; 2]> = rows
                            .iter()
                            .filter(|r| r.engine == engine && r.backend == backend)
                            .map(|r| [(r.max_neurons as f64).log10(), r.us_per_step.max(1e-3).log10()])
                            .collect();
                        if !points.is_empty() {
                            plot.line(Line::new(format!("{engine} on {}", backend.as_str()), points));
                        }
                    }
                }
            });
    }
}
