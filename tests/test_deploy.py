"""The deployment in deploy/, run for real: nginx with the site file in front of
``brandmap serve`` started as the systemd unit starts it, all on loopback ports.

nginx runs as a private instance (its own prefix, configuration, pid, logs, temp and cache
folders under the test's temporary folder, in the foreground); the site file and the
unit are copied with only their ports and paths changed, so what is tested is what an
operator installs.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from brandmap.resources import REPO_ROOT

DEPLOY = REPO_ROOT / "deploy"
UNIT = DEPLOY / "brandmap.service"
SITE = DEPLOY / "nginx" / "brandmap.conf"
PROXY = DEPLOY / "nginx" / "brandmap-proxy.conf"
NGINX = Path("/usr/sbin/nginx")
PUBLIC_HOST = "map.vinhlong.gov.vn"
START_SECONDS = 60
TIMEOUT_SECONDS = 10


def _missing(what: str) -> None:
    """Skip on a developer machine without it; in CI (which installs it) fail instead."""
    (pytest.fail if os.environ.get("CI") == "true" else pytest.skip)(f"{what} is not installed")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    """Until ``port`` accepts connections: at most START_SECONDS, in steps of 0.1 s."""
    deadline = time.monotonic() + START_SECONDS
    for _ in range(START_SECONDS * 10):
        if process.poll() is not None:
            raise AssertionError(f"exited with {process.returncode}: {log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                break
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port}: {log.read_text()[-2000:]}")


def _stop(process: subprocess.Popen, stop_signal: int) -> None:
    if process.poll() is None:
        process.send_signal(stop_signal)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# --------------------------------------------------------------------------- the unit


def unit_settings(text: str) -> dict[str, list[str]]:
    """``Key=value`` lines of a unit file, in order (comments and sections left out)."""
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line and line[0] not in "#;[" and "=" in line:
            key, _, value = line.partition("=")
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def _unit_environment() -> dict[str, str]:
    return dict(value.split("=", 1) for value in unit_settings(UNIT.read_text())["Environment"])


def _replace(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` replaced; fails when ``old`` is gone (the copy must track
    the deploy/ file, not silently test something else)."""
    assert old in text, f"{old!r} not found: update tests/test_deploy.py with deploy/"
    return text.replace(old, new)


def test_unit_runs_the_service_as_the_brief_says():
    unit = unit_settings(UNIT.read_text())
    assert unit["Restart"] == ["on-failure"]
    assert unit["User"] == ["brandmap"] and unit["Group"] == ["brandmap"]
    environment = _unit_environment()
    assert environment["BRANDMAP_PROXIES"] == "1"
    assert environment["BRANDMAP_VAR_DIR"] == "/var/lib/brandmap"
    assert environment["BRANDMAP_STORE"].startswith("/var/lib/brandmap/")
    (command,) = unit["ExecStart"]
    assert re.fullmatch(r"/\S+/bin/brandmap serve --host 127\.0\.0\.1 --port 5000 .*", command)
    assert unit["WantedBy"] == ["multi-user.target"]
    assert "brandmap" in (DEPLOY / "sysusers.conf").read_text().split()


