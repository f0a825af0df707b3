# SQLAlchemy 1.4's QueuePool checkout+checkin and engine.connect()+close() on a SQLite file,
# in ns per cycle (best of 5 passes), printed as two numbers for bench/pool_checkout.cpp.
import os
import tempfile
import time

from sqlalchemy import create_engine

N = 20000
path = os.path.join(tempfile.mkdtemp(), "pool.db")
engine = create_engine("sqlite:///" + path)
pool = engine.pool


def best(fn):
    result = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        fn()
        result = min(result, (time.perf_counter() - start) * 1e9 / N)
    return result


def pool_cycles():
    for _ in range(N):
        pool.connect().close()


def engine_cycles():
    for _ in range(N):
        engine.connect().close()


print(best(pool_cycles), best(engine_cycles))
