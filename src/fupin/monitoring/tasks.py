from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def leads_daily() -> int:
    from fupin.monitoring.services import recompute_all

    changed = recompute_all()
    logger.info("lead flags recomputed: %s changed", changed)
    return changed
