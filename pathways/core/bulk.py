"""Writing very many rows quickly (imports, recomputes): PostgreSQL's COPY, SQLite's executemany.

`insert(model, columns, rows)` takes rows as tuples of plain Python values in `columns` order
(ints, text, dates, Decimals, booleans, None; dicts and lists for JSON fields), skipping Django's
per-value preparation, which is most of the cost of `bulk_create` at hundreds of thousands of
rows. The SQL names come from the model's own table and columns, never from data.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import JSONField, Model


def insert(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert the rows; returns how many. `columns` are field names (attnames, e.g. person_id)."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    db_columns = [fields[name].column for name in columns]
    json_at = [i for i, name in enumerate(columns) if isinstance(fields[name], JSONField)]
    count = 0
    if connection.vendor == "postgresql":
        from psycopg import sql
        from psycopg.types.json import Jsonb

        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(model._meta.db_table),
            sql.SQL(", ").join(sql.Identifier(c) for c in db_columns),
        )
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for row in rows:
                if json_at:
                    row = list(row)
                    for i in json_at:
                        row[i] = Jsonb(row[i])
                copy.write_row(row)
                count += 1
        return count
    ops = connection.ops
    quote = ops.quote_name
    statement = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model
        quote(model._meta.db_table),
        ", ".join(quote(c) for c in db_columns),
        ", ".join(["%s"] * len(db_columns)),
    )

    def prepared() -> Iterable[Sequence[Any]]:
        nonlocal count
        for row in rows:
            row = list(row)
            for i in json_at:
                row[i] = json.dumps(row[i])
            for i, value in enumerate(row):
                if isinstance(value, dt.datetime):
                    row[i] = ops.adapt_datetimefield_value(value)
                elif isinstance(value, dt.date):
                    row[i] = ops.adapt_datefield_value(value)
                elif isinstance(value, Decimal):
                    row[i] = str(value)
            count += 1
            yield row

    with connection.cursor() as cursor:
        cursor.executemany(statement, prepared())
    return count


def insert_objects(model: type[Model], objects: Sequence[Model]) -> int:
    """Insert unsaved model instances (every field as set or defaulted on the instance); their
    primary keys are not read back."""
    columns = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    return insert(model, columns, (tuple(obj.__dict__[c] for c in columns) for obj in objects))
