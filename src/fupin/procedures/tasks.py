"""The daily recomputation of deadline flags, and the little clock that asks for it."""

from __future__ import annotations

import logging
import threading
from datetime import datetime, time, timedelta

from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def deadlines_daily() -> int:
    from fupin.procedures.deadlines import recompute_all

    changed = recompute_all()
    logger.info("deadline flags recomputed: %s changed", changed)
    return changed


def seconds_to_next_run(now: datetime) -> float:
    """Seconds from ``now`` to five minutes past the next local midnight."""
    local = timezone.localtime(now)
    next_day = local.date() + timedelta(days=1)
    target = timezone.make_aware(datetime.combine(next_day, time(0, 5)))
    return max((target - local).total_seconds(), 1.0)


def daily_tasks() -> list:
    """What runs once a day: the deadline flags of procedure steps and of monitoring leads,
    then the analytics tables (after the flags, so that overdue counts are today's)."""
    from fupin.monitoring.tasks import leads_daily
    from fupin.reports.tasks import analytics_rebuild

    return [deadlines_daily, leads_daily, analytics_rebuild]


def start_daily_clock() -> threading.Thread:
    """Queue the daily tasks now and after every local midnight, for as long as the server
    runs (`fupin run`). Deployments with several servers schedule `fupin deadlines` instead."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            for daily in daily_tasks():
                try:
                    daily.enqueue()
                except Exception:  # the server keeps serving; the next day tries again
                    logger.exception("could not queue the daily task %s", daily.name)
            stop.wait(seconds_to_next_run(timezone.now()))

    thread = threading.Thread(target=loop, name="fupin-daily", daemon=True)
    thread.stop = stop  # type: ignore[attr-defined]
    thread.start()
    return thread
