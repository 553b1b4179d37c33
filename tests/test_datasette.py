"""The store opens in datasette with the shipped metadata, and every canned query runs."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml

from conftest import REPO, Runner

METADATA = yaml.safe_load((REPO / "datasette.yml").read_text())


def test_canned_queries_run_in_datasette(run: Runner) -> None:
    datasette_app = pytest.importorskip("datasette.app")
    run("check")
    # Accepting an unchanged page records nothing (it is already the baseline); an evidence passage is recorded.
    assert "already the baseline" in run("accept", "intel-2023-packaging", "--note", "unchanged").output
    run("accept", "intel-emib-foveros", "--suggestion", "1", "--source", "intel-2023-packaging",
        "--note", "looked fine")
    db_path = Path(run.store) / "claimcheck.db"

    async def query_all() -> dict[str, list[dict]]:
        ds = datasette_app.Datasette([str(db_path)], metadata=METADATA)
        await ds.invoke_startup()
        rows = {}
        for name in METADATA["databases"]["claimcheck"]["queries"]:
            response = await ds.client.get(f"/claimcheck/{name}.json?_shape=objects&source=intel-2023-packaging")
            assert response.status_code == 200, (name, response.text[:300])
            rows[name] = response.json()["rows"]
        return rows

    rows = asyncio.run(query_all())
    assert len(rows["claims_by_verdict"]) == 11
    assert rows["claims_by_verdict"][-1]["level"] == "ok"
    assert rows["source_timeline"][0]["http_status"] == 200
    assert [r["note"] for r in rows["acceptances"]][:2] == ["looked fine", "first successful capture"]
    assert {r["verdict"] for r in rows["verdict_counts"]} == {"verified", "unchecked"}
