//! Zones read from a GeoJSON FeatureCollection: each feature a Polygon
//! (de-escalation or security zone) or a LineString (separation line) with
//! `id`, `name`, `kind`, `valid_from` and optionally `valid_to` among its
//! properties. What the zones may hold is `AgreementSpec`'s validation.

use serde_json::Value;
use truce_model::{Handle, Zone, ZoneGeometry, ZoneKind};

use crate::RegimeError;

/// Reads the zones of a GeoJSON FeatureCollection; an error names the
/// feature (`features[i]`) and the member at fault.
pub fn zones_from_geojson(text: &str) -> Result<Vec<Zone>, RegimeError> {
    let collection: Value = serde_json::from_str(text).map_err(|e| RegimeError::Zones {
        field: "document".into(),
        reason: format!("not JSON: {e}"),
    })?;
    let features = collection["features"]
        .as_array()
        .ok_or_else(|| RegimeError::Zones {
            field: "document".into(),
            reason: "not a GeoJSON FeatureCollection".into(),
        })?;
    features
        .iter()
        .enumerate()
        .map(|(i, feature)| {
            zone_of(feature).map_err(|(member, reason)| RegimeError::Zones {
                field: format!("features[{i}].{member}"),
                reason,
            })
        })
        .collect()
}

fn zone_of(feature: &Value) -> Result<Zone, (String, String)> {
    let properties = &feature["properties"];
    let text = |name: &str| -> Result<String, (String, String)> {
        properties[name]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| (format!("properties.{name}"), "is missing".into()))
    };
    let day = |name: &str, value: String| {
        value
            .parse()
            .map_err(|e| (format!("properties.{name}"), format!("not a day: {e}")))
    };
    let geometry = &feature["geometry"];
    let coordinates = geometry["coordinates"].clone();
    let shape = |e: serde_json::Error| ("geometry.coordinates".to_string(), e.to_string());
    let geometry = match geometry["type"].as_str() {
        Some("Polygon") => {
            ZoneGeometry::Polygon(serde_json::from_value(coordinates).map_err(shape)?)
        }
        Some("LineString") => {
            ZoneGeometry::Line(serde_json::from_value(coordinates).map_err(shape)?)
        }
        other => {
            return Err((
                "geometry.type".into(),
                format!("{other:?}: Polygon or LineString"),
            ))
        }
    };
    let kind: ZoneKind = serde_json::from_value(Value::String(text("kind")?)).map_err(|_| {
        (
            "properties.kind".to_string(),
            "de_escalation, security or separation_line".to_string(),
        )
    })?;
    Ok(Zone {
        id: Handle::new(text("id")?).map_err(|e| ("properties.id".to_string(), e.to_string()))?,
        name: text("name")?,
        kind,
        geometry,
        valid_from: day("valid_from", text("valid_from")?)?,
        valid_to: match properties["valid_to"].as_str() {
            Some(to) => Some(day("valid_to", to.to_string())?),
            None => None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_polygon_and_a_line_are_read_and_errors_name_the_feature() {
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"id":"idlib-dez","name":"Idlib","kind":"de_escalation","valid_from":"2026-01-01"},
           "geometry":{"type":"Polygon","coordinates":[[[36.0,35.5],[37.0,35.5],[37.0,36.5],[36.0,35.5]]]}},
          {"type":"Feature","properties":{"id":"m4","name":"M4","kind":"separation_line","valid_from":"2026-01-01","valid_to":"2026-12-31"},
           "geometry":{"type":"LineString","coordinates":[[36.0,35.7],[37.0,35.8]]}}]}"#;
        let zones = zones_from_geojson(text).unwrap();
        assert_eq!(zones.len(), 2);
        assert!(matches!(zones[1].geometry, ZoneGeometry::Line(_)));
        let wrong = text.replace("LineString", "Point");
        let error = zones_from_geojson(&wrong).unwrap_err().to_string();
        assert!(error.contains("features[1].geometry.type"), "{error}");
        assert!(zones_from_geojson("[]").is_err());
    }
}
