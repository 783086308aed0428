"""The ``brandmap`` command line: thin commands that compose library calls."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from brandmap import resources, settings
from brandmap.audit import audited
from brandmap.cli.options import store_location as _location
from brandmap.cli.options import store_option as _store_option
from brandmap.cli.staff import tokens_group, users_group
from brandmap.errors import BrandmapError
from brandmap.redaction import redact

__all__ = ["main"]


class _Group(click.Group):
    """Turns every :class:`BrandmapError` into one clear line and exit status 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BrandmapError as exc:
            click.echo(f"error: {redact(str(exc))}", err=True)
            sys.exit(1)


@click.group(cls=_Group)
@click.version_option(package_name="brandmap")
def main() -> None:
    """The digital brand map of Vĩnh Long province."""


main.add_command(users_group)
main.add_command(tokens_group)


@main.command()
@_store_option
@audited("build")
def build(store: str | None) -> None:
    """Validate data/ and write the store atomically (old store intact on failure).

    The products are the latest published release (data/products/ seeds the first one).
    """
    from brandmap.build.snapshot import build_store
    from brandmap.store import open_store

    target = open_store(_location(store))
    snapshot = build_store(target, catalog=_published_catalog(store))
    click.echo(
        f"built {target.location}: {len(snapshot.communes)} communes "
        f"({snapshot.meta['geometry_quality']} geometry), {len(snapshot.regions)} regions, "
        f"{len(snapshot.products)} products"
    )


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=4, show_default=True, type=click.IntRange(1, 64))
@click.option("--dev", is_flag=True, help="Flask's development server with the reloader.")
@click.option(
    "--access-log",
    metavar="FILE",
    help="Log every request to FILE ('-' for standard output). Off by default: behind a "
    "reverse proxy, the proxy's log is the access log.",
)
@_store_option
def serve(
    host: str, port: int, workers: int, dev: bool, access_log: str | None, store: str | None
) -> None:
    """Serve the map and the API (a production WSGI server unless --dev)."""
    from brandmap.service.serve import run_dev, run_production

    assets_problem = resources.map_assets_problem()
    if assets_problem:
        raise BrandmapError(assets_problem)  # the page would show no map
    location = _location(store)
    if dev:
        run_dev(location, host, port)
    else:
        run_production(location, host, port, workers, access_log)


@main.command()
@_store_option
def doctor(store: str | None) -> None:
    """Check the set-up: one line per check (ok, warn or fail); exit 1 on any fail."""
    from brandmap.service.doctor import checks

    found = checks(_location(store))
    for check in found:
        click.echo(check.line())
    if any(check.level == "fail" for check in found):
        sys.exit(1)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
def validate(file: Path, lang: str) -> None:
    """Check a product file (CSV/XLSX/GeoJSON); one line per problem, exit 1 if any."""
    from brandmap.catalog.product_file import has_errors, validate_file

    problems = validate_file(file)
    for problem in problems:
        click.echo(problem.format(lang))
    if has_errors(problems):
        sys.exit(1)
    click.echo("OK" if lang == "en" else "Hợp lệ", err=True)


@main.command(name="resolve")
@click.argument("addresses", nargs=-1)
@click.option(
    "--csv",
    "csv_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read addresses from the first column of a CSV file (header row skipped).",
)
def resolve_command(addresses: tuple[str, ...], csv_file: Path | None) -> None:
    """Resolve published (old) addresses to 2025 communes; one JSON object per line."""
    from brandmap.catalog.resolve import resolve

    inputs = list(addresses) + (_csv_addresses(csv_file) if csv_file else [])
    if not inputs:
        raise click.UsageError("give at least one ADDRESS or --csv FILE")
    for address in inputs:
        click.echo(json.dumps(resolve(address).to_dict(), ensure_ascii=False))


def _csv_addresses(path: Path) -> list[str]:
    import csv

    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return [row[0] for row in rows[1:] if row and row[0].strip()]


@main.group(name="import", cls=_Group)
def import_group() -> None:
    """Load new data into the store (all-or-nothing)."""


