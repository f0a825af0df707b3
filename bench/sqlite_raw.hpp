// The raw sqlite3 contenders' connection: opened as Athanor's driver opens its own
// (src/dialects/sqlite/driver.cpp), SQLITE_OPEN_NOMUTEX included. With plain sqlite3_open()
// Debian's serialized build locks the connection's mutex in every API call (~560 instructions
// per point select), which the physical limit need not pay: one thread uses the connection.
#pragma once

#include <sqlite3.h>

namespace sqlite_bench {

inline sqlite3* open_raw_memory() {
  sqlite3* db = nullptr;
  sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                  nullptr);
  return db;
}

}  // namespace sqlite_bench
