"""Ray Data: clean a :class:`ray.data.Dataset` of documents on every core of a machine or a cluster.

Needs Ray Data (``pip install 'cleancorp[ray]'``); Ray is imported when a
function is called, not with this module.

- :func:`clean_dataset` cleans the text column of a dataset with
  :func:`cleancorp.batch.clean_batch` in ``map_batches``: the text is replaced
  by the clean text, every other column is kept, and the result columns of
  :data:`cleancorp.batch.RESULT_COLUMNS` are added (``cleancorp_edits`` too,
  with ``audit=True``).
- :func:`write_jsonl` writes a dataset as JSON Lines, plain or compressed,
  with the maps of the result columns as JSON objects (``{"ad_marker": 1}``,
  as the command line writes them under ``metadata.cleancorp``).

Reading needs nothing of cleancorp: ``ray.data.read_json`` reads JSONL
shards (``.jsonl``, ``.jsonl.gz``, ``.jsonl.zst``; a folder or a list of
paths) and ``ray.data.read_parquet`` Parquet ones; ``Dataset.write_parquet``
writes Parquet, the result columns as Arrow maps. ``Dataset.write_json``
would write the maps as lists of pairs (``[["ad_marker", 1]]``), escape every
non-ASCII character and name gzipped files ``.json``, hence
:func:`write_jsonl`.

Example, JSONL shards in, Parquet and gzipped JSONL out::

    import ray

    from cleancorp import CleanConfig
    from cleancorp.integrations.ray import clean_dataset, write_jsonl

    ray.init()  # the cluster RAY_ADDRESS names, or a local Ray on every core
    dataset = ray.data.read_json("corpus/raw/")  # *.jsonl, *.jsonl.gz, *.jsonl.zst
    cleaned = clean_dataset(dataset, CleanConfig(keep_categories={"image_caption"}))
    cleaned = cleaned.materialize()  # cleaned once, written twice
    cleaned.write_parquet("corpus/clean-parquet/")
    write_jsonl(cleaned, "corpus/clean-jsonl/", compression="gzip")

Without ``materialize()`` (which holds the cleaned dataset in Ray's object
store), each ``write_*`` reads and cleans the corpus again.

Defaults, and what to change on a bigger machine or a cluster:

- ``batch_size=512`` (:data:`DEFAULT_BATCH_SIZE`): about a second of work
  on one core for news articles of a few kilobytes (``clean()`` does 500-700
  of them a second). Ray gathers smaller blocks into one task up to the batch
  size: a larger size splits a small corpus into fewer tasks than there are
  cores, a smaller one makes the overhead of each task count (256 was up to
  10 % slower on 12,000 articles, 1,024 the same within the noise). Ray's own
  default, ``None``, hands a whole block (up to 128 MiB of text) to one call.
- CPUs: each task takes one CPU (Ray's default, ``num_cpus=1``); cleaning is
  single-threaded Python, so one task a core is right. Tasks run on every
  CPU Ray has (``ray.init(num_cpus=2)`` on a 2-core machine: two batches at
  a time). To leave cores to other work, pass
  ``compute=ray.data.TaskPoolStrategy(size=n)`` (``concurrency=n`` in Ray
  versions before 2.51, which deprecates it).
- memory: each worker process loads the rules and the language profiles
  once, on its first batch, and keeps them for the next ones; a Ray Data
  worker that cleans peaks at about 0.4-0.5 GB, of which 60-90 MB are
  cleancorp's (the rest is Ray, pyarrow and pandas).
- order: Ray does not keep the order of the records across blocks unless
  ``ray.data.DataContext.get_current().execution_options.preserve_order = True``.

Any other keyword of :func:`clean_dataset` goes to ``Dataset.map_batches``
(``num_cpus``, ``memory``, ``compute``, ``batch_size``, ...).

On a cluster every node needs cleancorp (the cluster image, or
``ray.init(runtime_env={"pip": ["cleancorp"]})``), and the files a
:class:`~cleancorp.CleanConfig` names in ``rule_files`` must be at the same
path on every node: a config carries the paths, and each worker reads them.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from importlib import import_module
from inspect import signature
from typing import Any

from cleancorp.config import CleanConfig

__all__ = ["DEFAULT_BATCH_SIZE", "clean_dataset", "write_jsonl"]

DEFAULT_BATCH_SIZE = 512
"""Documents a call of :func:`cleancorp.batch.clean_batch` cleans (``map_batches``' ``batch_size``)."""

COMPRESSIONS = {None: "jsonl", "gzip": "jsonl.gz", "zstd": "jsonl.zst"}
"""The compressions :func:`write_jsonl` knows, and the extension of their files."""

INSTALL = "pip install 'cleancorp[ray]'"


def _ray_data() -> Any:
    """``ray.data``, or ``ImportError`` with the command that installs it."""
    try:
        return import_module("ray.data")
    except ImportError as error:
        raise ImportError(f"cleancorp.integrations.ray needs Ray Data: {INSTALL} ({error})") from error


def clean_dataset(
    dataset: Any,
    config: CleanConfig | None = None,
    *,
    text_field: str = "text",
    audit: bool = False,
    **map_batches_options: Any,
) -> Any:
    """The dataset with its ``text_field`` column cleaned, and the result columns added.

    Lazy, as every Ray Data transformation: nothing is cleaned until the
    dataset is written, iterated or materialized. The batches are
    :func:`cleancorp.batch.clean_batch` calls on ``pyarrow`` tables of
    ``batch_size`` documents (:data:`DEFAULT_BATCH_SIZE` unless given); a
    null text stays null, with null results. ``map_batches_options`` go to
    ``Dataset.map_batches`` (``num_cpus``, ``compute``, ``memory``, ...; see
    the module's docstring for the defaults).

    A column missing from the dataset raises ``KeyError`` when the first batch
    is cleaned (wrapped in Ray's ``UserCodeException``).
    """
    _ray_data()
    if config is not None and not isinstance(config, CleanConfig):
        raise TypeError(f"config must be a CleanConfig, not {type(config).__name__}")
    from cleancorp.batch import clean_batch

    options: dict[str, Any] = {"batch_size": DEFAULT_BATCH_SIZE, **map_batches_options}
    if "udf_modifying_row_count" in signature(dataset.map_batches).parameters:
        # one row out for each row in: Ray may push a limit() down before the cleaning
        options.setdefault("udf_modifying_row_count", False)
    return dataset.map_batches(
        clean_batch,
        batch_format="pyarrow",
        fn_kwargs={"config": config, "text_field": text_field, "audit": audit},
        **options,
    )


def write_jsonl(
    dataset: Any,
    path: str,
    *,
    compression: str | None = None,
    concurrency: int | None = None,
    **datasink_options: Any,
) -> None:
    """Write the dataset to JSON Lines files in the folder ``path``, one file a write task.

    Files are named ``<uuid>_<task>.jsonl`` (``.jsonl.gz`` with
    ``compression="gzip"``, ``.jsonl.zst`` with ``"zstd"``). A line is
    ``json.dumps(record, ensure_ascii=False)``, as the command line writes
    them: maps (``cleancorp_removed``, ``cleancorp_repaired``) become JSON
    objects, structs objects, lists arrays, dates and times ISO 8601 strings
    and decimals strings. ``path`` may be any URI Ray can write (``s3://...``).

    ``datasink_options`` go to Ray's ``BlockBasedFileDatasink``
    (``min_rows_per_file``, ``filesystem``, ``mode``, ...) and
    ``concurrency`` to ``Dataset.write_datasink``.
    """
    _ray_data()
    if compression not in COMPRESSIONS:
        valid = ", ".join(map(repr, COMPRESSIONS))
        raise ValueError(f"unknown compression {compression!r}; valid: {valid}")
    sink = _jsonl_datasink()(
        path,
        file_format=COMPRESSIONS[compression],
        open_stream_args={"compression": compression},
        **datasink_options,
    )
    dataset.write_datasink(sink, concurrency=concurrency)


@cache
def _jsonl_datasink() -> Any:
    """The datasink class of :func:`write_jsonl` (a subclass of a Ray class: made on first use)."""
    base = import_module("ray.data.datasource").BlockBasedFileDatasink

    class JsonlDatasink(base):  # type: ignore[misc,valid-type]
        """Blocks to JSON Lines, through ``_write_jsonl_lines``."""

        def write_block_to_file(self, block: Any, file: Any) -> None:
            _write_jsonl_lines(block.to_arrow(), file)

    return JsonlDatasink


def _write_jsonl_lines(table: Any, file: Any, *, rows: int = 1024) -> None:
    """Write a pyarrow table to a binary file as JSON Lines, ``rows`` records at a time.

    >>> import io
    >>> import pyarrow as pa
    >>> counts = pa.map_(pa.string(), pa.int64())
    >>> table = pa.table({"id": [7], "text": ["Le maire a ouvert le pont à Orléans."],
    ...                   "cleancorp_removed": pa.array([{"ad_marker": 1}], counts)})
    >>> out = io.BytesIO()
    >>> _write_jsonl_lines(table, out)
    >>> print(out.getvalue().decode("utf-8"), end="")
    {"id": 7, "text": "Le maire a ouvert le pont à Orléans.", "cleancorp_removed": {"ad_marker": 1}}
    """
    for batch in table.to_batches(max_chunksize=rows):
        records = batch.to_pylist(maps_as_pydicts="strict")
        dumps = (json.dumps(record, ensure_ascii=False, default=_json_value) for record in records)
        file.write("".join(line + "\n" for line in dumps).encode("utf-8"))


def _json_value(value: Any) -> Any:
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"a value of type {type(value).__name__} cannot be written as JSON: {value!r}")