@import_group.command(name="boundaries")
@click.argument("file", type=click.Path(exists=True, path_type=Path))
@click.option("--layer", default=None, help="Layer name in a multi-layer file.")
@click.option("--code-field", default=None, help="Field holding the 5-digit 2025 commune code.")
@_store_option
@audited("import boundaries")
def import_boundaries(
    file: Path, layer: str | None, code_field: str | None, store: str | None
) -> None:
    """Load real 2025 commune polygons from any OGR-readable file, then rebuild the store."""
    from brandmap.geo.boundary_file import read_boundary_file

    communes, report = read_boundary_file(file, layer=layer, code_field=code_field)
    for line in report.lines():
        click.echo(line)
    _replace_boundaries(communes, store)


@main.group(name="fetch", cls=_Group)
def fetch_group() -> None:
    """Download pinned public data."""


@fetch_group.command(name="boundaries")
@click.option(
    "--url", default=None, help="Base URL replacing the pinned repository commit (file:// allowed)."
)
@_store_option
@audited("fetch boundaries")
def fetch_boundaries_command(url: str | None, store: str | None) -> None:
    """Download the 2025 commune polygons (checksum-verified) and rebuild the store."""
    from brandmap.geo.fetch import fetch_boundaries

    communes = fetch_boundaries(url or settings.get("boundaries_url"))
    click.echo(f"fetched and verified {len(communes)} commune boundaries")
    _replace_boundaries(communes, store)


def _replace_boundaries(communes, store: str | None) -> None:
    """Build with the new polygons first; keep them only if the whole build succeeds."""
    from brandmap.build.snapshot import build_snapshot
    from brandmap.geo.boundaries import save_real_boundaries
    from brandmap.store import open_store

    target = open_store(_location(store))
    snapshot = build_snapshot(communes=communes, catalog=_published_catalog(store))
    target.write(snapshot)
    save_real_boundaries(communes, settings.real_boundaries_path())
    click.echo(f"store rebuilt: {target.location} ({snapshot.meta['geometry_quality']} geometry)")


def _published_catalog(store: str | None) -> list[dict]:
    """The rows of the latest release in the editorial records beside the store."""
    from brandmap.editorial import open_records
    from brandmap.editorial.releases import latest_release

    return list(latest_release(open_records(_location(store)))[1].values())


@main.command()
@click.option(
    "--layer",
    type=click.Choice(["products", "communes", "regions"]),
    default="products",
    show_default=True,
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["geojson", "gpkg", "shp", "csv", "kml"]),
    default="geojson",
    show_default=True,
)
@click.option(
    "--crs",
    default="EPSG:4326",
    show_default=True,
    help="EPSG:4326, EPSG:9209 (VN-2000 TM-3 105°30′) or EPSG:9210 (105°45′).",
)
@click.option(
    "--filter",
    "filters",
    multiple=True,
    metavar="NAME=VALUE",
    help="A product filter as in the API, e.g. --filter min_stars=4 (repeatable).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Output file (default: a descriptive name in the current folder).",
)
@_store_option
def export(
    layer: str, fmt: str, crs: str, filters: tuple[str, ...], output: Path | None, store: str | None
) -> None:
    """Write a layer as a file for the provincial GIS."""
    from brandmap.present.dataset import Dataset
    from brandmap.present.export import export_layer
    from brandmap.store import open_store

    dataset = Dataset(open_store(_location(store)).read())
    frame = dataset.export_frame(layer, _filter_params(filters))
    result = export_layer(frame, fmt, crs, layer_name=layer, meta=dataset.export_meta)
    target = output or Path(result.filename)
    target.write_bytes(result.content)
    click.echo(f"wrote {target} ({len(frame)} features, {crs})")


def _filter_params(filters: tuple[str, ...]) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for item in filters:
        name, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r} is not NAME=VALUE", param_hint="--filter")
        params.setdefault(name.strip(), []).append(value.strip())
    return params


@import_group.command(name="products")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_store_option
@audited("import products")
def import_products_command(file: Path, store: str | None) -> None:
    """Validate a product file, then merge it into the store by id (all-or-nothing)."""
    from brandmap.build.importing import import_products
    from brandmap.store import open_store

    report = import_products(open_store(_location(store)), file)
    click.echo(", ".join(f"{len(ids)} {kind}" for kind, ids in report.items()))