def test_unit_passes_systemd_analyze_verify(tmp_path):
    """systemd's own check, on a copy whose program path exists on this machine."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (the structural test above still runs)")
    brandmap = Path(sys.executable).parent / "brandmap"
    copy = tmp_path / "brandmap.service"
    text = _replace(UNIT.read_text(), "/opt/brandmap/.venv/bin/brandmap", str(brandmap))
    copy.write_text(
        _replace(text, "WorkingDirectory=/opt/brandmap", f"WorkingDirectory={REPO_ROOT}")
    )
    result = subprocess.run(
        [analyze, "verify", "--man=no", str(copy)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    problems = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if "brandmap.service" in line and "Failed to" not in line.partition(":")[0]
    ]
    assert result.returncode == 0 and not problems, result.stdout + result.stderr


# --------------------------------------------------------------------------- the stack


@dataclass(frozen=True)
class Stack:
    http_port: int
    https_port: int
    backend_port: int
    access_log: Path


def _site_files(folder: Path, ports: dict[str, int], certificate: tuple[Path, Path]) -> Path:
    """The site file and its snippet with test ports and paths; the TLS placeholder server
    switched on with a throwaway certificate."""
    proxy = _replace(
        PROXY.read_text(), "/var/log/nginx/brandmap.access.log", str(folder / "access.log")
    )
    (folder / "brandmap-proxy.conf").write_text(proxy)
    site = SITE.read_text()
    site = re.sub(r"(?m)^#(server \{|    .*|\})$", r"\1", site)  # the TLS server, uncommented
    for old, new in (
        ("server 127.0.0.1:5000;", f"server 127.0.0.1:{ports['backend']};"),
        ("listen 80;", f"listen 127.0.0.1:{ports['http']};"),
        ("listen [::]:80;", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{ports['https']} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("/var/cache/nginx/brandmap", str(folder / "cache")),
        ("include snippets/brandmap-proxy.conf;", f"include {folder / 'brandmap-proxy.conf'};"),
        ("/etc/ssl/brandmap/fullchain.pem", str(certificate[0])),
        ("/etc/ssl/brandmap/privkey.pem", str(certificate[1])),
    ):
        site = _replace(site, old, new)
    (folder / "brandmap.conf").write_text(site)
    return folder / "brandmap.conf"


def _nginx_conf(folder: Path, site: Path) -> Path:
    """A main configuration like Debian's, with gzip on for JSON too (as operators often
    set it), everything under ``folder``."""
    temp = {name: folder / "temp" / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir(parents=True)
    user = "user root root;" if os.geteuid() == 0 else ""  # workers stay who we are
    conf = folder / "nginx.conf"
    conf.write_text(
        f"""{user}
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    gzip on;
    gzip_types application/json application/geo+json;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    include {site};
}}
"""
    )
    return conf


def _certificate(folder: Path) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        _missing("openssl")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-nodes", "-days", "2", "-subj", f"/CN={PUBLIC_HOST}"),
            *("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def _start_service(folder: Path, store: str, port: int) -> subprocess.Popen:
    """``brandmap serve`` with the unit's command line and environment (paths changed)."""
    (command,) = unit_settings(UNIT.read_text())["ExecStart"]
    program, *arguments = command.split()
    arguments = " ".join(arguments)
    arguments = _replace(arguments, "--port 5000", f"--port {port}")
    arguments = re.sub(r"--workers \d+", "--workers 2", arguments)
    environment = {
        **os.environ,
        **_unit_environment(),
        "BRANDMAP_VAR_DIR": str(folder / "var"),
        "BRANDMAP_STORE": store,
    }
    brandmap = Path(sys.executable).parent / Path(program).name
    log = open(folder / "service.log", "wb")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [str(brandmap), *arguments.split()],
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=REPO_ROOT,
        start_new_session=True,
    )


@pytest.fixture(scope="module")
def stack(tmp_path_factory, built_store) -> Iterator[Stack]:
    if not NGINX.is_file():
        _missing(str(NGINX))
    folder = tmp_path_factory.mktemp("deploy")
    ports = {"backend": _free_port(), "http": _free_port(), "https": _free_port()}
    service = _start_service(folder, built_store, ports["backend"])
    try:
        _wait_for_port(ports["backend"], service, folder / "service.log")
        site = _site_files(folder, ports, _certificate(folder))
        conf = _nginx_conf(folder, site)
        command = [str(NGINX), "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")]
        checked = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
        assert checked.returncode == 0, checked.stderr
        nginx = subprocess.Popen(
            [*command, "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=open(folder / "nginx.out", "wb"),  # noqa: SIM115 - closed with nginx
            start_new_session=True,
        )
        try:
            _wait_for_port(ports["http"], nginx, folder / "error.log")
            yield Stack(ports["http"], ports["https"], ports["backend"], folder / "access.log")
        finally:
            _stop(nginx, signal.SIGQUIT)  # nginx's graceful stop
    finally:
        _stop(service, signal.SIGTERM)  # gunicorn's graceful stop


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        data = gzip.decompress(self.body) if self.headers.get("content-encoding") else self.body
        return json.loads(data)


def _get(port: int, path: str, headers: dict[str, str] | None = None, tls: bool = False) -> Reply:
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # our own throwaway certificate, on loopback
        connection = http.client.HTTPSConnection(
            "127.0.0.1", port, timeout=TIMEOUT_SECONDS, context=context
        )
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_SECONDS)
    try:
        connection.request("GET", path, headers={"Host": PUBLIC_HOST, **(headers or {})})
        response = connection.getresponse()
        body = response.read()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
    finally:
        connection.close()


