"""Benchmark of the whole nightly job on the demo company: time of each step (ingestion per
source, GX checks, dbt build, publish), of a second night with nothing new, peak memory, and the
time of every dbt model.

    .venv/bin/python benchmarks/pipeline.py --scale 10
    .venv/bin/python benchmarks/pipeline.py --scale 3 --scale 9   # growth of each model

Given two scales, each dbt model's time at the larger is compared with the smaller, and a model
whose time grows more than the rows do (ratio of times > ratio of order lines, past a floor of
one second) is flagged as superlinear. Prints the figures and appends them to
benchmarks/results/pipeline.jsonl. Not a test: figures depend on the machine; compare runs on
the same one. ``tests/test_benchmarks.py`` runs it at a tiny scale so that it cannot rot.
"""

import argparse
import datetime as dt
import json
import multiprocessing
import os
import platform
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import duckdb

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


def model_seconds(root: Path, run_id: str) -> dict[str, float]:
    """Execution time of every dbt model of a run, from its run_results.json."""
    path = root / "logs" / "dbt" / run_id / "run_results.json"
    results = json.loads(path.read_text(encoding="utf-8"))["results"] if path.exists() else []
    return {r["unique_id"].split(".")[-1]: round(r["execution_time"], 2)
            for r in results if r["unique_id"].startswith("model.")}


def superlinear(small: dict, large: dict, floor_s: float = 1.0) -> list[str]:
    """Models whose time grew more than the order lines did between two runs."""
    rows = large["order_lines"] / small["order_lines"]
    return sorted(
        name for name, seconds in large["models_s"].items()
        if seconds >= floor_s and seconds / max(small["models_s"].get(name, 0.0), 0.01) > rows
    )


def measure(scale: float, seed: int, home: str | None) -> dict:
    root = Path(home or tempfile.mkdtemp(prefix="salesdw-bench-"))
    os.environ["SALESDW_HOME"] = str(root)
    from demo import generate
    from orchestration.cli import execute

    t0 = time.perf_counter()
    manifest = generate(root / "landing", scale=scale, seed=seed)
    generate_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    result = execute("nightly", verbose=False)
    run_s = time.perf_counter() - t1
    t2 = time.perf_counter()
    again = execute("nightly", verbose=False)
    nothing_new_s = time.perf_counter() - t2
    # ru_maxrss is KiB on Linux; dbt runs as a child process, counted in RUSAGE_CHILDREN.
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    con = duckdb.connect(str(root / "sales.duckdb"), read_only=True)
    order_lines = con.execute("select count(*) from marts.fct_order_lines").fetchone()[0]
    con.close()
    return {
        "at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {os.cpu_count()} cpu, Python {platform.python_version()}",
        "scale": scale,
        "export_rows": sum(entry.rows for entry in manifest.files),
        "order_lines": order_lines,
        "generate_s": round(generate_s, 2),
        "nightly_run_s": round(run_s, 2),
        "nothing_new_run_s": round(nothing_new_s, 2),
        "success": result.success and again.success,
        "steps_s": step_seconds(root, result.run_id),
        "models_s": model_seconds(root, result.run_id),
        "peak_rss_mib_pipeline": round(peak_self),
        "peak_rss_mib_dbt": round(peak_children),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, action="append", help="demo scale; twice to compare (default 10)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--home", help="SALESDW_HOME to use with one scale (default: a temporary folder)")
    parser.add_argument("--results", default=str(RESULTS), help="JSON lines file the figures are appended to")
    args = parser.parse_args(argv)
    scales = args.scale or [10.0]
    # each scale in a fresh process, so that its peak memory is its own
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"), max_tasks_per_child=1) as pool:
        runs = [pool.submit(measure, scale, args.seed, args.home if len(scales) == 1 else None).result()
                for scale in scales]
    if len(runs) == 2:
        small, large = sorted(runs, key=lambda r: r["order_lines"])
        large["superlinear_models"] = superlinear(small, large)
        slowest = sorted(large["models_s"].items(), key=lambda kv: -kv[1])[:10]
        print(f"order lines {small['order_lines']:,} → {large['order_lines']:,}; slowest models at the larger scale:")
        for name, seconds in slowest:
            print(f"  {name:45} {small['models_s'].get(name, 0):7.2f} s → {seconds:7.2f} s")
        print(f"superlinear (time grew more than the rows): {', '.join(large['superlinear_models']) or 'none'}")
    results = Path(args.results)
    results.parent.mkdir(parents=True, exist_ok=True)
    with results.open("a", encoding="utf-8") as fh:
        for figures in runs:
            print(json.dumps({k: v for k, v in figures.items() if k != "models_s"}, indent=2, ensure_ascii=False))
            fh.write(json.dumps(figures, ensure_ascii=False) + "\n")
    return 0 if all(r["success"] for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
