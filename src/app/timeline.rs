//! The timing view's data: one timeline of the worker's frames, each tagged with its backend
//! and wall time, cut into one segment per backend stretch (a switch starts a new one and is
//! marked), with live rates over a sliding window and gaps where the run was idle. Plain data;
//! the timing panel only draws it.
//!
//! A frame carries cumulative figures of the engine running now (steps, tokens, the engine's
//! wall seconds, per-kernel seconds). The interval between two frames counts as running time
//! only when the earlier frame says the run was going and both come from the same segment;
//! rates at a frame are differences over the frames of its running stretch at most
//! [`WINDOW_SECS`] back (at least the previous frame), so they are live rates, not averages
//! since the start. Kernel times are fitted to the engine's wall time over the same window
//! ([`Attribution::fit`]): sampled GPU estimates that add up to more are scaled down to it, and
//! what the kernels do not cover is "other".

use crate::kernel::{Attribution, Kernel};
use crate::model::options::Backend;

/// How far back the live rates reach (seconds of running time).
pub const WINDOW_SECS: f64 = 1.0;

/// Points kept; past this the oldest half is dropped (segments keep their own totals).
const MAX_POINTS: usize = 20_000;

/// Cumulative figures of one frame.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// Seconds since the run was loaded.
    pub t: f64,
    /// Backend of the engine that produced it.
    pub backend: Backend,
    /// Whether the run was going when the frame was taken.
    pub running: bool,
    /// Engine steps, tokens and wall seconds so far (of the engine running now).
    pub steps: u64,
    /// See `steps`.
    pub tokens: u64,
    /// See `steps`.
    pub engine_secs: f64,
    /// Per-kernel seconds so far (of the engine running now).
    pub kernels: Vec<(Kernel, f64)>,
}

/// Live rates at one frame, over the window behind it.
#[derive(Clone, Debug, PartialEq)]
pub struct Rate {
    /// When (the frame's `t`).
    pub t: f64,
    /// Backend, segment and running stretch it belongs to (lines break between stretches).
    pub backend: Backend,
    /// See `backend`.
    pub segment: usize,
    /// See `backend`.
    pub stretch: usize,
    /// Tokens per wall second over the window (what the app sees, frames included).
    pub words_per_sec: f64,
    /// Engine wall µs per step over the window.
    pub us_per_step: f64,
    /// Each kernel's µs per step, fitted to `us_per_step`.
    pub kernels: Vec<(Kernel, f64)>,
    /// The rest of `us_per_step` (host, transfers, unattributed).
    pub other: f64,
    /// Whether the kernels' own figures were scaled down to fit.
    pub scaled: bool,
}

/// One backend's stretch of the run.
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    /// Its backend.
    pub backend: Backend,
    /// The first and the latest frame of it.
    pub first: Point,
    /// See `first`.
    pub last: Point,
}

impl Segment {
    /// Steps, tokens and engine seconds done in this segment.
    pub fn steps(&self) -> u64 {
        self.last.steps.saturating_sub(self.first.steps)
    }

    /// Engine wall seconds spent in this segment.
    pub fn engine_secs(&self) -> f64 {
        (self.last.engine_secs - self.first.engine_secs).max(0.0)
    }

    /// The segment's kernel seconds fitted to its engine seconds.
    pub fn attribution(&self) -> Attribution {
        Attribution::fit(&delta(&self.first.kernels, &self.last.kernels), self.engine_secs())
    }
}

/// A backend switch: where the new segment starts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Switch {
    /// When.
    pub t: f64,
    /// From and to.
    pub from: Backend,
    /// See `from`.
    pub to: Backend,
}

/// The run's timing history.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Timeline {
    /// Frames, oldest first (the latest `MAX_POINTS` at most).
    pub points: Vec<Point>,
    /// Live rates, one per frame that closes a running interval.
    pub rates: Vec<Rate>,
    /// One per backend stretch.
    pub segments: Vec<Segment>,
    /// Where the backend changed (one fewer than the segments).
    pub switches: Vec<Switch>,
    /// Index in `points` where the current running stretch starts.
    stretch_start: usize,
    stretches: usize,
}

