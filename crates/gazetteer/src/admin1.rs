//! Reading the admin-1 GeoJSON: one Feature per governorate, with `code`, `name`,
//! optional `name_ar`, `name_ru`, `name_tr` and `name_fa`, and a Polygon or
//! MultiPolygon in lon/lat.

use geo::{Coord, LineString, MultiPolygon, Polygon};
use geojson::{Feature, GeoJson, GeometryValue, Position};

use crate::{GazetteerError, Governorate};

/// Parses and checks every feature; variants are filled in later from variants.tsv.
pub(crate) fn parse(text: &str) -> Result<Vec<Governorate>, GazetteerError> {
    let geojson: GeoJson = text
        .parse()
        .map_err(|e: geojson::Error| GazetteerError::Admin1 {
            reason: e.to_string(),
        })?;
    let GeoJson::FeatureCollection(collection) = geojson else {
        return Err(GazetteerError::Admin1 {
            reason: "the top level must be a FeatureCollection".into(),
        });
    };
    if collection.features.is_empty() {
        return Err(GazetteerError::Admin1 {
            reason: "the FeatureCollection has no features".into(),
        });
    }
    let mut out: Vec<Governorate> = Vec::with_capacity(collection.features.len());
    for (index, feature) in collection.features.iter().enumerate() {
        let governorate =
            parse_feature(feature).map_err(|reason| GazetteerError::Admin1Feature {
                index,
                code: string_property(feature, "code").map(str::to_string),
                reason,
            })?;
        if out.iter().any(|g| g.code == governorate.code) {
            return Err(GazetteerError::Admin1Feature {
                index,
                code: Some(governorate.code),
                reason: "this code is already used by an earlier feature".into(),
            });
        }
        out.push(governorate);
    }
    Ok(out)
}

fn string_property<'a>(feature: &'a Feature, key: &str) -> Option<&'a str> {
    feature.property(key).and_then(|v| v.as_str())
}

fn required_property(feature: &Feature, key: &str) -> Result<String, String> {
    match string_property(feature, key).map(str::trim) {
        Some(s) if !s.is_empty() => Ok(s.to_string()),
        _ => Err(format!("property `{key}` must be a non-empty string")),
    }
}

fn parse_feature(feature: &Feature) -> Result<Governorate, String> {
    let code = required_property(feature, "code")?;
    let name = required_property(feature, "name")?;
    let other_name = |key: &str| {
        string_property(feature, key)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let (name_ar, name_ru, name_tr, name_fa) = (
        other_name("name_ar"),
        other_name("name_ru"),
        other_name("name_tr"),
        other_name("name_fa"),
    );
    let geometry = feature
        .geometry
        .as_ref()
        .ok_or_else(|| "the feature has no geometry".to_string())?;
    let boundary = match &geometry.value {
        GeometryValue::Polygon { coordinates } => MultiPolygon(vec![polygon(coordinates)?]),
        GeometryValue::MultiPolygon { coordinates } => MultiPolygon(
            coordinates
                .iter()
                .map(|p| polygon(p))
                .collect::<Result<_, _>>()?,
        ),
        other => {
            return Err(format!(
                "geometry must be a Polygon or MultiPolygon, not {}",
                other.type_name()
            ))
        }
    };
    if boundary.0.is_empty() {
        return Err("the MultiPolygon has no polygons".into());
    }
    Ok(Governorate {
        code,
        name,
        name_ar,
        name_ru,
        name_tr,
        name_fa,
        variants: Vec::new(),
        boundary,
    })
}

fn polygon(rings: &[Vec<Position>]) -> Result<Polygon<f64>, String> {
    let mut rings = rings.iter().enumerate().map(|(i, r)| ring(i, r));
    let exterior = rings
        .next()
        .ok_or_else(|| "a polygon has no rings".to_string())??;
    let interiors = rings.collect::<Result<Vec<_>, _>>()?;
    Ok(Polygon::new(exterior, interiors))
}

/// A closed ring of at least four lon/lat positions (RFC 7946 §3.1.6).
fn ring(index: usize, positions: &[Position]) -> Result<LineString<f64>, String> {
    if positions.len() < 4 {
        return Err(format!(
            "ring {index} has {} positions; a closed ring needs at least 4",
            positions.len()
        ));
    }
    let coords = positions
        .iter()
        .map(coord)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("ring {index}: {e}"))?;
    if coords.first() != coords.last() {
        return Err(format!("ring {index} is not closed"));
    }
    Ok(LineString(coords))
}

fn coord(position: &Position) -> Result<Coord<f64>, String> {
    let p = position.as_slice();
    let [lon, lat, ..] = p else {
        return Err(format!("position {p:?} needs longitude and latitude"));
    };
    // NaN fails both range checks.
    let in_range = (-180.0..=180.0).contains(lon) && (-90.0..=90.0).contains(lat);
    if !in_range {
        return Err(format!(
            "position [{lon}, {lat}] is not a longitude/latitude"
        ));
    }
    Ok(Coord { x: *lon, y: *lat })
}
