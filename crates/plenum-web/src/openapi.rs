//! The OpenAPI 3.1 description of the JSON API, served at
//! `/api/openapi.json`. It is written out here beside the handlers (no
//! code generator); a test checks that every API route is described and
//! that every described path answers.

use serde_json::{json, Value};

fn err(desc: &str) -> Value {
    json!({"description": desc, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

fn id_param() -> Value {
    json!({"name": "id", "in": "path", "required": true, "description": "run id: 64 hex digits, sha256 of (plenum version, table hash, scenario text, seed)", "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"}})
}

/// The API paths the spec documents (for tests and docs).
pub const PATHS: [&str; 14] = [
    "/api/health",
    "/api/openapi.json",
    "/api/runs",
    "/api/runs/{id}",
    "/api/runs/{id}/events",
    "/api/runs/{id}/chart",
    "/api/runs/{id}/results.csv",
    "/api/runs/{id}/results.parquet",
    "/api/runs/{id}/report.html",
    "/api/scenarios",
    "/api/schema",
    "/api/chokepoints",
    "/api/self-reliance",
    "/api/heatmap",
];

/// The spec.
pub fn spec() -> Value {
    let file = |ctype: &str, what: &str| {
        json!({"get": {
            "summary": format!("{what} of a done run"),
            "parameters": [id_param()],
            "responses": {
                "200": {"description": what, "content": {ctype: {"schema": {"type": "string", "format": "binary"}}}},
                "404": err("no such run"),
                "409": err("the run is not done yet"),
            }
        }})
    };
    let paths = json!({
        "/api/health": {"get": {"summary": "Server, table and queue state", "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
        "/api/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
        "/api/runs": {
            "post": {
                "summary": "Submit a run of one scenario (compared with baseline-2024)",
                "description": "The body is the scenario as TOML (any content type but JSON), or JSON: {\"toml\": \"...\"} or the scenario's keys as a JSON object. The run id is the hash of (plenum version, table hash, scenario text, seed): the same inputs return the stored run (200 when done, 202 while queued or running). A scenario error is 400 naming the key, line and reason, with the CLI's text in `message`. When the queue is full the answer is 429 with Retry-After. With `?draws=N` the run is N Monte Carlo draws of every uncertain parameter, each re-calibrated (common random numbers across the two scenarios): the results gain a `statistic` column (central, p05, p25, p50, p75, p95), the results page and report fan charts, and the summary 90% bands; N is part of the run's identity (hashed as a last line `# plenum serve: N Monte Carlo draws` of the scenario text).",
                "parameters": [{"name": "draws", "in": "query", "required": false, "description": "Monte Carlo draws (0 or absent: one run); at most the server's --max-draws (default 500), else 400", "schema": {"type": "integer", "minimum": 0}}],
                "requestBody": {"required": true, "content": {
                    "application/toml": {"schema": {"type": "string"}},
                    "application/json": {"schema": {"oneOf": [{"type": "object", "properties": {"toml": {"type": "string"}}, "required": ["toml"]}, {"type": "object", "description": "scenario keys as JSON"}]}}
                }},
                "responses": {
                    "200": {"description": "the same inputs ran before: the stored run", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Run"}}}},
                    "202": {"description": "queued (or already queued or running)", "headers": {"Location": {"schema": {"type": "string"}}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Run"}}}},
                    "400": err("scenario error: key, line, reason"),
                    "401": err("a token is needed"),
                    "413": {"description": "body larger than --max-body"},
                    "429": {"description": "queue full", "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
                }
            },
            "get": {
                "summary": "Run history, newest first",
                "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}}],
                "responses": {"200": {"description": "runs", "content": {"application/json": {"schema": {"type": "object", "properties": {"runs": {"type": "array", "items": {"$ref": "#/components/schemas/Run"}}}}}}}}
            }
        },
        "/api/runs/{id}": {"get": {
            "summary": "A run: status, progress stage, comparison summary when done, links",
            "parameters": [id_param()],
            "responses": {"200": {"description": "the run", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Run"}}}}, "404": err("no such run")}
        }},
        "/api/runs/{id}/events": {"get": {
            "summary": "Progress as server-sent events (`progress` events: status, stage, elapsed_ms, error) until done or failed",
            "parameters": [id_param()],
            "responses": {"200": {"description": "event stream", "content": {"text/event-stream": {"schema": {"type": "string"}}}}, "404": err("no such run")}
        }},
        "/api/runs/{id}/chart": {"get": {
            "summary": "SVG line chart of any region-level variable of a done run, one line per scenario",
            "parameters": [id_param(),
                {"name": "variable", "in": "query", "schema": {"type": "string", "default": "gdp_growth_yoy"}},
                {"name": "region", "in": "query", "schema": {"type": "string", "default": "CHN"}}],
            "responses": {"200": {"description": "SVG", "content": {"image/svg+xml": {"schema": {"type": "string"}}}}, "400": err("no such series"), "404": err("no such run")}
        }},
        "/api/runs/{id}/results.csv": file("text/csv", "Tidy results (quarter, scenario, region, sector, variable, value)"),
        "/api/runs/{id}/results.parquet": file("application/vnd.apache.parquet", "Tidy results as Parquet"),
        "/api/runs/{id}/report.html": file("text/html", "The self-contained HTML report"),
        "/api/scenarios": {
            "get": {"summary": "Shipped scenarios, experiments and saved ones, with their TOML", "responses": {"200": {"description": "scenarios", "content": {"application/json": {"schema": {"type": "object", "properties": {"scenarios": {"type": "array", "items": {"$ref": "#/components/schemas/Scenario"}}}}}}}}},
            "post": {"summary": "Save a scenario in the library (checked like a run; named by its `name`)",
                "requestBody": {"required": true, "content": {"application/toml": {"schema": {"type": "string"}}}},
                "responses": {"201": {"description": "saved"}, "400": err("scenario error or a shipped name")}}
        },
        "/api/schema": {"get": {"summary": "The editor's schema: every scenario key with type and meaning, every parameter with default, unit, range and source, the table's labels", "responses": {"200": {"description": "schema", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
        "/api/chokepoints": {"get": {
            "summary": "Foreign supplier industries of a region ranked by exposure, bottleneck loss and hypothetical extraction",
            "parameters": [
                {"name": "region", "in": "query", "schema": {"type": "string", "default": "CHN"}},
                {"name": "top", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 20}},
                {"name": "by", "in": "query", "schema": {"type": "string", "enum": ["bottleneck", "exposure", "extraction"], "default": "bottleneck"}}],
            "responses": {"200": {"description": "ranking", "content": {"application/json": {"schema": {"type": "object"}}}}, "400": err("unknown region (the message lists the valid ones)")}
        }},
        "/api/self-reliance": {"get": {
            "summary": "Value-added origin (output, gross exports, final goods, final demand) and dependence on the chip coalition of a region or region-sector",
            "parameters": [
                {"name": "region", "in": "query", "schema": {"type": "string", "default": "CHN"}},
                {"name": "sector", "in": "query", "schema": {"type": "string"}, "description": "omit for all sectors"}],
            "responses": {"200": {"description": "shares", "content": {"application/json": {"schema": {"type": "object"}}}}, "400": err("unknown region or sector")}
        }},
        "/api/heatmap": {"get": {"summary": "Foreign value-added share of each economy's final demand for each product (economies × products)", "responses": {"200": {"description": "matrix", "content": {"application/json": {"schema": {"type": "object", "properties": {"regions": {"type": "array", "items": {"type": "string"}}, "sectors": {"type": "array", "items": {"type": "string"}}, "share": {"type": "array", "items": {"type": "array", "items": {"type": ["number", "null"]}}}}}}}}}}}
    });
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "plenum API",
            "version": crate::VERSION,
            "description": "Run China scenarios after the July 2024 Third Plenum on plenum's embedded 2022 world table, fetch tidy results, and explore chokepoints and self-reliance. When the server has a token, every call needs `Authorization: Bearer TOKEN`. See docs/api.md."
        },
        "servers": [{"url": "/"}],
        "security": [{}, {"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error", "message"], "properties": {
                    "error": {"type": "string", "description": "scenario, bad_request, not_found, not_done, queue_full, unauthorized, internal"},
                    "message": {"type": "string", "description": "for scenario errors, the CLI's text"},
                    "key": {"type": ["string", "null"]}, "file": {"type": ["string", "null"]},
                    "line": {"type": ["integer", "null"]}, "column": {"type": ["integer", "null"]},
                    "reason": {"type": "string"}}},
                "Run": {"type": "object", "required": ["id", "name", "status"], "properties": {
                    "id": {"type": "string"}, "name": {"type": "string"},
                    "status": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
                    "stage": {"type": ["string", "null"]},
                    "created": {"type": "integer", "description": "unix seconds"},
                    "started": {"type": ["integer", "null"]}, "finished": {"type": ["integer", "null"]},
                    "plenum_version": {"type": "string"}, "table_hash": {"type": "string"}, "seed": {"type": "integer"},
                    "error": {"type": ["string", "null"]},
                    "summary": {"description": "comparison rows (the numbers of `plenum run`'s table) and calibration", "type": ["object", "null"]},
                    "links": {"type": "object"}}},
                "Scenario": {"type": "object", "properties": {
                    "name": {"type": "string"}, "source": {"type": "string", "enum": ["shipped", "experiment", "saved"]},
                    "description": {"type": "string"}, "toml": {"type": "string"}}}
            }
        }
    })
}