fn delta(before: &[(Kernel, f64)], after: &[(Kernel, f64)]) -> Vec<(Kernel, f64)> {
    after
        .iter()
        .map(|&(k, secs)| {
            let was = before.iter().find(|p| p.0 == k).map_or(0.0, |p| p.1);
            (k, (secs - was).max(0.0))
        })
        .collect()
}

impl Timeline {
    /// Add a frame's figures.
    pub fn push(&mut self, point: Point) {
        let same_segment = self.segments.last().is_some_and(|s| s.backend == point.backend);
        // A new engine whose counters went back (a fallback's replay is a new segment anyway).
        let went_back = self.points.last().is_some_and(|p| point.steps < p.steps || point.engine_secs < p.engine_secs);
        let continues = same_segment && !went_back;
        if !continues {
            if let Some(prev) = self.segments.last() {
                self.switches.push(Switch { t: point.t, from: prev.backend, to: point.backend });
            }
            self.segments.push(Segment { backend: point.backend, first: point.clone(), last: point.clone() });
        } else if let Some(s) = self.segments.last_mut() {
            s.last = point.clone();
        }
        let running_since_last = continues && self.points.last().is_some_and(|p| p.running);
        if !running_since_last {
            self.stretch_start = self.points.len();
            self.stretches += 1;
        }
        self.points.push(point);
        if running_since_last && let Some(rate) = self.rate_at(self.points.len() - 1) {
            self.rates.push(rate);
        }
        if self.points.len() > MAX_POINTS {
            let drop = MAX_POINTS / 2;
            self.points.drain(..drop);
            self.stretch_start = self.stretch_start.saturating_sub(drop);
            let keep_from = self.rates.len().saturating_sub(MAX_POINTS / 2);
            self.rates.drain(..keep_from);
        }
    }

    /// The live rates at point `i` over the window behind it within its stretch.
    fn rate_at(&self, i: usize) -> Option<Rate> {
        let now = &self.points[i];
        let from =
            (self.stretch_start..i).find(|&j| now.t - self.points[j].t <= WINDOW_SECS).unwrap_or(i - 1).min(i - 1);
        let then = &self.points[from];
        let (dt, steps) = (now.t - then.t, now.steps.saturating_sub(then.steps));
        if steps == 0 || dt <= 0.0 {
            return None;
        }
        let per_step = 1e6 / steps as f64;
        let engine = (now.engine_secs - then.engine_secs).max(0.0);
        let fit = Attribution::fit(&delta(&then.kernels, &now.kernels), engine);
        Some(Rate {
            t: now.t,
            backend: now.backend,
            segment: self.segments.len() - 1,
            stretch: self.stretches,
            words_per_sec: now.tokens.saturating_sub(then.tokens) as f64 / dt,
            us_per_step: engine * per_step,
            kernels: fit.rows.iter().map(|&(k, s)| (k, s * per_step)).collect(),
            other: fit.other * per_step,
            scaled: fit.scaled(),
        })
    }

    /// Whether there is anything to plot yet.
    pub fn has_rates(&self) -> bool {
        !self.rates.is_empty()
    }

