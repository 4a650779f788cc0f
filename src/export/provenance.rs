//! Where a result came from, written into every export and figure and the Markdown report:
//! the huey version, the input's name and hash, engine, tokenizer, detector, kill list, every
//! parameter, backend, precision, device and date; and the methods paragraph a paper can
//! quote.

use std::fmt::Write as _;

/// How a result was made (filled by `run::provenance`).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Provenance {
    /// `huey <version>`.
    pub software: String,
    /// The input's file name.
    pub input: String,
    /// SHA-256 of the input's text as read (UTF-8; equals `sha256sum FILE` for a UTF-8 file
    /// without a byte-order mark).
    pub input_sha256: String,
    /// Exchanges learned.
    pub exchanges: usize,
    /// Speakers, in order of first appearance.
    pub speakers: Vec<String>,
    /// The speaker detector and the layout it found.
    pub detection: String,
    /// Learning engine.
    pub engine: String,
    /// Tokenizer.
    pub tokenizer: String,
    /// The kill list, as its source describes it.
    pub kill_list: String,
    /// Backend, device and precision the engine ran on.
    pub backend: String,
    /// See `backend`.
    pub device: String,
    /// See `backend`.
    pub precision: String,
    /// Every option, as `name = value` (dotted names from the options' structure).
    pub parameters: Vec<(String, String)>,
    /// The map: concepts, solve and clustering, as one line each.
    pub map: Vec<String>,
    /// UTC date and time, ISO 8601 (`SOURCE_DATE_EPOCH` fixes it for reproducible files).
    pub date: String,
}

impl Provenance {
    /// `key: value` lines (a `.txt` beside files that cannot hold comments; the body of
    /// comments and descriptions in those that can).
    pub fn lines(&self) -> String {
        let mut out = String::new();
        // Values are one line each: a newline in a file or speaker name cannot forge a line.
        let input = super::text::no_controls(&self.input);
        let speakers = super::text::no_controls(&self.speakers.join(", "));
        let _ = writeln!(out, "software: {}", self.software);
        let _ = writeln!(out, "date: {}", self.date);
        let _ = writeln!(out, "input: {input}");
        let _ = writeln!(out, "input_sha256: {}", self.input_sha256);
        let _ = writeln!(out, "exchanges: {}", self.exchanges);
        let _ = writeln!(out, "speakers: {speakers}");
        let _ = writeln!(out, "detection: {}", self.detection);
        let _ = writeln!(out, "engine: {}", self.engine);
        let _ = writeln!(out, "tokenizer: {}", self.tokenizer);
        let _ = writeln!(out, "kill_list: {}", self.kill_list);
        let _ = writeln!(out, "backend: {} ({}, {})", self.backend, self.device, self.precision);
        for line in &self.map {
            let _ = writeln!(out, "map: {line}");
        }
        for (name, value) in &self.parameters {
            let _ = writeln!(out, "parameter: {name} = {value}");
        }
        out
    }

    /// One short line for a figure's caption.
    pub fn caption(&self) -> String {
        format!("{} · {} · {} engine · {}", self.software, self.input, self.engine, self.date)
    }

    /// The methods paragraph, ready to paste.
    pub fn methods(&self) -> String {
        let value = |name: &str| {
            self.parameters.iter().find(|(n, _)| n == name).map_or_else(|| "?".to_owned(), |(_, v)| v.clone())
        };
        let engine_params = if self.engine == "temporal" {
            format!("decay constant τ = {}", value("engine.specific.Temporal.tau"))
        } else {
            format!(
                "a window of {} tokens and connection probability {} (seed {})",
                value("engine.specific.Windowed.window"),
                value("engine.specific.Windowed.connection_prob"),
                value("engine.specific.Windowed.seed")
            )
        };
        format!(
            "Concept networks were computed with {software} (a Rust rebuild of Huey) from {input} \
             (SHA-256 {hash}), {exchanges} exchanges by {speakers} speakers found by the {detection}. \
             Tokens were {tokenizer} with the kill list {kill}. The {engine} engine learned Hebbian \
             connections with inertial mass (η = {eta}, {engine_params}, at most {neurons} neurons) on \
             the {backend} ({device}, {precision}). {map} Computed on {date}; every parameter is listed \
             in the provenance of each exported file.",
            software = self.software,
            input = self.input,
            hash = self.input_sha256,
            exchanges = self.exchanges,
            speakers = self.speakers.len(),
            detection = self.detection,
            tokenizer = self.tokenizer,
            kill = self.kill_list,
            engine = self.engine,
            eta = value("engine.common.eta"),
            neurons = value("engine.common.max_neurons"),
            backend = self.backend,
            device = self.device,
            precision = self.precision,
            map = self.map.join(" "),
            date = self.date,
        )
    }
}

/// `seconds` since the Unix epoch as an ISO 8601 UTC date and time (`2026-12-02T18:52:04Z`).
pub fn utc(seconds: u64) -> String {
    let days = (seconds / 86_400) as i64;
    let rest = seconds % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates_by_hand() {
        assert_eq!(utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(utc(1_796_237_524), "2026-12-02T18:52:04Z");
    }
}
