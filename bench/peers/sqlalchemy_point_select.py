"""SQLAlchemy's side of bench/point_select.cpp: prints nanoseconds per execution (best of 3)."""
import time

from sqlalchemy import create_engine, text

ROWS = 10_000
EXECUTIONS = 20_000  # a tenth of the C++ count: the per-operation figure is what is compared

engine = create_engine("sqlite://", future=True)
with engine.connect() as conn:
    conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, value REAL)"))
    conn.execute(
        text("INSERT INTO t VALUES (:id, :name, :value)"),
        [{"id": i, "name": f"name_{i}", "value": i * 0.5} for i in range(1, ROWS + 1)],
    )
    stmt = text("SELECT id, name, value FROM t WHERE id = :id")
    best = None
    for _ in range(3):
        ints = chars = 0
        reals = 0.0
        start = time.perf_counter()
        for i in range(EXECUTIONS):
            for row in conn.execute(stmt, {"id": (i * 7919) % ROWS + 1}):
                ints += row[0]
                chars += len(row[1])
                reals += row[2]
        took = time.perf_counter() - start
        best = took if best is None else min(best, took)
    print(best / EXECUTIONS * 1e9)