    /// The rates of each running stretch, in order (each one line in a plot; idle time and
    /// switches fall between them).
    pub fn stretches(&self) -> Vec<&[Rate]> {
        self.rates.chunk_by(|a, b| a.stretch == b.stretch).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::TemporalKernel;

    const PAIR: Kernel = Kernel::Temporal(TemporalKernel::PairUpdate);

    fn point(t: f64, backend: Backend, running: bool, steps: u64, engine_secs: f64, pair_secs: f64) -> Point {
        Point { t, backend, running, steps, tokens: steps * 10, engine_secs, kernels: vec![(PAIR, pair_secs)] }
    }

    #[test]
    fn rates_are_windowed_and_idle_time_is_a_gap() {
        let mut tl = Timeline::default();
        let cpu = Backend::Cpu;
        tl.push(point(0.0, cpu, false, 0, 0.0, 0.0)); // loaded
        tl.push(point(1.0, cpu, true, 0, 0.0, 0.0)); // Run (after 1 s idle: no rate)
        assert!(tl.rates.is_empty());
        tl.push(point(1.5, cpu, true, 100, 0.4, 0.2));
        // 100 steps, 1,000 tokens in 0.5 s; 0.4 s engine: 4,000 µs/step, pair_update 2,000.
        let r = &tl.rates[0];
        assert_eq!((r.words_per_sec, r.us_per_step), (2000.0, 4000.0));
        assert_eq!((r.kernels[0].1, r.other), (2000.0, 2000.0));
        tl.push(point(2.0, cpu, true, 300, 0.8, 0.4));
        tl.push(point(2.5, cpu, true, 400, 1.2, 0.6));
        // The window at 2.5 s reaches back to 1.5 s (the frame at 1.0 s is more than 1 s back):
        // 300 steps, 3,000 tokens in 1 s.
        let r = tl.rates.last().unwrap();
        assert_eq!(r.words_per_sec, 3000.0);
        assert!((r.us_per_step - 0.8e6 / 300.0).abs() < 1e-9);
        // Paused at 2.6 s (that interval still ran), idle until 10 s: a new stretch.
        tl.push(point(2.6, cpu, false, 410, 1.24, 0.62));
        assert_eq!(tl.rates.last().unwrap().t, 2.6);
        tl.push(point(10.0, cpu, true, 410, 1.24, 0.62));
        tl.push(point(10.5, cpu, true, 460, 1.44, 0.72));
        let r = tl.rates.last().unwrap();
        // Only the 0.5 s since Run, not the idle 7.4 s: 500 tokens / 0.5 s.
        assert_eq!(r.words_per_sec, 1000.0);
        let stretches = tl.stretches();
        assert_eq!(stretches.len(), 2);
        assert_eq!(stretches[0].len(), 4);
        assert_eq!((tl.segments.len(), tl.switches.len()), (1, 0));
    }

    #[test]
    fn cpu_gpu_cpu_is_three_segments_with_two_switches() {
        let mut tl = Timeline::default();
        let (cpu, gpu) = (Backend::Cpu, Backend::Gpu);
        tl.push(point(0.0, cpu, true, 0, 0.0, 0.0));
        tl.push(point(0.3, cpu, true, 100, 0.25, 0.1));
        // The switch frame: the GPU engine's counters start again.
        tl.push(point(1.5, gpu, true, 100, 0.0, 0.0));
        tl.push(point(1.8, gpu, true, 400, 0.2, 0.5)); // sampled kernels over the wall time
        let r = tl.rates.last().unwrap();
        assert_eq!((r.backend, r.segment), (gpu, 1));
        assert!(r.scaled, "0.5 s of sampled kernel time in 0.2 s of engine time is scaled down");
        assert!((r.kernels[0].1 - 0.2e6 / 300.0).abs() < 1e-9 && r.other == 0.0);
        tl.push(point(2.9, cpu, true, 400, 0.0, 0.0));
        tl.push(point(3.2, cpu, true, 500, 0.1, 0.05));
        assert_eq!(tl.segments.iter().map(|s| s.backend).collect::<Vec<_>>(), [cpu, gpu, cpu]);
        assert_eq!(tl.switches, [Switch { t: 1.5, from: cpu, to: gpu }, Switch { t: 2.9, from: gpu, to: cpu }]);
        // No rate bridges a switch: one stretch per segment.
        assert_eq!(tl.stretches().len(), 3);
        assert_eq!(tl.segments[1].steps(), 300);
        let fit = tl.segments[1].attribution();
        assert!((fit.rows[0].1 + fit.other - 0.2).abs() < 1e-12);
    }
}
