//! Keyboard shortcuts, read before the panels draw (so a focused button never sees the key as
//! well) and turned into [`Action`]s. [`SHORTCUTS`] is what the help window lists.

use egui::{Key, KeyboardShortcut, Modifiers};

use super::jobs::Purpose;
use super::view::Info;
use super::{Action, HueyApp};

/// Every shortcut and what it does (the help window's table).
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Ctrl+O", "open a conversation"),
    ("Ctrl+S", "save the session"),
    ("Space", "run or pause (not while typing in a field)"),
    ("← / →", "show the previous / next exchange (pauses; not while typing)"),
    ("F1 or ?", "show or hide this help"),
    ("Esc", "close the file browser"),
];

const OPEN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
const SAVE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::S);

/// The actions this frame's keys ask for.
pub fn shortcuts(ctx: &egui::Context, app: &mut HueyApp, actions: &mut Vec<Action>) {
    let typing = ctx.egui_wants_keyboard_input();
    let choosing = app.choosing_file();
    let (open, save, space, help, step) = ctx.input_mut(|i| {
        let open = i.consume_shortcut(&OPEN);
        let save = i.consume_shortcut(&SAVE);
        let space = !typing && !choosing && i.consume_key(Modifiers::NONE, Key::Space);
        let free = !typing && !choosing;
        let step = if free && i.consume_key(Modifiers::NONE, Key::ArrowLeft) {
            -1
        } else if free && i.consume_key(Modifiers::NONE, Key::ArrowRight) {
            1
        } else {
            0
        };
        let help = i.consume_key(Modifiers::NONE, Key::F1)
            || (!typing && (i.consume_key(Modifiers::NONE, Key::Questionmark) || consume_text(i, "?")));
        (open, save, space, help, step)
    });
    if let Some(frame) = &app.view.run.frame
        && step != 0
    {
        let t = frame.done.saturating_add_signed(step).min(frame.total);
        if t != frame.done {
            actions.push(Action::Seek(t));
        }
    }
    if open {
        actions.push(Action::Choose(Purpose::OpenConversation));
    }
    if save {
        if app.can_save() {
            actions.push(Action::Choose(Purpose::SaveSession));
        } else {
            app.view.notices.push(Info::NothingToSave);
        }
    }
    if space {
        if app.running() {
            actions.push(Action::Pause);
        } else if app.can_run() {
            actions.push(Action::Run);
        }
    }
    if help {
        actions.push(Action::ToggleHelp);
    }
}

/// A typed `text` event (how `?` arrives on layouts where it is a shifted key), taken.
fn consume_text(input: &mut egui::InputState, text: &str) -> bool {
    let before = input.events.len();
    input.events.retain(|e| !matches!(e, egui::Event::Text(t) if t == text));
    input.events.len() != before
}
