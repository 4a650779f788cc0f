//! Unit tests of the windowed engine: a window by hand, eviction, draws and the waiver.

use super::*;
use crate::model::mass::MassModel;

fn engine(p: WindowedParams) -> WindowedEngine<f64> {
    WindowedEngine::new(Common::default(), p).unwrap()
}

fn params(window: usize, p: f64) -> WindowedParams {
    WindowedParams { window, connection_prob: p, ..WindowedParams::default() }
}

fn strength(net: &Network, from: &str, to: &str) -> Option<f64> {
    let index = net.word_index();
    let (i, j) = (index[from], index[to]);
    net.connections.iter().find(|c| c.from == i && c.to == j).map(|c| c.strength)
}

#[test]
fn one_window_by_hand() {
    let mut e = engine(params(2, 1.0));
    e.step_turn("Ana", ["x", "y"]);
    let net = e.snapshot().unwrap();
    assert_eq!(net.words, ["ana", "x", "y"]);
    // Activations 1 → decayed to 0.98; every pair gets η·0.98·0.98, mass 0.15·m*(0.9604).
    let d = 0.1 * 0.98 * 0.98;
    for (f, t) in [("ana", "x"), ("ana", "y"), ("x", "y")] {
        assert!((strength(&net, f, t).unwrap() - d).abs() < 1e-15, "{f}->{t}");
    }
    let model = MassModel::default();
    let m = 0.15 * model.target(0.98 * 0.98);
    assert!(net.connections.iter().all(|c| (c.mass - m).abs() < 1e-15));
    // Fewer than 30 ids: the kernel sums both directions. ana: s·a_x + s·a_y.
    let sig = |v: f64| 1.0 / (1.0 + (-v).exp());
    let want = sig(2.0 * d * 0.98);
    assert!(net.activations.iter().all(|a| (a - want).abs() < 1e-15), "{:?}", net.activations);
    assert_eq!(e.stats.pairs, 3);
}

#[test]
fn short_turns_only_create_the_speaker() {
    let mut e = engine(params(3, 1.0));
    e.step_turn("Ana", ["x", "y"]);
    assert_eq!(e.snapshot().unwrap().words, ["ana"]);
    assert_eq!(e.stats.windows, 0);
}

#[test]
fn zero_probability_creates_only_speaker_connections() {
    let mut e = engine(params(3, 0.0));
    e.step_turn("Speaker_A", ["x", "y", "z", "w"]);
    let net = e.snapshot().unwrap();
    assert!(!net.connections.is_empty());
    assert!(net.connections.iter().all(|c| net.words[c.from as usize] == "speaker_a"), "waiver only");
    let mut e = engine(params(3, 0.0));
    e.step_turn("Ana", ["x", "y", "z", "w"]);
    assert!(e.snapshot().unwrap().connections.is_empty());
    assert!(e.stats.refused > 0);
}

#[test]
fn draws_are_deterministic_per_seed() {
    let text: Vec<String> = (0..400).map(|k| format!("w{}", (k * 7919) % 37)).collect();
    let run = |seed| {
        let mut e = engine(WindowedParams { seed, ..params(5, 0.35) });
        for chunk in text.chunks(40) {
            e.step_turn("Ana", chunk.iter().map(String::as_str));
        }
        e.snapshot().unwrap()
    };
    assert_eq!(run(1), run(1));
    assert_ne!(run(1).connections.len(), run(2).connections.len());
}

#[test]
fn eviction_keeps_the_cap_and_never_evicts_the_window() {
    let mut e = WindowedEngine::<f64>::new(Common { max_neurons: 6, ..Common::default() }, params(3, 1.0)).unwrap();
    let words: Vec<String> = (0..60).map(|k| format!("w{k}")).collect();
    for chunk in words.chunks(6) {
        e.step_turn("Ana", chunk.iter().map(String::as_str));
        assert!(e.n_live <= 6);
        let net = e.snapshot().unwrap();
        // The last window's words and the speaker are alive.
        let alive: Vec<&str> = net.words.iter().filter(|w| !w.is_empty()).map(String::as_str).collect();
        assert!(alive.contains(&"ana"), "{alive:?}");
        for w in &chunk[chunk.len() - 3..] {
            assert!(alive.contains(&w.as_str()), "{w} evicted from its own window: {alive:?}");
        }
        // No connection touches an evicted neuron.
        assert!(
            net.connections
                .iter()
                .all(|c| !net.words[c.from as usize].is_empty() && !net.words[c.to as usize].is_empty())
        );
    }
    assert!(e.stats.evictions > 0);
    // Evicted words come back as new neurons with new ids (no resurrection of old state).
    let before = e.snapshot().unwrap().words.len();
    e.step_turn("Ana", ["w0", "w1", "w2"]);
    assert!(e.snapshot().unwrap().words.len() > before);
}

/// The windowed engine's own rules: it evicts (empty words are fine) but never connects a
/// neuron to itself or to an evicted neuron; a refused load changes nothing.
#[test]
fn load_refuses_self_connections_and_connections_to_evicted_neurons() {
    use crate::model::network::NetworkError;
    let mut e = engine(params(2, 1.0));
    e.step_turn("Ana", ["x", "y"]);
    let good = e.snapshot().unwrap();
    let stats = e.stats();
    let mut evicted = good.clone();
    evicted.words.push(String::new());
    evicted.activations.push(0.0);
    e.load(&evicted, stats).unwrap();
    e.load(&good, stats).unwrap();
    let mut looped = good.clone();
    looped.connections[0].to = looped.connections[0].from;
    let mut dangling = evicted.clone();
    dangling.connections[0].to = 3;
    let mut hot = good.clone();
    hot.activations[0] = 1.5;
    for (bad, want) in [(looped, "itself"), (dangling, "does not have"), (hot, "activation 1.5")] {
        match e.load(&bad, stats) {
            Err(EngineError::Network(
                err @ (NetworkError::SelfConnection { .. }
                | NetworkError::Dangling { .. }
                | NetworkError::Activation { .. }),
            )) => {
                assert!(err.to_string().contains(want), "{err}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(e.snapshot().unwrap(), good);
    }
}
