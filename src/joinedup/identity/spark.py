"""Score a batch with Splink's Spark backend (``joinedup link run --engine spark``).

The same trained model, rendered for Spark SQL (``TrainedModel.for_dialect("spark")``), the
same blocking rules and term frequencies, and the same pairs out as the DuckDB path
(``matcher.score``); decisions and clustering afterwards are the very code the DuckDB path runs.
Spark runs in local mode, sized for a small machine: two cores, few shuffle partitions, a
modest driver heap, quiet logging and a private temporary checkpoint folder removed at exit.

pyspark is imported only here, and only when Spark is asked for, so the command line starts
fast without it. Spark needs Java: ``JAVA_HOME`` if it is set, else the ``java`` found on
``PATH``; with neither, a clear error says what to install.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from joinedup.identity.errors import IdentityError
from joinedup.identity.model import TrainedModel

SCORE_FLOOR = 0.001  # as matcher.SCORE_FLOOR: pairs far below any decision threshold are dropped
DRIVER_MEMORY = os.environ.get("JOINEDUP_SPARK_DRIVER_MEMORY", "2g")
SHUFFLE_PARTITIONS = 4

_LOG4J = """rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
"""

_session: Any = None
_batches = 0
_checkpoints: Path | None = None


class SparkUnavailable(IdentityError):
    """Spark cannot be started here (no Java, or pyspark not installed)."""


def java_home() -> str:
    """Where Java lives: ``JAVA_HOME`` when it points at a Java, else found from ``java`` on PATH."""
    configured = os.environ.get("JAVA_HOME")
    if configured and (Path(configured) / "bin" / "java").exists():
        return configured
    found = shutil.which("java")
    if found is None:
        raise SparkUnavailable(
            "--engine spark needs Java 17 or later, and none was found (JAVA_HOME is not set and "
            "there is no `java` on PATH); install a JDK (e.g. `apt-get install openjdk-17-jre-headless`) "
            "or use the default --engine duckdb"
        )
    return str(Path(found).resolve().parent.parent)


def session() -> Any:
    """The process's local Spark session, started on first use (and reused after)."""
    global _session, _checkpoints
    if _session is not None:
        return _session
    os.environ["JAVA_HOME"] = java_home()
    try:
        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location
    except ImportError as exc:
        raise SparkUnavailable(
            "--engine spark needs pyspark; install JoinedUp with its spark extra (pip install 'joinedup[spark]')"
        ) from exc
    _checkpoints = Path(tempfile.mkdtemp(prefix="joinedup-spark-"))
    quiet_logs = _checkpoints / "log4j2.properties"
    quiet_logs.write_text(_LOG4J)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # no "hostname resolves to loopback" warning
    builder = (
        SparkSession.builder.master("local[2]")
        .appName("joinedup-link")
        .config("spark.driver.memory", DRIVER_MEMORY)
        .config("spark.sql.shuffle.partitions", str(SHUFFLE_PARTITIONS))
        .config("spark.default.parallelism", str(SHUFFLE_PARTITIONS))
        .config("spark.jars", similarity_jar_location())
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.local.dir", str(_checkpoints / "local"))
        .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{quiet_logs}")
    )
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # the JVM failed to start: say so plainly
        raise SparkUnavailable(f"Spark could not start ({type(exc).__name__}: {exc}); check the Java install") from exc
    spark.sparkContext.setLogLevel("ERROR")
    spark.sparkContext.setCheckpointDir(str(_checkpoints / "checkpoints"))
    _session = spark
    atexit.register(stop)
    return spark


def stop() -> None:
    """Stop the Spark session (if one was started) and remove its temporary files."""
    global _session, _checkpoints
    if _session is not None:
        _session.stop()
        _session = None
    if _checkpoints is not None:
        shutil.rmtree(_checkpoints, ignore_errors=True)
        _checkpoints = None


def _quiet() -> None:
    for name in ("splink", "splink.internals", "py4j", "pyspark"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _spark_frame(spark: Any, frame: pd.DataFrame) -> Any:
    """A Spark DataFrame with the types Splink's SQL expects (arrays stay arrays, nulls stay null)."""
    from pyspark.sql.types import (
        ArrayType,
        DoubleType,
        LongType,
        StringType,
        StructField,
        StructType,
    )

    fields = []
    for column in frame.columns:
        if column in ("given_all", "family_all"):
            kind: Any = ArrayType(StringType())
        elif column == "dob_year":
            kind = LongType()
        elif column.startswith("tf_"):
            kind = DoubleType()
        else:
            kind = StringType()
        fields.append(StructField(column, kind, nullable=True))
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    rows = [
        tuple(
            (list(value) if value is not None else None)
            if column in ("given_all", "family_all")
            else (int(value) if column == "dob_year" and value is not None else value)
            for column, value in row.items()
        )
        for row in records
    ]
    return spark.createDataFrame(rows, StructType(fields))


def _lookup(frames: list[pd.DataFrame], tf_column: str) -> pd.DataFrame:
    column = tf_column[3:]
    both = pd.concat([f[[column, tf_column]] for f in frames], ignore_index=True)
    return both.dropna().drop_duplicates(subset=[column])


def spark_score(
    pending: pd.DataFrame,
    index: pd.DataFrame | None,
    model: TrainedModel,
    *,
    explain: bool = False,
) -> pd.DataFrame:
    """Scored pairs ``unique_id_l``, ``unique_id_r``, ``match_weight``, ``match_probability``
    above the floor, as ``matcher.score`` returns them, computed by Splink on Spark."""
    from splink import Linker
    from splink.backends.spark import SparkAPI

    global _batches
    spark = session()
    _quiet()
    _batches += 1
    names = (f"pending_{_batches}", f"index_{_batches}")
    settings: dict[str, Any] = model.for_dialect("spark")
    settings["retain_intermediate_calculation_columns"] = explain
    settings["retain_matching_columns"] = False
    db_api = SparkAPI(  # type: ignore[no-untyped-call]
        spark_session=spark, break_lineage_method="persist", num_partitions_on_repartition=2
    )
    frames = [pending] if index is None else [pending, index]
    tf_columns = [c for c in pending.columns if c.startswith("tf_")]
    lookups = {c: _lookup(frames, c) for c in tf_columns}
    new = db_api.register(_spark_frame(spark, pending.drop(columns=tf_columns)), dataset_display_name=names[0])
    linker = Linker(new, settings, log_level=None)
    for column, table in lookups.items():
        linker.table_management.register_term_frequency_lookup(db_api.register(table), column[3:])
    parts = []
    try:
        if len(pending) > 1:
            within = linker.inference.predict_within(new, threshold_match_probability=SCORE_FLOOR, warning_mode="never")
            parts.append(within.as_pandas_dataframe())  # type: ignore[no-untyped-call]
        if index is not None and len(index):
            held = db_api.register(_spark_frame(spark, index.drop(columns=tf_columns)), dataset_display_name=names[1])
            between = linker.inference.predict_between(
                new, held, threshold_match_probability=SCORE_FLOOR, warning_mode="never"
            )
            parts.append(between.as_pandas_dataframe())  # type: ignore[no-untyped-call]
    finally:
        spark.catalog.clearCache()
        for name in spark.catalog.listTables():
            if name.isTemporary:
                spark.catalog.dropTempView(name.name)
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=["unique_id_l", "unique_id_r", "match_weight", "match_probability"])
    return pd.concat(parts, ignore_index=True)
