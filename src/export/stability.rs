//! An ensemble's per-concept stability as one CSV table (a row per concept): mass mean and
//! 95% interval, top-N frequency, mean aligned position and its covariance, and its 95%
//! ellipse — columns R, pandas and spreadsheets read directly. Positions, covariances and
//! ellipses are in the ensemble's aligned frame (the app turns them onto the map it shows).

use crate::analysis::stability::{ConceptStability, ellipse_95};
use crate::export::text::{csv as field, num};

/// The table's header.
pub const HEADER: &str = "concept,mass_mean,mass_low_95,mass_high_95,top_frequency,mapped,x_mean,y_mean,z_mean,\
var_x,cov_xy,var_y,var_z,ellipse_major_95,ellipse_minor_95,ellipse_angle_rad";

/// The CSV text of `concepts` (empty cells where a concept has no position or covariance).
pub fn csv(concepts: &[ConceptStability]) -> String {
    let mut out = String::from(HEADER);
    out.push('\n');
    for c in concepts {
        let mut cells = vec![
            field(&c.concept),
            num(c.mass_mean),
            num(c.mass_low),
            num(c.mass_high),
            num(c.top_frequency),
            c.mapped.to_string(),
        ];
        match c.position_mean {
            Some(m) => cells.extend(m.iter().map(|&v| num(v))),
            None => cells.extend(std::iter::repeat_n(String::new(), 3)),
        }
        match &c.position_cov {
            Some(cov) => {
                let (major, minor, angle) = ellipse_95(cov);
                cells.extend([cov[0][0], cov[0][1], cov[1][1], cov[2][2], major, minor, angle].map(num));
            }
            None => cells.extend(std::iter::repeat_n(String::new(), 7)),
        }
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_per_concept_with_empty_cells_where_unmapped() {
        let c = |concept: &str, cov: Option<[[f64; 3]; 3]>| ConceptStability {
            concept: concept.to_owned(),
            mass_mean: 1.5,
            mass_low: 1.0,
            mass_high: 2.0,
            top_frequency: 0.5,
            mapped: usize::from(cov.is_some()) * 2,
            position_mean: cov.map(|_| [0.1, 0.2, 0.3]),
            position_cov: cov,
        };
        let text = csv(&[c("a,b", Some([[4.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.5]])), c("x", None)]);
        let rows: Vec<&str> = text.lines().collect();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].split(',').count(), 16);
        assert!(rows[1].starts_with("\"a,b\",1.5,1,2,0.5,2,0.1,0.2,0.3,4,0,1,0.5,"), "{}", rows[1]);
        assert_eq!(rows[2], "x,1.5,1,2,0.5,0,,,,,,,,,,");
    }
}
