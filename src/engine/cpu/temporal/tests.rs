//! Unit tests of the temporal engine: hand-computed cases and a differential test against a
//! direct (eager) transcription of HUEY_REFERENCE.md §3.3.

use super::*;
use crate::model::mass::MassModel;

fn capped(max_neurons: usize) -> TemporalEngine {
    TemporalEngine::new(Common { max_neurons, ..Common::default() }, TemporalParams::default()).unwrap()
}

fn engine() -> TemporalEngine {
    TemporalEngine::new(Common::default(), TemporalParams::default()).unwrap()
}

fn strength(net: &Network, from: &str, to: &str) -> Option<f64> {
    let index = net.word_index();
    let (i, j) = (index[from], index[to]);
    net.connections.iter().find(|c| c.from == i && c.to == j).map(|c| c.strength)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-14 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn three_words_by_hand() {
    let mut e = engine();
    let m_star = 10.0 / (1.0 + (-8.0_f64 * 0.7).exp());
    // Exchange 1: a b c. New pairs: Δs = η·e^(−lag/τ), mass 0.15·m*.
    e.step(["a", "b", "c"]);
    let net = e.snapshot().unwrap();
    let w1 = 0.1 * (-1.0_f64 / 3.0).exp();
    let w2 = 0.1 * (-2.0_f64 / 3.0).exp();
    assert!(close(strength(&net, "a", "b").unwrap(), w1));
    assert!(close(strength(&net, "a", "c").unwrap(), w2));
    assert!(close(strength(&net, "b", "c").unwrap(), w1));
    assert!(strength(&net, "b", "a").is_none(), "connections are directed early → late");
    let m1 = 0.15 * m_star;
    assert!(net.connections.iter().all(|c| close(c.mass, m1)));
    // Exchange 2: a b. (a,b) is strengthened with resistance 1/(1+0.1·m1); the others decay.
    e.step(["a", "b"]);
    let net = e.snapshot().unwrap();
    let r = 1.0 / (1.0 + 0.1 * m1);
    assert!(close(strength(&net, "a", "b").unwrap(), w1 + 0.1 * r * (-1.0_f64 / 3.0).exp()));
    assert!(close(strength(&net, "a", "c").unwrap(), w2 * 0.992));
    assert!(close(strength(&net, "b", "c").unwrap(), w1 * 0.992));
    let m2 = m1 + 0.15 * (m_star - m1) - 0.1 * 0.2 * m1;
    let ab = net.connections.iter().find(|c| c.from == 0 && c.to == 1).unwrap();
    assert!(close(ab.mass, m2));
    // Exchange 3: a single token learns nothing and decays nothing.
    e.step(["c"]);
    assert_eq!(e.snapshot().unwrap(), net);
    assert_eq!(e.stats, TemporalStats { exchanges: 3, tokens: 6, tokens_skipped: 0, pairs: 4, learning_steps: 2 });
}

#[test]
fn lag_seven_is_pruned_in_its_own_exchange_but_lag_six_survives() {
    let mut e = engine();
    e.step(["x", "1", "2", "3", "4", "5", "y", "z"]);
    let net = e.snapshot().unwrap();
    assert!(strength(&net, "x", "y").is_some(), "lag 6: 0.1·e^-2 = 0.0135 ≥ 0.01");
    assert!(strength(&net, "x", "z").is_none(), "lag 7: 0.1·e^(-7/3) = 0.0097 < 0.01");
}

#[test]
fn repeats_make_self_connections_and_see_updated_values() {
    let mut e = engine();
    e.step(["a", "a", "a"]);
    let net = e.snapshot().unwrap();
    assert_eq!(net.connections.len(), 1);
    let c = net.connections[0];
    assert_eq!((c.from, c.to), (0, 0));
    // Pairs (0,1), (0,2), (1,2): lags 1, 2, 1, each seeing the previous mass.
    let model = MassModel::default();
    let target = model.target(1.0);
    let (mut s, mut m) = (0.0, 0.0);
    for lag in [1.0_f64, 2.0, 1.0] {
        s += 0.1 / (1.0 + 0.1 * m) * (-lag / 3.0).exp();
        m = model.update(m, 1.0, target);
    }
    assert!(close(c.strength, s) && close(c.mass, m));
}

#[test]
fn vocabulary_cap_skips_new_words() {
    let mut e = capped(2);
    e.step(["a", "b", "c", "a"]);
    assert_eq!(e.vocab.len(), 2);
    assert_eq!(e.stats.tokens_skipped, 1);
    assert_eq!(e.stats.pairs, 3, "c is not part of the sequence");
}

/// A direct transcription of §3.3: every stored key decays on every learning exchange.
struct Eager {
    ids: std::collections::HashMap<String, u32>,
    order: Vec<(u32, u32)>,
    conns: std::collections::HashMap<(u32, u32), (f64, f64)>,
}

impl Eager {
    fn step(&mut self, tokens: &[&str], max_neurons: usize) {
        let mut seq = Vec::new();
        for t in tokens {
            let n = self.ids.len();
            if let Some(&id) = self.ids.get(*t) {
                seq.push(id);
            } else if n < max_neurons {
                self.ids.insert((*t).to_owned(), n as u32);
                seq.push(n as u32);
            }
        }
        if seq.len() <= 1 {
            return;
        }
        let mut pairs = std::collections::HashSet::new();
        for p in 0..seq.len() {
            for q in p + 1..seq.len() {
                pairs.insert((seq[p], seq[q]));
            }
        }
        for (k, v) in &mut self.conns {
            if !pairs.contains(k) {
                v.0 = (v.0 * 0.992).max(0.001);
            }
        }
        self.conns.retain(|_, v| v.0 > 0.002);
        let model = MassModel::default();
        let target = model.target(1.0);
        for p in 0..seq.len() {
            for q in p + 1..seq.len() {
                let k = (seq[p], seq[q]);
                let (s, m) = self.conns.get(&k).copied().unwrap_or((0.0, 0.0));
                if !self.conns.contains_key(&k) {
                    self.order.push(k);
                }
                let ds = 0.1 / (1.0 + 0.1 * m) * (-((q - p) as f64) / 3.0).exp();
                self.conns.insert(k, (s + ds, model.update(m, 1.0, target)));
            }
        }
        self.conns.retain(|_, v| v.0.abs() >= 0.01);
        let conns = &self.conns;
        self.order.retain(|k| conns.contains_key(k));
    }
}

#[test]
fn lazy_decay_equals_eager_reference_loop() {
    let words: Vec<String> = (0..40).map(|k| format!("w{k}")).collect();
    let mut state: u64 = 3;
    let mut next = |n: usize| {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize % n
    };
    let max_neurons = 30;
    let mut lazy = capped(max_neurons);
    let mut eager = Eager { ids: Default::default(), order: Vec::new(), conns: Default::default() };
    for step in 0..3000 {
        // Zipf-ish: small ids are frequent, so some pairs live long and others die.
        let len = next(9);
        let tokens: Vec<&str> = (0..len)
            .map(|_| {
                let spread = 1 + next(words.len());
                words[next(spread)].as_str()
            })
            .collect();
        lazy.step(tokens.iter().copied());
        eager.step(&tokens, max_neurons);
        if step % 100 == 99 {
            let net = lazy.snapshot().unwrap();
            let got: Vec<(u32, u32)> = net.connections.iter().map(|c| (c.from, c.to)).collect();
            assert_eq!(got, eager.order, "connection sets and creation order at step {step}");
            for c in &net.connections {
                let (s, m) = eager.conns[&(c.from, c.to)];
                assert!((c.strength - s).abs() <= 1e-12 * s, "strength at step {step}: {} vs {s}", c.strength);
                assert!((c.mass - m).abs() <= 1e-12 * m);
            }
        }
    }
}

/// No decay, or a decay too slow to matter within any run: connections are never scheduled to
/// die, runs end, and memory stays with the connections (issue 9: a parameter never hangs).
#[test]
fn no_decay_or_negligible_decay_terminates_and_keeps_every_connection() {
    for decay in [0.0, 1e-300, 1e-12, 1e-9] {
        let params = TemporalParams { connection_decay: decay, ..TemporalParams::default() };
        let mut e = TemporalEngine::<f64>::new(Common::default(), params).unwrap();
        let started = std::time::Instant::now();
        for _ in 0..200 {
            e.step(["a", "b", "c"]);
        }
        e.step(["d", "e"]);
        assert!(started.elapsed().as_secs_f64() < 5.0, "decay {decay} took {:?}", started.elapsed());
        assert!(e.deaths.len() <= 3 * 201, "decay {decay}: {} scheduled deaths", e.deaths.len());
        assert!(e.decay_pow.len() <= 1000, "decay {decay}: power table of {}", e.decay_pow.len());
        let net = e.snapshot().unwrap();
        assert_eq!(net.connections.len(), 4, "decay {decay}");
        assert!(strength(&net, "a", "b").unwrap() > 1.0, "decay {decay}");
    }
    // In f32, 1 − 1e-8 rounds to 1: such a connection never dies, and nothing is scheduled
    // (a strength just above the threshold, where a search would have the longest walk).
    let params = TemporalParams { connection_decay: 1e-8, ..TemporalParams::default() };
    let mut e = TemporalEngine::<f32>::new(Common::default(), params).unwrap();
    assert_eq!(e.steps_until_pruned(0.0101), None);
    for _ in 0..50 {
        e.step(["a", "b"]);
    }
    assert_eq!(e.snapshot().unwrap().connections.len(), 1);
    assert!(e.decay_pow.len() <= 2, "power table of {}", e.decay_pow.len());
}

/// The death step is exactly the first index of the power table below the threshold, in both
/// precisions, however far the log estimate is from it (f32 tables drift after many steps).
#[test]
fn death_steps_are_exact_for_the_power_table() {
    fn check<R: Real + std::fmt::Debug + Send>(decay: f64, strengths: &[f64]) {
        let params = TemporalParams { connection_decay: decay, ..TemporalParams::default() };
        let mut e = TemporalEngine::<R>::new(Common::default(), params).unwrap();
        let threshold = R::from_f64(e.params.prune_threshold);
        for &s in strengths {
            let s = R::from_f64(s);
            let got = e.steps_until_pruned(s).unwrap();
            let mut j = 0;
            while s * e.pow(j) >= threshold {
                j += 1;
            }
            assert_eq!(got, j, "decay {decay}, strength {s:?}");
        }
    }
    let strengths = [0.01, 0.010_000_1, 0.0101, 0.05, 0.3, 1.0, 7.5, 123.0, 1e4];
    for decay in [0.008, 0.3, 1e-3, 1e-5] {
        check::<f64>(decay, &strengths);
        check::<f32>(decay, &strengths);
    }
}

/// A network no engine could have produced is refused by `load`, which then changes nothing.
#[test]
fn load_refuses_impossible_networks_and_keeps_the_state() {
    use crate::model::network::NetworkError;
    let mut e = engine();
    e.step(["a", "b", "c"]);
    let good = e.snapshot().unwrap();
    let stats = e.stats();
    type Expected = fn(&NetworkError) -> bool;
    let cases: Vec<(Network, Expected)> = vec![
        (Network { words: vec!["a".into(), "a".into()], activations: vec![1.0; 2], ..good.clone() }, |e| {
            matches!(e, NetworkError::DuplicateWord { .. })
        }),
        (Network { activations: vec![1.0], ..good.clone() }, |e| matches!(e, NetworkError::Lengths { .. })),
        (
            {
                let mut n = good.clone();
                n.connections[0].to = 99;
                n
            },
            |e| matches!(e, NetworkError::Dangling { id: 99, .. }),
        ),
        (
            {
                let mut n = good.clone();
                n.connections[0].strength = f64::NAN;
                n
            },
            |e| matches!(e, NetworkError::Strength { .. }),
        ),
        (
            {
                let mut n = good.clone();
                n.connections[1].mass = 1e9;
                n
            },
            |e| matches!(e, NetworkError::Mass { .. }),
        ),
        (
            {
                let mut n = good.clone();
                let first = n.connections[0];
                n.connections.push(first);
                n
            },
            |e| matches!(e, NetworkError::DuplicateConnection { .. }),
        ),
        (
            {
                let mut n = good.clone();
                n.words[1].clear();
                n
            },
            |e| matches!(e, NetworkError::EmptyWord { id: 1 }),
        ),
        (
            Network {
                words: (0..300).map(|k| format!("w{k}")).collect(),
                activations: vec![1.0; 300],
                connections: Vec::new(),
            },
            |e| matches!(e, NetworkError::TooManyNeurons { live: 300, max: 250 }),
        ),
    ];
    for (bad, expected) in cases {
        match e.load(&bad, stats) {
            Err(EngineError::Network(err)) => assert!(expected(&err), "{err}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(e.snapshot().unwrap(), good, "a refused load changed the engine");
    }
    e.load(&good, stats).unwrap();
    assert_eq!(e.snapshot().unwrap(), good);
}
