//! The label rule of the map and its figures: labels are placed heaviest concept first, each
//! right of its point, and a label is left out where it would overlap one already placed, a
//! guide (legend, axis label, gizmo) or the edge of the drawing.

/// An axis-aligned rectangle, `min` to `max` (y down, as on screens and in SVG).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    /// Top-left corner.
    pub min: [f32; 2],
    /// Bottom-right corner.
    pub max: [f32; 2],
}

impl Rect {
    /// The rectangle at `min` of `size`.
    pub fn at(min: [f32; 2], size: [f32; 2]) -> Self {
        Self { min, max: [min[0] + size[0], min[1] + size[1]] }
    }

    /// Whether the two overlap (touching edges do not).
    pub fn intersects(&self, other: &Self) -> bool {
        self.min[0] < other.max[0]
            && other.min[0] < self.max[0]
            && self.min[1] < other.max[1]
            && other.min[1] < self.max[1]
    }

    /// Whether `other` lies inside this one.
    pub fn contains(&self, other: &Self) -> bool {
        other.min[0] >= self.min[0]
            && other.min[1] >= self.min[1]
            && other.max[0] <= self.max[0]
            && other.max[1] <= self.max[1]
    }
}

/// Which labels to draw: `order` lists candidates (heaviest first), `rect` gives each
/// candidate's label rectangle, `bounds` the drawing and `placed` what is already there
/// (guides). Returns the drawn candidates in order; `placed` gains their rectangles.
pub fn place(order: &[usize], rect: impl Fn(usize) -> Rect, bounds: Rect, placed: &mut Vec<Rect>) -> Vec<usize> {
    let mut drawn = Vec::new();
    for &i in order {
        let r = rect(i);
        if bounds.contains(&r) && placed.iter().all(|p| !p.intersects(&r)) {
            placed.push(r);
            drawn.push(i);
        }
    }
    drawn
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heavier_labels_win_and_guides_block() {
        let bounds = Rect::at([0.0, 0.0], [100.0, 100.0]);
        let rects = [
            Rect::at([10.0, 10.0], [30.0, 10.0]),
            Rect::at([20.0, 15.0], [30.0, 10.0]),
            Rect::at([80.0, 80.0], [30.0, 10.0]),
            Rect::at([50.0, 50.0], [10.0, 10.0]),
        ];
        let mut placed = vec![Rect::at([45.0, 45.0], [20.0, 20.0])];
        let drawn = place(&[0, 1, 2, 3], |i| rects[i], bounds, &mut placed);
        // 1 overlaps 0, 2 leaves the drawing, 3 sits under a guide.
        assert_eq!(drawn, vec![0]);
        assert_eq!(placed.len(), 2);
    }
}
