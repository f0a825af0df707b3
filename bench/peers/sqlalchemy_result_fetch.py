"""SQLAlchemy's side of bench/result_fetch.cpp: prints nanoseconds per row (best of 3)."""
import time

from sqlalchemy import create_engine, text

ROWS = 1_000_000

engine = create_engine("sqlite://", future=True)
with engine.connect() as conn:
    conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, value REAL)"))
    conn.execute(
        text(
            "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < :rows) "
            "INSERT INTO t SELECT n, 'name_' || n, n * 0.5 FROM g"
        ),
        {"rows": ROWS},
    )
    stmt = text("SELECT id, name, value FROM t")
    best = None
    for _ in range(3):
        ints = chars = 0
        reals = 0.0
        start = time.perf_counter()
        for row in conn.execute(stmt):
            ints += row[0]
            chars += len(row[1])
            reals += row[2]
        took = time.perf_counter() - start
        best = took if best is None else min(best, took)
    print(best / ROWS * 1e9)
