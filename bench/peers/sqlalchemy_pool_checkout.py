# SQLAlchemy 1.4's QueuePool checkout+checkin and engine.connect()+close() on a SQLite file, in ns
# per cycle (best of 5 passes), for bench/pool_checkout.cpp: one line per thread count,
# "threads pool_ns engine_ns"; a pass runs N cycles split over the threads.
#
# poolclass=QueuePool is explicit because SQLAlchemy 1.4 gives a SQLite *file* database a NullPool
# (2.0 switched to QueuePool): without it every "checkout" opens and closes a sqlite3 connection,
# which measures sqlite3_open, not the pool.
import os
import sys
import tempfile
import threading
import time

from sqlalchemy import create_engine
from sqlalchemy.pool import QueuePool

N = 20000
THREADS = [int(t) for t in sys.argv[1:]] or [1, 2, 8]

path = os.path.join(tempfile.mkdtemp(), "pool.db")
# pool_size and max_overflow at their defaults (5 and 10), as on the C++ side.
# check_same_thread=False lets pysqlite connections move between threads, as pooled ones do.
engine = create_engine(
    "sqlite:///" + path, poolclass=QueuePool, connect_args={"check_same_thread": False}
)
pool = engine.pool
engine.connect().close()


def pool_cycles(n):
    for _ in range(n):
        pool.connect().close()


def engine_cycles(n):
    for _ in range(n):
        engine.connect().close()


def best(cycles, threads):
    result = float("inf")
    for _ in range(5):
        workers = [
            threading.Thread(target=cycles, args=(N // threads,)) for _ in range(threads)
        ]
        start = time.perf_counter()
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        result = min(result, (time.perf_counter() - start) * 1e9 / N)
    return result


assert isinstance(pool, QueuePool), type(pool)
for threads in THREADS:
    print(threads, best(pool_cycles, threads), best(engine_cycles, threads), flush=True)
