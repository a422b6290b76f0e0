//! Reading places.tsv and variants.tsv: tab-separated, `#` comment lines, a
//! header line naming the columns (so columns may come in any order).

use std::collections::HashMap;

use crate::names::{self, Kind};
use crate::{GazetteerError, Governorate, Place};

const PLACES: &str = "places.tsv";
const VARIANTS: &str = "variants.tsv";

/// A data line: its one-based line number and its fields.
struct Row<'a> {
    line: usize,
    fields: Vec<&'a str>,
}

struct Table<'a> {
    file: &'static str,
    columns: Vec<&'a str>,
    rows: Vec<Row<'a>>,
}

impl<'a> Table<'a> {
    fn read(file: &'static str, text: &'a str) -> Result<Self, GazetteerError> {
        let mut lines = text
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
            .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'));
        let Some((header_line, header)) = lines.next() else {
            return Err(tsv_error(file, 1, "no header line"));
        };
        let columns: Vec<&str> = header.split('\t').map(str::trim).collect();
        let mut rows = Vec::new();
        for (line, l) in lines {
            let fields: Vec<&str> = l.split('\t').map(str::trim).collect();
            if fields.len() != columns.len() {
                return Err(tsv_error(
                    file,
                    line,
                    format!(
                        "{} fields, but the header (line {header_line}) names {} columns",
                        fields.len(),
                        columns.len()
                    ),
                ));
            }
            rows.push(Row { line, fields });
        }
        Ok(Table {
            file,
            columns,
            rows,
        })
    }

    /// Index of a column the file must have.
    fn column(&self, name: &str) -> Result<usize, GazetteerError> {
        self.optional_column(name)
            .ok_or_else(|| tsv_error(self.file, 1, format!("the header has no `{name}` column")))
    }

    fn optional_column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| *c == name)
    }
}

fn tsv_error(file: &'static str, line: usize, reason: impl Into<String>) -> GazetteerError {
    GazetteerError::Tsv {
        file,
        line,
        reason: reason.into(),
    }
}

// ------------------------------------------------------------------ places.tsv

/// Parses places.tsv. Required columns: name, latitude, longitude, governorate;
/// optional: geonameid, population, district, alternatenames_ar; others are ignored.
pub(crate) fn parse_places(
    text: &str,
    governorates: &[Governorate],
) -> Result<Vec<Place>, GazetteerError> {
    let table = Table::read(PLACES, text)?;
    let cols = PlaceColumns {
        name: table.column("name")?,
        lat: table.column("latitude")?,
        lon: table.column("longitude")?,
        governorate: table.column("governorate")?,
        geonameid: table.optional_column("geonameid"),
        population: table.optional_column("population"),
        district: table.optional_column("district"),
        alternates: table.optional_column("alternatenames_ar"),
    };
    table
        .rows
        .iter()
        .map(|row| {
            parse_place(row, &cols, governorates).map_err(|r| tsv_error(PLACES, row.line, r))
        })
        .collect()
}

struct PlaceColumns {
    name: usize,
    lat: usize,
    lon: usize,
    governorate: usize,
    geonameid: Option<usize>,
    population: Option<usize>,
    district: Option<usize>,
    alternates: Option<usize>,
}

fn parse_place(
    row: &Row,
    cols: &PlaceColumns,
    governorates: &[Governorate],
) -> Result<Place, String> {
    let field = |i: usize| row.fields[i];
    let optional = |i: Option<usize>| i.map(field).filter(|s| !s.is_empty());
    let name = field(cols.name);
    if name.is_empty() {
        return Err("empty name".into());
    }
    let lat = coordinate(field(cols.lat), "latitude", 90.0)?;
    let lon = coordinate(field(cols.lon), "longitude", 180.0)?;
    let governorate = field(cols.governorate);
    if !governorates.iter().any(|g| g.code == governorate) {
        return Err(format!(
            "governorate `{governorate}` is not in admin1.geojson"
        ));
    }
    let number = |i: Option<usize>, what: &str| {
        optional(i)
            .map(|s| {
                s.parse::<u64>()
                    .map_err(|_| format!("{what} `{s}` is not a whole number"))
            })
            .transpose()
    };
    Ok(Place {
        name: name.to_string(),
        variants: optional(cols.alternates)
            .map(|s| {
                s.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default(),
        lat,
        lon,
        governorate: governorate.to_string(),
        district: optional(cols.district).map(String::from),
        geonameid: number(cols.geonameid, "geonameid")?,
        population: number(cols.population, "population")?,
    })
}

fn coordinate(s: &str, what: &str, limit: f64) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() <= limit => Ok(v),
        _ => Err(format!(
            "{what} `{s}` is not a number between -{limit} and {limit}"
        )),
    }
}

