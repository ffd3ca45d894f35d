"""A minimal SP-API client for the sandbox tests: real HTTP, nothing patched."""

from __future__ import annotations

import gzip
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import jsonschema

from sandbox.amazon.lwa import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN
from sandbox.amazon.models import load_model

REPORTS = "/reports/2021-06-30/reports"
US = "ATVPDKIKX0DER"
CA = "A2EUQ1WTGCTBG2"


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    raw: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.raw)


def http(method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> Reply:
    request = urllib.request.Request(url, data=body, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request) as response:
            return Reply(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
    except urllib.error.HTTPError as err:
        return Reply(err.code, {k.lower(): v for k, v in err.headers.items()}, err.read())


def lwa(base: str, **overrides: str) -> Reply:
    form = {
        "grant_type": "refresh_token",
        "refresh_token": REFRESH_TOKEN,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    } | overrides
    body = urllib.parse.urlencode(form).encode()
    return http("POST", base + "/lwa/auth/o2/token", body, {"Content-Type": "application/x-www-form-urlencoded"})


@dataclass
class SPAPI:
    base: str
    token: str = ""
    calls: list[str] = field(default_factory=list)

    def login(self) -> SPAPI:
        reply = lwa(self.base)
        assert reply.status == 200, reply.raw
        self.token = reply.json["access_token"]
        return self

    def call(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        query = urllib.parse.urlencode(
            {k: ",".join(v) if isinstance(v, list) else v for k, v in (params or {}).items()}
        )
        url = f"{self.base}/sp-api{path}" + (f"?{query}" if query else "")
        headers = ({"x-amz-access-token": self.token} if self.token else {}) | (headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.calls.append(path)
        return http(method, url, data, headers)

    def get(self, path: str, **params: Any) -> Reply:
        return self.call("GET", path, params)


@cache
def _validator(model: str, definition: str) -> jsonschema.Draft4Validator:
    schema = {"$ref": f"#/definitions/{definition}", "definitions": load_model(model)["definitions"]}
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def validate(reply: Reply, model: str, definition: str) -> None:
    """Check a response body against a definition of Amazon's published (Swagger 2.0) model."""
    _validator(model, definition).validate(reply.json)


def download(url: str) -> tuple[Reply, str]:
    """Fetch a report document and decode it with the charset its Content-Type names."""
    reply = http("GET", url)
    assert reply.status == 200, reply.raw
    charset = reply.headers["content-type"].split("charset=")[1]
    return reply, gzip.decompress(reply.raw).decode(charset)


def rows(text: str) -> tuple[list[str], list[dict[str, str]]]:
    lines = text.rstrip("\n").split("\n")
    header = lines[0].split("\t")
    return header, [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:]]


def create(client, report_type, start, end, marketplaces=(US,)):
    reply = client.call(
        "POST",
        REPORTS,
        body={
            "reportType": report_type,
            "marketplaceIds": list(marketplaces),
            "dataStartTime": start.isoformat(),
            "dataEndTime": end.isoformat(),
        },
    )
    assert reply.status == 202, reply.raw
    validate(reply, "reports_2021-06-30", "CreateReportResponse")
    return reply.json["reportId"]


def poll_until_final(sandbox, client, report_id):
    """Poll the report, letting simulated time pass between polls; returns every status seen."""
    seen: list[str] = []
    for _ in range(100):
        reply = client.get(f"{REPORTS}/{report_id}")
        assert reply.status == 200
        validate(reply, "reports_2021-06-30", "Report")
        report = reply.json
        if not seen or seen[-1] != report["processingStatus"]:
            seen.append(report["processingStatus"])
        if report["processingStatus"] in ("DONE", "CANCELLED", "FATAL"):
            return seen, report
        sandbox.clock.advance(10)
    raise AssertionError(f"report {report_id} never finished: {seen}")


def fetch_document(client, report):
    reply = client.get(f"/reports/2021-06-30/documents/{report['reportDocumentId']}")
    assert reply.status == 200
    validate(reply, "reports_2021-06-30", "ReportDocument")
    assert reply.json["compressionAlgorithm"] == "GZIP"
    return reply.json["url"]
