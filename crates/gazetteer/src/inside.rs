//! Where a point lies relative to a governorate's boundary, with the
//! boundary's edges sorted into horizontal bands so that a test reads only
//! the edges of the point's band instead of every edge.
//!
//! The answer is the one `geo`'s `CoordinatePosition` gives, to the bit: its
//! winding-number test counts an edge only where the edge's latitude range
//! holds the point's, and every such edge is in the point's band (the band
//! of a latitude is a monotone function of it, so an edge from `a` to `b`
//! is filed in every band from `a`'s to `b`'s). Rings, polygons and the
//! multipolygon combine their answers as `geo` does, boundary counted by
//! the mod-2 rule.

use geo::coordinate_position::CoordPos;
use geo::{Coord, GeoNum, Kernel, LineString, MultiPolygon, Orientation};

/// Bands per ring: a boundary of a few thousand points gives bands of a few
/// dozen edges.
const BANDS: usize = 64;

/// A ring's edges, filed by band of latitude.
#[derive(Debug, Clone)]
struct Ring {
    south: f64,
    north: f64,
    band_height: f64,
    bands: Vec<Vec<(Coord<f64>, Coord<f64>)>>,
}

impl Ring {
    fn new(ring: &LineString<f64>) -> Self {
        let (south, north) = ring
            .0
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(s, n), c| {
                (s.min(c.y), n.max(c.y))
            });
        let band_height = ((north - south) / BANDS as f64).max(f64::MIN_POSITIVE);
        let mut bands = vec![Vec::new(); if ring.0.is_empty() { 0 } else { BANDS }];
        let mut filed = Ring {
            south,
            north,
            band_height,
            bands: Vec::new(),
        };
        for line in ring.lines() {
            let (low, high) = (line.start.y.min(line.end.y), line.start.y.max(line.end.y));
            for band in &mut bands[filed.band(low)..=filed.band(high)] {
                band.push((line.start, line.end));
            }
        }
        filed.bands = bands;
        filed
    }

    /// The band of a latitude within the ring's range.
    fn band(&self, y: f64) -> usize {
        (((y - self.south) / self.band_height) as usize).min(BANDS - 1)
    }

    /// `geo::coordinate_position::coord_pos_relative_to_ring`, over the
    /// edges of the point's band.
    fn position(&self, coord: Coord<f64>) -> CoordPos {
        // Outside the ring's latitudes no edge counts (and NaN is in none).
        if self.bands.is_empty() || !(self.south <= coord.y && coord.y <= self.north) {
            return CoordPos::Outside;
        }
        let mut winding = 0i32;
        for &(start, end) in &self.bands[self.band(coord.y)] {
            if start.y <= coord.y {
                if end.y >= coord.y {
                    let o = <f64 as GeoNum>::Ker::orient2d(start, end, coord);
                    if o == Orientation::CounterClockwise && end.y != coord.y {
                        winding += 1;
                    } else if o == Orientation::Collinear && between(coord.x, start.x, end.x) {
                        return CoordPos::OnBoundary;
                    }
                }
            } else if end.y <= coord.y {
                let o = <f64 as GeoNum>::Ker::orient2d(start, end, coord);
                if o == Orientation::Clockwise {
                    winding -= 1;
                } else if o == Orientation::Collinear && between(coord.x, start.x, end.x) {
                    return CoordPos::OnBoundary;
                }
            }
        }
        if winding == 0 {
            CoordPos::Outside
        } else {
            CoordPos::Inside
        }
    }
}

fn between(x: f64, a: f64, b: f64) -> bool {
    (a <= x && x <= b) || (b <= x && x <= a)
}

/// One governorate's boundary, banded.
#[derive(Debug, Clone)]
pub(crate) struct Boundary {
    /// Each polygon's exterior, then its holes.
    polygons: Vec<(Ring, Vec<Ring>)>,
}

impl Boundary {
    pub(crate) fn new(boundary: &MultiPolygon<f64>) -> Self {
        Self {
            polygons: boundary
                .0
                .iter()
                .filter(|p| !p.exterior().0.is_empty())
                .map(|p| {
                    (
                        Ring::new(p.exterior()),
                        p.interiors().iter().map(Ring::new).collect(),
                    )
                })
                .collect(),
        }
    }

    /// Where `coord` lies: inside, on the boundary or outside.
    pub(crate) fn position(&self, coord: Coord<f64>) -> CoordPos {
        let mut inside = false;
        let mut on_boundary = 0usize;
        for (exterior, holes) in &self.polygons {
            match exterior.position(coord) {
                CoordPos::Outside => {}
                CoordPos::OnBoundary => on_boundary += 1,
                CoordPos::Inside => {
                    let mut in_hole = false;
                    for hole in holes {
                        match hole.position(coord) {
                            CoordPos::Outside => continue,
                            CoordPos::OnBoundary => on_boundary += 1,
                            CoordPos::Inside => {}
                        }
                        in_hole = true;
                        break;
                    }
                    inside |= !in_hole;
                }
            }
        }
        if on_boundary % 2 == 1 {
            CoordPos::OnBoundary
        } else if inside {
            CoordPos::Inside
        } else {
            CoordPos::Outside
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::CoordinatePosition;

    /// A square with a square hole, and a triangle beside it.
    fn shapes() -> MultiPolygon<f64> {
        let square = LineString::from(vec![
            (0.0, 0.0),
            (4.0, 0.0),
            (4.0, 4.0),
            (0.0, 4.0),
            (0.0, 0.0),
        ]);
        let hole = LineString::from(vec![
            (1.0, 1.0),
            (2.0, 1.0),
            (2.0, 2.0),
            (1.0, 2.0),
            (1.0, 1.0),
        ]);
        let triangle = LineString::from(vec![(5.0, 0.0), (7.0, 0.0), (6.0, 3.0), (5.0, 0.0)]);
        MultiPolygon(vec![
            geo::Polygon::new(square, vec![hole]),
            geo::Polygon::new(triangle, vec![]),
        ])
    }

    #[test]
    fn agrees_with_geo_on_a_grid_through_vertices_edges_and_holes() {
        let shapes = shapes();
        let banded = Boundary::new(&shapes);
        for i in -4..=32 {
            for j in -4..=20 {
                let coord = Coord {
                    x: f64::from(i) * 0.25,
                    y: f64::from(j) * 0.25,
                };
                assert_eq!(
                    banded.position(coord),
                    shapes.coordinate_position(&coord),
                    "{coord:?}"
                );
            }
        }
    }
}