// ------------------------------------------------------------------ variants.tsv

/// What variants.tsv says beyond spellings: per place, whether free-text search
/// needs it capitalised, or skips it.
#[derive(Default)]
pub(crate) struct PlaceFlags {
    pub common_word: Vec<bool>,
    pub not_in_text: Vec<bool>,
}

/// Applies variants.tsv: adds spellings to governorates and places, records the
/// place flags, and extends `governorate_keys`, refusing a spelling that would
/// name two governorates.
pub(crate) fn apply_variants(
    text: &str,
    governorates: &mut [Governorate],
    places: &mut [Place],
    governorate_keys: &mut HashMap<String, usize>,
) -> Result<PlaceFlags, GazetteerError> {
    let table = Table::read(VARIANTS, text)?;
    let cols = [
        table.column("kind")?,
        table.column("governorate")?,
        table.column("target")?,
        table.column("variant")?,
    ];
    let mut flags = PlaceFlags {
        common_word: vec![false; places.len()],
        not_in_text: vec![false; places.len()],
    };
    // The places by governorate and folded name, folded once: a row asks
    // for its place by a name folded the same way.
    let mut by_name: HashMap<(String, String), Vec<usize>> = HashMap::new();
    for (i, place) in places.iter().enumerate() {
        by_name
            .entry((
                place.governorate.clone(),
                names::key(&place.name, Kind::Place),
            ))
            .or_default()
            .push(i);
    }
    for row in &table.rows {
        let [kind, code, target, variant] = cols.map(|i| row.fields[i]);
        let err = |reason: String| tsv_error(VARIANTS, row.line, reason);
        let gov = governorates
            .iter()
            .position(|g| g.code == code)
            .ok_or_else(|| err(format!("governorate `{code}` is not in admin1.geojson")))?;
        match kind {
            "governorate" => {
                if !target.is_empty() {
                    return Err(err("a governorate row leaves `target` empty".into()));
                }
                add_governorate_variant(gov, variant, governorates, governorate_keys)
                    .map_err(err)?;
            }
            "place" | "common-word" | "not-in-text" => {
                let place = find_place(&by_name, code, target).map_err(err)?;
                match kind {
                    "place" if variant.is_empty() => return Err(err("empty variant".into())),
                    "place" => places[place].variants.push(variant.to_string()),
                    _ if !variant.is_empty() => {
                        return Err(err(format!("a {kind} row leaves `variant` empty")))
                    }
                    "common-word" => flags.common_word[place] = true,
                    _ => flags.not_in_text[place] = true,
                }
            }
            other => {
                return Err(err(format!(
                    "unknown kind `{other}` (governorate, place, common-word, not-in-text)"
                )))
            }
        }
    }
    Ok(flags)
}

fn add_governorate_variant(
    gov: usize,
    variant: &str,
    governorates: &mut [Governorate],
    governorate_keys: &mut HashMap<String, usize>,
) -> Result<(), String> {
    if variant.is_empty() {
        return Err("empty variant".into());
    }
    let key = names::key(variant, Kind::Governorate);
    match governorate_keys.insert(key, gov) {
        Some(other) if other != gov => Err(format!(
            "`{variant}` would also name {} ({})",
            governorates[other].code, governorates[other].name
        )),
        _ => {
            governorates[gov].variants.push(variant.to_string());
            Ok(())
        }
    }
}

/// The one place of governorate `code` whose name folds like `target`.
fn find_place(
    by_name: &HashMap<(String, String), Vec<usize>>,
    code: &str,
    target: &str,
) -> Result<usize, String> {
    if target.is_empty() {
        return Err("a place row names its place in `target`".into());
    }
    let want = names::key(target, Kind::Place);
    match by_name.get(&(code.to_string(), want)).map(Vec::as_slice) {
        Some(&[i]) => Ok(i),
        None | Some(&[]) => Err(format!("no place named `{target}` in {code} in places.tsv")),
        Some(_) => Err(format!("`{target}` names several places in {code}")),
    }
}
