"""SQLAlchemy's side of bench/pg_point_select.cpp: text() over psycopg2, prints nanoseconds per
execution, wall and this process's CPU time (best of 3 each).

Reads the table bench_point that the C++ bench created, on the server named by
ATHANOR_BENCH_POSTGRESQL_URL."""
import os
import time

from sqlalchemy import create_engine, text

ROWS = 10_000
EXECUTIONS = 20_000

url = os.environ["ATHANOR_BENCH_POSTGRESQL_URL"].replace("postgresql://", "postgresql+psycopg2://", 1)
engine = create_engine(url, future=True)
with engine.connect() as conn:
    stmt = text("SELECT id, name, value FROM bench_point WHERE id = :id")
    best = best_cpu = None
    for _ in range(3):
        ints = chars = 0
        reals = 0.0
        start, cpu_start = time.perf_counter(), time.process_time()
        for i in range(EXECUTIONS):
            for row in conn.execute(stmt, {"id": (i * 7919) % ROWS + 1}):
                ints += row[0]
                chars += len(row[1])
                reals += row[2]
        took, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        best = took if best is None else min(best, took)
        best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
print(best / EXECUTIONS * 1e9, best_cpu / EXECUTIONS * 1e9)
