//! Unit tests of the concept map: a hand-sized case with independently computed values, and
//! the partial (Lanczos) solver against the dense one.

use super::*;

#[test]
fn three_concepts_match_the_reference_formula() {
    // Expected values from NumPy with the reference's own steps: D = max(A) − A,
    // B = −½·H(D∘D)H, eigh, sort descending, v·sqrt(|λ|)·3 (largest component positive).
    let n = Network::from_masses(&["a", "b", "c"], &[(0, 1, 4.0), (0, 2, 2.0), (1, 1, 1.0)]);
    let opts = MapOptions::default();
    let map = concept_map(&n, &[], &opts);
    // Masses: a = 6, b = 4 + 1 (self-connection once) = 5, c = 2.
    assert_eq!(map.labels, ["a", "b", "c"]);
    assert_eq!(map.masses, [6.0, 5.0, 2.0]);
    let want = [0.10949898451226518, 3.5732931912869914e-17, -0.5469989845122654];
    for (g, w) in map.eigenvalues.iter().zip(want) {
        assert!((g - w).abs() < 1e-12, "{g} vs {w}");
    }
    let axis0 = [-0.01113903828188692, -0.696322475167874, 0.7074615134497613];
    let axis2 = [1.811456341779687, -0.9272890538682724, -0.8841672879114153];
    for row in 0..3 {
        assert!((map.coords[row][0] - axis0[row]).abs() < 1e-12);
        assert!((map.coords[row][2] - axis2[row]).abs() < 1e-12);
        // The null axis gets the reference's 1e-4 scale: 3·1e-4/√3.
        assert!((map.coords[row][1] - 0.00017320508075688778).abs() < 1e-12);
    }
    assert!((map.warp.unwrap() - -0.25028339317089177).abs() < 1e-12);
    // Any axis on demand, with the same scaling as the stored coordinates.
    for axis in 0..3 {
        let coords = map.axis_coords(axis);
        assert!((0..3).all(|row| (coords[row] - map.coords[row][axis]).abs() < 1e-15));
    }
    assert_eq!(map.axis_coords(7), [0.0; 3], "a missing axis maps to the origin");
    // Top-3 by |λ| is everything here; the reference's figure uses the ascending end.
    assert!((map.variance_top3_pct.unwrap() - 100.0).abs() < 1e-9);
    assert_eq!((map.n_positive, map.n_negative), (1, 1));
}

#[test]
fn speaker_entries_come_first_among_equals_and_later_index_wins() {
    let n = Network::from_masses(&["joe", "x"], &[(0, 1, 2.0)]);
    let map = concept_map(&n, &[("Joe".to_owned(), 2.0)], &MapOptions::default());
    assert_eq!(map.labels, ["Speaker_Joe", "joe", "x"]);
    assert_eq!(map.ids, [0, 0, 1]);
}

#[test]
fn speakers_left_out_are_no_candidates_and_the_solve_is_without_them() {
    let n = Network::from_masses(
        &["ana", "speaker_ben", "x", "y", "z"],
        &[(0, 2, 9.0), (1, 3, 8.0), (2, 3, 1.0), (3, 4, 2.0)],
    );
    let speakers = [("Ana".to_owned(), 3.0), ("Ben".to_owned(), 0.0)];
    let all = concept_map(&n, &speakers, &MapOptions::default());
    assert!(all.labels.iter().any(|l| l == "Speaker_Ana") && all.labels.iter().any(|l| l == "ana"));
    assert!(all.labels.iter().any(|l| l == "speaker_ben"));
    let opts = MapOptions { leave_out_speakers: true, ..MapOptions::default() };
    let without = concept_map(&n, &speakers, &opts);
    assert_eq!(without.labels, ["y", "x", "z"]);
    assert_eq!(without.ids, [3, 2, 4]);
    // Solved over the three words only: a 3×3 spectrum, one coordinate row per word.
    assert_eq!((without.eigenvalues.len(), without.coords.len()), (3, 3));
    // The cut comes after leaving them out: n_concepts = 2 keeps two words.
    let two = concept_map(&n, &speakers, &MapOptions { n_concepts: 2, ..opts });
    assert_eq!(two.labels, ["y", "x"]);
}

#[test]
fn empty_and_tiny_networks_do_not_panic() {
    let empty = concept_map(&Network::default(), &[], &MapOptions::default());
    assert!(empty.labels.is_empty() && empty.eigenvalues.is_empty());
    let one = concept_map(&Network::from_masses(&["a"], &[]), &[], &MapOptions::default());
    // One concept: λ = 0, so the reference scales its unit eigenvector by 1e-4 (×3).
    assert!((one.coords[0][0] - 3e-4).abs() < 1e-15 && one.coords[0][1] == 0.0);
}

#[test]
fn partial_solver_matches_dense_solver() {
    // A sparse random network of 300 concepts, mapped densely and with Lanczos.
    let n_words = 300u32;
    let words: Vec<String> = (0..n_words).map(|k| format!("w{k}")).collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let mut state: u64 = 5;
    let mut next = |n: u32| {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((state >> 33) % u64::from(n)) as u32
    };
    let mut conns = Vec::new();
    for _ in 0..3000 {
        let (a, b) = (next(n_words), next(n_words));
        // Hub structure gives the spectrum the gaps real co-occurrence data has.
        let mass = if a < 10 || b < 10 { 8.0 } else { 1.0 + f64::from(next(100)) / 50.0 };
        conns.push((a.min(b), a.max(b), mass));
    }
    let n = Network::from_masses(&words, &conns);
    let all = MapOptions { n_concepts: 10_000, ..MapOptions::default() };
    let dense = concept_map(&n, &[], &MapOptions { dense_limit: 10_000, ..all.clone() });
    let partial = concept_map(&n, &[], &MapOptions { dense_limit: 10, ..all });
    assert_eq!(dense.spectrum, Spectrum::Full);
    assert_eq!(partial.spectrum, Spectrum::Partial);
    assert!(partial.converged);
    assert_eq!(dense.labels, partial.labels);
    for k in 0..3 {
        let (d, p) = (dense.eigenvalues[k], partial.eigenvalues[k]);
        assert!((d - p).abs() <= 1e-9 * d.abs(), "eigenvalue {k}: {d} vs {p}");
        let diff =
            (0..dense.coords.len()).map(|r| (dense.coords[r][k] - partial.coords[r][k]).abs()).fold(0.0, f64::max);
        assert!(diff < 1e-6, "axis {k} differs by {diff}");
    }
    assert!(partial.warp.is_none() && partial.variance_top3_pct.is_none());
}
