"""Benchmark of the whole nightly job on the demo company at a given scale: time of each step
(ingestion per source, GX checks, dbt build, publish), peak memory, rows published.

    .venv/bin/python benchmarks/pipeline.py --scale 10

Prints the figures and appends them to benchmarks/results/pipeline.jsonl. Not a test: figures
depend on the machine; compare runs on the same one.
"""

import argparse
import datetime as dt
import json
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results" / "pipeline.jsonl"


def step_seconds(root: Path, run_id: str) -> dict[str, float]:
    """Wall time of each step, from the step stats the run's Dagster instance recorded."""
    from dagster import DagsterInstance

    instance = DagsterInstance.local_temp(tempdir=str(root / "dagster"))
    try:
        return {
            s.step_key: round(s.end_time - s.start_time, 2)
            for s in instance.get_run_step_stats(run_id)
            if s.start_time and s.end_time
        }
    finally:
        instance.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--home", help="SALESDW_HOME to use (default: a temporary folder)")
    args = parser.parse_args()

    root = Path(args.home or tempfile.mkdtemp(prefix="salesdw-bench-"))
    os.environ["SALESDW_HOME"] = str(root)
    from demo import generate
    from orchestration.cli import execute

    t0 = time.perf_counter()
    manifest = generate(root / "landing", scale=args.scale, seed=args.seed)
    generate_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    result = execute("nightly")
    run_s = time.perf_counter() - t1
    # ru_maxrss is KiB on Linux; dbt runs as a child process, counted in RUSAGE_CHILDREN.
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    figures = {
        "at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {os.cpu_count()} cpu, Python {platform.python_version()}",
        "scale": args.scale,
        "export_rows": sum(entry.rows for entry in manifest.files),
        "generate_s": round(generate_s, 2),
        "nightly_run_s": round(run_s, 2),
        "success": result.success,
        "steps_s": step_seconds(root, result.run_id),
        "peak_rss_mib_pipeline": round(peak_self),
        "peak_rss_mib_dbt": round(peak_children),
    }
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(figures, ensure_ascii=False) + "\n")
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main())
