"""Case-insensitive search that works for Russian on both databases.

PostgreSQL's lower() folds every letter its ctype knows (C.UTF-8 and the usual UTF-8
locales know Cyrillic). SQLite's lower() folds only ASCII, so each SQLite connection gets
Python's str.lower as ``py_lower`` (``register_sqlite_functions``) and ``folded`` compiles
to it there.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

SQLITE_LOWER = "py_lower"


class folded(FunctionElement[str]):  # named like the SQL functions it stands beside
    """``lower(expression)``, Unicode-aware on both databases."""

    type = Text()
    inherit_cache = True


@compiles(folded)
def _lower(element: folded, compiler: SQLCompiler, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(folded, "sqlite")
def _py_lower(element: folded, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{SQLITE_LOWER}({compiler.process(element.clauses, **kw)})"


def register_sqlite_functions(dbapi_connection: Any) -> None:
    dbapi_connection.create_function(SQLITE_LOWER, 1, _fold, deterministic=True)


def _fold(value: str | None) -> str | None:
    return None if value is None else value.lower()
