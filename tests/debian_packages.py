"""Debian packages that some tests need (Java for Spark, PostgreSQL, Chromium), installed when
missing: the CI machine is a fresh Debian, as root. One place for it, since test workers may
install at the same moment: apt waits for the other's dpkg lock instead of failing on it."""

from __future__ import annotations

import os
import subprocess


def apt_install(*packages: str) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    wait_for_lock = ["-o", "DPkg::Lock::Timeout=900"]
    subprocess.run(["apt-get", *wait_for_lock, "update", "-qq"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", *wait_for_lock, "install", "-y", "-qq", *packages], check=True, env=env,
                   stdout=subprocess.DEVNULL)
