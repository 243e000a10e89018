"""The Spark engine: the same compiled rules on a Spark session, local (``local[2]``) by
default or the cluster named by ``FUPIN_SPARK_MASTER`` (``spark://host:7077``, ``yarn``).

The snapshot's Arrow tables are handed to Spark as they are; a national run would instead
point Spark at Parquet snapshots on shared storage, which only changes where the four
tables come from, not the rules."""

from __future__ import annotations

import os
import threading

import pyarrow as pa

_lock = threading.Lock()
_session = None


def available() -> bool:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False
    return True


def session():
    """One session per process: starting the JVM takes seconds, a query milliseconds."""
    global _session
    with _lock:
        if _session is None:
            from pyspark.sql import SparkSession

            builder = (
                SparkSession.builder.appName("fupin")
                .master(os.environ.get("FUPIN_SPARK_MASTER", "local[2]"))
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.session.timeZone", "UTC")
                .config(
                    "spark.sql.shuffle.partitions", os.environ.get("FUPIN_SPARK_PARTITIONS", "4")
                )
                .config("spark.sql.execution.arrow.pyspark.enabled", "true")
                .config("spark.driver.memory", os.environ.get("FUPIN_SPARK_DRIVER_MEMORY", "4g"))
            )
            _session = builder.getOrCreate()
            _session.sparkContext.setLogLevel("ERROR")
        return _session


def run(tables: dict[str, pa.Table], sql: str) -> pa.Table:
    spark = session()
    for name, table in tables.items():
        spark.createDataFrame(table).createOrReplaceTempView(name)
    return spark.sql(sql).toArrow()
