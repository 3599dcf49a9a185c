"""Sensors: a run when new export files land, and an alert when a run fails.

The landing sensor keys runs on the files' sha256 and skips files the ledger already holds, so
the same export never triggers twice — not after a restart, not when copied in again."""


import datetime as dt
import hashlib
import json
import os
import sys
import urllib.request
from pathlib import Path

from dagster import (
    DefaultSensorStatus,
    RunFailureSensorContext,
    RunRequest,
    SensorEvaluationContext,
    SkipReason,
    run_failure_sensor,
    sensor,
)

from ingestion.ledger import file_digest, seen_hashes
from ingestion.load import expand_paths
from ingestion.settings import Home
from orchestration.jobs import nightly_job


def new_landing_files(home: Home, landing: Path | None = None) -> dict[str, Path]:
    """sha256 → path of the files under the landing folder that the ledger has not seen."""
    seen = seen_hashes(home)
    found = {}
    for path in expand_paths([landing or home.landing]):
        digest = file_digest(path)
        if digest not in seen:
            found[digest] = path
    return found


@sensor(job=nightly_job, minimum_interval_seconds=60, default_status=DefaultSensorStatus.RUNNING)
def landing_sensor(context: SensorEvaluationContext):
    """Starts a run when export files the ledger has not seen arrive in the landing folder."""
    found = new_landing_files(Home.from_env())
    if not found:
        return SkipReason("no new export files in the landing folder")
    run_key = hashlib.sha256("".join(sorted(found)).encode()).hexdigest()
    return RunRequest(run_key=run_key, tags={"salesdw/new_files": str(len(found))})


def write_alert(home: Home, message: str) -> Path:
    """Every alert goes to logs/alerts.log; a webhook too when SALESDW_ALERT_WEBHOOK is set."""
    home.logs.mkdir(parents=True, exist_ok=True)
    entry = {"at": dt.datetime.now(dt.timezone.utc).isoformat(), "message": message}
    path = home.logs / "alerts.log"
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
    webhook = os.environ.get("SALESDW_ALERT_WEBHOOK")
    if webhook:
        request = urllib.request.Request(webhook, data=json.dumps(entry).encode(), headers={"Content-Type": "application/json"})
        try:
            urllib.request.urlopen(request, timeout=10)  # noqa: S310 — the operator's own endpoint
        except (OSError, ValueError) as exc:
            # A webhook that is down must not hide the failure it reports: the alert is in
            # alerts.log already and the run is still recorded. The URL may carry a token: the
            # warning names the cause only.
            cause = getattr(exc, "reason", None) or type(exc).__name__
            print(f"warning: alert webhook unreachable ({cause}); the alert is in {path}", file=sys.stderr)
    return path


def root_cause(error) -> str:
    """The innermost message of a Dagster error (the user's exception, not Dagster's wrapper)."""
    while error is not None and getattr(error, "cause", None) is not None:
        error = error.cause
    return (error.message if error is not None else "").strip()


def failure_alert(home: Home, run_id: str, job: str, failed_steps: list[tuple[str, str]], started_at: str | None) -> str:
    """What an alert says: the run, each failed step with its error, and each file the run's
    ingest rejected with its reason — what a person on call needs to start."""
    from ingestion.ledger import loads_since

    parts = [f"{step}: {message.strip()[:300]}" for step, message in failed_steps]
    rejected = [f"{name}: {message[:300]}" for _, _, _, name, status, _, _, message in loads_since(home, started_at)
                if status == "rejected"]
    text = f"run {run_id} of {job} failed"
    text += "; failed steps: " + " | ".join(parts) if parts else ""
    text += "; rejected files: " + " | ".join(rejected) if rejected else ""
    return text[:4000]


@run_failure_sensor(default_status=DefaultSensorStatus.RUNNING)
def run_failure_alert(context: RunFailureSensorContext):
    run = context.dagster_run
    record = context.instance.get_run_record_by_id(run.run_id)
    started = record.start_time if record and record.start_time else None
    steps = [(event.step_key or "", root_cause(event.step_failure_data.error)) for event in context.get_step_failure_events()]
    home = Home.from_env()
    write_alert(home, failure_alert(
        home, run.run_id, run.job_name, steps or [("run", context.failure_event.message or "")],
        dt.datetime.fromtimestamp(started, dt.timezone.utc).isoformat() if started else None,
    ))
