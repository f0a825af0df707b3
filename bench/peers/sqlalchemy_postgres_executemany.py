"""SQLAlchemy's side of bench/pg_executemany.cpp, over psycopg2; prints two lines, nanoseconds
per row, wall and this process's CPU time (best of 3 each):
  insert() executemany of 200,000 rows (1.4 batches them with execute_values, 1000 per page)
  text() executemany of 10,000 rows (psycopg2's cursor.executemany: one statement per row, so
  fewer rows; the per-row figure is what is compared)

Fills the table bench_bulk that the C++ bench created, on the server named by
ATHANOR_BENCH_POSTGRESQL_URL, truncating it (untimed) before every pass."""
import os
import time

from sqlalchemy import Column, Float, Integer, MetaData, Table, Text, create_engine, text

ROWS = 200_000
TEXT_ROWS = 10_000

url = os.environ["ATHANOR_BENCH_POSTGRESQL_URL"].replace("postgresql://", "postgresql+psycopg2://", 1)
engine = create_engine(url, future=True)
table = Table("bench_bulk", MetaData(), Column("a", Integer), Column("b", Text), Column("c", Float))
rows = [{"a": i, "b": f"row_{i}", "c": i * 0.25} for i in range(ROWS)]


def print_best_per_row(statement, params):
    best = best_cpu = None
    with engine.connect() as conn:
        for _ in range(3):
            conn.execute(text("TRUNCATE bench_bulk"))
            conn.commit()
            start, cpu_start = time.perf_counter(), time.process_time()
            conn.execute(statement, params)
            conn.commit()
            took, cpu = time.perf_counter() - start, time.process_time() - cpu_start
            best = took if best is None else min(best, took)
            best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
    print(best / len(params) * 1e9, best_cpu / len(params) * 1e9, flush=True)


print_best_per_row(table.insert(), rows)
print_best_per_row(text("INSERT INTO bench_bulk (a, b, c) VALUES (:a, :b, :c)"), rows[:TEXT_ROWS])
