"""Dashboard benchmark: the demo at scale S (1 = the four counties, about 2.7 million rural
persons in the published figures' proportions) in a database, the analytics rebuild timed,
then `fupin run` serving it and 20 concurrent users (threads, each with its own login)
opening dashboards of provinces, cities, counties, townships and villages for a while.
Prints the rebuild time and the median and 95th percentile per level and overall.

    make bench-dashboard                                       # scale 0.1, SQLite
    bash scripts/with-postgres.sh .venv/bin/python bench/dashboard_bench.py --scale 1

A database given by --database-url is reused when it already holds the demo (loading
scale 1 takes a while); otherwise a fresh one is made. PostgreSQL is used when DATABASE_URL
points at it (scripts/with-postgres.sh sets it)."""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "fupin-demo-2026"  # the demo accounts' published password


def fupin(*args: str, env: dict, capture: bool = True) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "fupin", *args],
        env=env,
        capture_output=capture,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"fupin {' '.join(args)} failed:\n{(out.stderr or '')[-3000:]}")
    return out.stdout


def areas(env: dict) -> dict[str, list[str]]:
    """Region codes per level, from the database (a sample of townships and villages)."""
    script = (
        "import django, json; django.setup();"
        "from fupin.regions.models import Region;"
        "out = {};"
        "[out.setdefault(r.level, []).append(r.code) for r in Region.objects.exclude(level='group')];"
        "print(json.dumps(out))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    import json

    found = json.loads(out.stdout.strip().splitlines()[-1])
    rnd = random.Random(5)
    return {
        level: rnd.sample(codes, min(len(codes), 40)) for level, codes in found.items() if codes
    }


class User:
    def __init__(self, base: str, username: str):
        self.base = base
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = self.opener.open(f"{base}/accounts/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(
            f"{base}/accounts/login/", data=data, headers={"Referer": f"{base}/accounts/login/"}
        )
        self.opener.open(request).read()

    def get(self, path: str) -> float:
        start = time.perf_counter()
        with self.opener.open(f"{self.base}{path}") as response:
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path}: HTTP {response.status}")
        return time.perf_counter() - start


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--year", type=int, default=2019)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--threads", type=int, default=8, help="server request threads")
    parser.add_argument(
        "--think",
        default="1-3",
        help="seconds a user reads a page before the next, as locust's wait_time (0: none)",
    )
    parser.add_argument("--no-rebuild", action="store_true", help="keep the current build")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="fupin-dash-")
    url = args.database_url or os.environ.get("DATABASE_URL", "")
    if not url:
        url = f"sqlite:///{tmp}/bench.sqlite3"
    elif url.startswith("postgres") and not args.database_url:
        from bench.import_bench import fresh_database

        url = fresh_database(url, Path(tmp))
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "fupin.config.settings",
        "FUPIN_HOME": str(ROOT),
        "FUPIN_OTP_REQUIRED": "0",
        "FUPIN_DEMO": "1",
    }
    fupin("migrate", env=env)
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from fupin.registry.models import Person;"
            "print(Person.objects.count())",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if int(loaded.splitlines()[-1]) == 0:
        start = time.perf_counter()
        fupin("demo", "--scale", str(args.scale), "--force", env=env)
        print(f"demo loaded at scale {args.scale} in {time.perf_counter() - start:.0f} s")
    if not args.no_rebuild:
        start = time.perf_counter()
        print(fupin("analytics", "rebuild", env=env).strip().splitlines()[-1])
        print(f"analytics rebuild: {time.perf_counter() - start:.1f} s (command, wall clock)")
    low, _dash, high = args.think.partition("-")
    think = (float(low), float(high or low))

    targets = areas(env)
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fupin",
            "run",
            "--demo",
            "--no-with-worker",
            "--port",
            str(port),
            "--threads",
            str(args.threads),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/accounts/login/").read()
                break
            except OSError:
                time.sleep(0.5)
        users = [User(base, "admin") for _ in range(args.users)]
        timings: dict[str, list[float]] = {level: [] for level in targets}
        lock = threading.Lock()
        stop = time.perf_counter() + args.seconds
        errors: list[str] = []

        def run(user: User, seed: int) -> None:
            rnd = random.Random(seed)
            levels = list(targets)
            while time.perf_counter() < stop:
                level = rnd.choice(levels)
                code = rnd.choice(targets[level])
                try:
                    took = user.get(f"/statistics/?area={code}&year={args.year}")
                except Exception as error:  # counted and shown, never hidden
                    errors.append(f"{code}: {error}")
                    continue
                with lock:
                    timings[level].append(took)
                if think[1] > 0:
                    time.sleep(rnd.uniform(*think))

        threads = [threading.Thread(target=run, args=(user, i)) for i, user in enumerate(users)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=30)

    def line(label: str, values: list[float]) -> str:
        if not values:
            return f"{label:<10}{0:>8}"
        values = sorted(values)
        p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
        return (
            f"{label:<10}{len(values):>8}{statistics.median(values) * 1000:>10.0f}"
            f"{p95 * 1000:>10.0f}{max(values) * 1000:>10.0f}"
        )

    engine = "postgresql" if url.startswith("postgres") else "sqlite"
    print(
        f"{engine}, scale {args.scale}, {args.users} users, {args.seconds} s, "
        f"think {args.think} s, server threads {args.threads}"
    )
    print(f"{'level':<10}{'requests':>8}{'median ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for level, values in timings.items():
        print(line(level, values))
    print(line("all", [t for values in timings.values() for t in values]))
    if errors:
        print(f"errors: {len(errors)} (first: {errors[0]})")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
