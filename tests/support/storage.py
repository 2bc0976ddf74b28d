"""How many bytes a database holds in its variable-length columns (text, JSON, blobs)."""

from __future__ import annotations

from sqlalchemy import JSON, LargeBinary, String, Text, text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.base import Base

_VARIABLE = (LargeBinary, String, Text, JSON)


async def stored_bytes(connection: AsyncConnection) -> int:
    """The sum over every table of every such column's stored size: what the rows hold,
    without the pages, indexes and free space a fresh database starts with. PostgreSQL
    counts a value as stored (compressed, if it was); SQLite stores values as they are."""
    postgres = connection.dialect.name == "postgresql"
    total = 0
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, _VARIABLE):
                continue
            size = (
                f'pg_column_size("{column.name}")'
                if postgres
                else (f'length(CAST("{column.name}" AS BLOB))')
            )
            query = f'SELECT COALESCE(SUM({size}), 0) FROM "{table.name}"'
            total += int((await connection.execute(text(query))).scalar_one())
    return total
