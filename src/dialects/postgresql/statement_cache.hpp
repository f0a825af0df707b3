// Named prepared statements of one PostgreSQL connection, and the LRU cache that keeps them
// between executions, keyed by SQL text and parameter types (a statement's parameter types are
// fixed when it is prepared, so "$1" prepared for an integer is another statement than "$1"
// prepared for a date).
//
// A cursor copies what it needs from a statement when it executes it (the result stands alone),
// so eviction may deallocate a statement at once.
#pragma once

#include <libpq-fe.h>

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "athanor/dbapi.hpp"
#include "dialects/postgresql/types.hpp"
#include "lru_cache.hpp"

namespace athanor::dialects::postgresql {

struct Statement : detail::LruEntry<Statement> {
  std::string name;  // empty: the unnamed statement (not cached)
  std::string sql;
  std::size_t hash = 0;  // of sql and param_types
  std::vector<Oid> param_types;
  int placeholders = 0;
  bool several_statements = false;  // runs through the simple query protocol
  bool begins_transaction = true;   // false for BEGIN, COMMIT, ...: no implicit BEGIN
  bool is_query = false;            // SELECT, WITH, VALUES, TABLE: a server-side cursor applies
  bool prepared = false;            // PQprepare has run for `name`
  // Shared by every execution with the same columns; null until first run or without columns.
  std::shared_ptr<const dbapi::Description> description;
  std::vector<Decoder> decoders;  // one per column of `description`
};

class StatementCache {
 public:
  StatementCache(PGconn* conn, std::size_t capacity) : conn_(conn), capacity_(capacity) {}
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  std::size_t capacity() const noexcept { return capacity_; }
  std::size_t size() const noexcept { return entries_.size(); }

  // The statement for `sql` (sql_hash = std::hash<std::string_view>) with these parameter types:
  // a cached one, a new one entering the cache (prepared = false; the oldest may be evicted and
  // deallocated on the server), or with capacity 0 the one reusable unnamed statement. Valid until
  // the next acquire().
  Statement* acquire(std::string_view sql, std::size_t sql_hash, std::span<const Oid> types);
  // Forgets every statement without telling the server (the session is gone or reset).
  void clear() noexcept;
  // Drops a statement the server no longer accepts (its result type changed under it).
  void forget(Statement* st) noexcept;

 private:
  struct Key {
    std::string_view sql;
    std::span<const Oid> types;
    std::size_t hash;
    bool operator==(const Key& o) const noexcept;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept { return k.hash; }
  };

  static Key key_of(const Statement& st) noexcept { return {st.sql, st.param_types, st.hash}; }

  PGconn* conn_;
  std::size_t capacity_;
  std::uint64_t next_name_ = 0;
  detail::LruCache<Key, Statement, KeyHash> entries_;  // keys view the statements
  Statement unnamed_;
};

}  // namespace athanor::dialects::postgresql