# --------------------------------------------------------------------------- what it does


def _hrefs(document: dict) -> list[str]:
    return [link["href"] for link in document["links"]]


@pytest.mark.parametrize("path", ["/ogc/?f=json", "/ogc/collections/products?f=json"])
def test_links_carry_the_public_address(stack, path):
    plain = _get(stack.http_port, path, {"Accept-Encoding": "identity"})
    assert plain.status == 200
    assert all(h.startswith(f"http://{PUBLIC_HOST}/") for h in _hrefs(plain.json()))
    secure = _get(stack.https_port, path, {"Accept-Encoding": "identity"}, tls=True)
    assert secure.status == 200
    assert all(h.startswith(f"https://{PUBLIC_HOST}/") for h in _hrefs(secure.json()))


def test_forged_forwarding_headers_are_replaced(stack):
    """A client's own X-Forwarded-* never reach the service: nginx sets them."""
    forged = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "evil.example",
        "X-Forwarded-Prefix": "/elsewhere",
        "Accept-Encoding": "identity",
        "Authorization": "Bearer x",  # past the cache: the service itself answers
    }
    hrefs = _hrefs(_get(stack.http_port, "/ogc/collections?f=json", forged).json())
    assert hrefs and all(h.startswith(f"http://{PUBLIC_HOST}/ogc/") for h in hrefs), hrefs


def test_gzip_and_etag_pass_through_unchanged(stack):
    direct = _get(stack.backend_port, "/api/regions", {"Accept-Encoding": "gzip"})
    proxied = _get(stack.http_port, "/api/regions", {"Accept-Encoding": "gzip"})
    assert proxied.status == 200
    assert proxied.headers["content-encoding"] == "gzip"
    assert proxied.headers["etag"] == direct.headers["etag"]  # strong, as the service made it
    assert proxied.json()["type"] == "FeatureCollection"
    small = _get(stack.http_port, "/healthz", {"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers  # too small for the service to compress
    assert not small.headers["etag"].startswith("W/")  # and nginx did not either
    plain = _get(stack.http_port, "/api/regions", {"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers  # the cached gzip copy is not handed out
    assert json.loads(plain.body) == proxied.json()


def test_caching_headers_and_not_modified_through_nginx(stack):
    first = _get(stack.http_port, "/api/products?limit=5", {"Accept-Encoding": "gzip"})
    assert first.status == 200
    for name in ("etag", "last-modified", "cache-control"):
        assert first.headers.get(name), name
    assert "max-age=" in first.headers["cache-control"]
    again = _get(
        stack.http_port,
        "/api/products?limit=5",
        {"Accept-Encoding": "gzip", "If-None-Match": first.headers["etag"]},
    )
    assert again.status == 304 and again.body == b""
    assert again.headers["etag"] == first.headers["etag"]


def test_answers_are_kept_for_their_max_age_and_signed_in_ones_are_not(stack):
    path = "/api/communes?detail=display"
    for _ in range(2):
        assert _get(stack.http_port, path, {"Accept-Encoding": "gzip"}).status == 200
    assert _get(stack.http_port, path, {"Authorization": "Bearer x"}).status == 200
    log = stack.access_log.read_text()
    statuses = re.findall(rf'"GET {re.escape(path)} HTTP/1.1" 200 .* cache=(\S+)', log)
    assert statuses == ["MISS", "HIT", "BYPASS"], log[-1500:]
