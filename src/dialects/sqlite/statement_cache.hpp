// Prepared statements of one SQLite connection, and the LRU cache that keeps them between
// executions (Python's sqlite3 `cached_statements`).
//
// A cached statement is lent to one cursor at a time. A second cursor asking for the same SQL
// while the first still iterates gets a private statement, finalized when it is released, so two
// cursors never step one sqlite3_stmt. Eviction never finalizes a statement that is lent out: it
// leaves the cache and is finalized when its cursor gives it back.
#pragma once

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "athanor/dbapi.hpp"
#include "lru_cache.hpp"

namespace athanor::dialects::sqlite {

struct Statement : detail::LruEntry<Statement> {
  Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(stmt); }

  // After sqlite3_step: SQLite re-prepares a statement behind our back when the schema changed,
  // and its columns may differ then. Inline: it runs on every execution, and almost never finds a
  // re-prepare.
  void refresh_after_reprepare() {
    const int n = sqlite3_stmt_status(stmt, SQLITE_STMTSTATUS_REPREPARE, 0);
    if (n != reprepares) redescribe(n);
  }

  sqlite3_stmt* stmt = nullptr;  // null when the SQL holds no statement (blank, comments only)
  std::string sql;
  std::size_t hash = 0;
  // The sql_serial (dbapi::Cursor::execute_raw) it was last acquired with: it stands for `sql`.
  std::uint64_t serial = 0;
  // Shared with the cursors that ran it, which keep their description after the statement went
  // back to the cache (or was finalized). Null when the statement returns no columns.
  std::shared_ptr<const dbapi::Description> description;
  int reprepares = 0;
  // sqlite3_bind_parameter_count, fixed by the SQL text (a re-prepare does not change it).
  int parameters = 0;
  bool begins_transaction = true;  // false for BEGIN, COMMIT, PRAGMA, ...: no implicit BEGIN
  bool is_dml = false;             // INSERT, UPDATE, DELETE, REPLACE: rowcount applies
  bool is_insert = false;          // INSERT, REPLACE: lastrowid applies
  bool in_use = false;

 private:
  void redescribe(int new_reprepares);
};

class StatementCache {
 public:
  StatementCache(sqlite3* db, std::size_t capacity) : db_(db), capacity_(capacity) {}
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;
  ~StatementCache() { clear(); }

  // A statement for `sql` (hash = std::hash<std::string_view>, serial as for
  // dbapi::Cursor::execute_raw), marked in use. Throws dbapi::Error when SQLite rejects the SQL
  // or it holds more than one statement.
  Statement* acquire(std::string_view sql, std::size_t hash, std::uint64_t serial) {
    // The statement run last is the likeliest to run again (a loop over one query): no hashing
    // into the table for it, and no call; known by its serial, not even a comparison of the text.
    if (Statement* mru = entries_.newest(); mru && !mru->in_use) {
      if (mru->serial == serial && serial != 0) {
        mru->in_use = true;
        return mru;
      }
      if (mru->hash == hash && mru->sql == sql) {
        mru->in_use = true;
        if (serial != 0) mru->serial = serial;
        return mru;
      }
    }
    return acquire_other(sql, hash, serial);
  }
  // Resets the statement and takes it back; finalizes it when it is not cached.
  void release(Statement* st) noexcept;
  // Finalizes every cached statement; none may be in use.
  void clear() noexcept;
  std::size_t size() const noexcept { return entries_.size(); }

 private:
  struct Key {
    std::string_view sql;
    std::size_t hash;
    bool operator==(const Key& o) const noexcept { return hash == o.hash && sql == o.sql; }
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept { return k.hash; }
  };

  static Key key_of(const Statement& st) noexcept { return {st.sql, st.hash}; }
  // acquire() when the newest statement will not do: a lookup in the table, else a prepare.
  Statement* acquire_other(std::string_view sql, std::size_t hash, std::uint64_t serial);
  void evict_oldest() noexcept;

  sqlite3* db_;
  std::size_t capacity_;
  detail::LruCache<Key, Statement, KeyHash> entries_;  // keys view Statement::sql
};

}  // namespace athanor::dialects::sqlite
