"""psycopg2's side of bench/pg_executemany.cpp: execute_values of 200,000 rows, 1000 per INSERT
(SQLAlchemy 1.4's own page size); prints nanoseconds per row, wall and this process's CPU time
(best of 3 each).

Fills the table bench_bulk that the C++ bench created, on the server named by
ATHANOR_BENCH_POSTGRESQL_URL, truncating it (untimed) before every pass."""
import os
import time

import psycopg2
from psycopg2.extras import execute_values

ROWS = 200_000

rows = [(i, f"row_{i}", i * 0.25) for i in range(ROWS)]
conn = psycopg2.connect(os.environ["ATHANOR_BENCH_POSTGRESQL_URL"])
cur = conn.cursor()
best = best_cpu = None
for _ in range(3):
    cur.execute("TRUNCATE bench_bulk")
    conn.commit()
    start, cpu_start = time.perf_counter(), time.process_time()
    execute_values(cur, "INSERT INTO bench_bulk (a, b, c) VALUES %s", rows, page_size=1000)
    conn.commit()
    took, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    best = took if best is None else min(best, took)
    best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
print(best / ROWS * 1e9, best_cpu / ROWS * 1e9)
