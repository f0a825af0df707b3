// The libpq driver's connection and cursor, shared by driver.cpp (connect, execute, fetch,
// transactions), driver_batch.cpp (executemany) and copy.cpp (COPY FROM STDIN).
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "athanor/dbapi.hpp"
#include "dialects/postgresql/statement_cache.hpp"
#include "dialects/postgresql/types.hpp"

namespace athanor::dialects::postgresql {

class PgConnection;

// Owns one PGresult.
struct ResultDeleter {
  void operator()(PGresult* r) const noexcept { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

class PgCursor final : public dbapi::Cursor {
 public:
  PgCursor(PgConnection* conn, bool server_side) noexcept
      : conn_(conn), server_side_(server_side) {}

  const dbapi::Description* description() const noexcept override { return description_.get(); }
  std::string_view statement() const noexcept override { return sql_; }
  std::int64_t rowcount() const noexcept override { return rowcount_; }
  std::optional<std::int64_t> lastrowid() const noexcept override { return std::nullopt; }
  bool nextset() override;
  void callproc(std::string_view name, const std::vector<Value>& params) override;
  void close() noexcept override {
    discard_results();
    closed_ = true;
  }
  bool closed() const noexcept override;
  void execute_raw(std::string_view sql, std::size_t sql_hash, std::uint64_t sql_serial,
                   const dbapi::ParamRows& params, bool many) override;
  bool fetch_into(std::span<Value> row) override;
  std::size_t fetch_many_into(std::span<Value> out, std::size_t width, std::size_t rows) override;
  bool at_end() const noexcept override;

  // --- for PgConnection -----------------------------------------------------------------------
  // Drops the current rows (closing a server-side cursor while the session can still take
  // commands); description, rowcount and the further result sets stay.
  void end_rows() noexcept;
  // Drops the current rows and the further result sets.
  void discard_results() noexcept {
    later_sets_.clear();
    end_rows();
  }
  // COMMIT or ROLLBACK ended the transaction: a server-side cursor declared inside it is gone.
  void transaction_ended() noexcept;
  void reopen() noexcept;
  void detach() noexcept { conn_ = nullptr; }
  bool is_server_side() const noexcept { return server_side_; }
  PgCursor* prev = nullptr;  // the connection's list of handed-out cursors, or its free list
  PgCursor* next = nullptr;

 protected:
  void release() noexcept override;

 private:
  void check_open() const;
  // Fills params_ and types_ from one positional row (none when `row` is empty).
  void bind(std::span<const Value* const> row);
  void execute_once(std::string_view sql, std::size_t sql_hash, const dbapi::ParamRows& params);
  void execute_several(std::string_view sql);
  void open_portal(Statement& st);
  bool fetch_portal_batch();
  // Makes `result` the cursor's current result: rows, description (shared through `st` when
  // given), rowcount.
  void take_result(ResultPtr result, Statement* st);
  // executemany (driver_batch.cpp).
  void execute_many(std::string_view sql, std::size_t sql_hash, const dbapi::ParamRows& params);
  bool execute_values_batches(std::string_view sql, const dbapi::ParamRows& params);
  void execute_pipelined(std::string_view sql, std::size_t sql_hash,
                         const dbapi::ParamRows& params);
  // The merged parameter types of every row (types_), checked against the placeholders.
  void merge_types(const dbapi::ParamRows& params);

  PgConnection* conn_;
  const bool server_side_;
  bool closed_ = false;
  ResultPtr result_;
  int row_ = 0, rows_ = 0;
  std::deque<ResultPtr> later_sets_;  // the further results of a multi-statement execute
  std::shared_ptr<const dbapi::Description> description_;
  std::vector<Decoder> decoders_;
  std::int64_t rowcount_ = -1;
  std::string sql_;
  std::string portal_;  // the server-side cursor's name while it is open
  std::string fetch_sql_;
  bool portal_holds_ = false;  // WITH HOLD: survives the end of the transaction
  ParamBuffer params_;
  std::vector<Oid> types_;
  std::vector<std::byte> scratch_;
  std::string batch_sql_;  // executemany's multi-row VALUES statement
  std::vector<Oid> batch_types_;
};

class PgConnection final : public dbapi::Connection {
 public:
  PgConnection(PGconn* pg, std::size_t statement_cache_size) noexcept
      : pg_(pg), statements_(pg, statement_cache_size) {}
  ~PgConnection() override;

  dbapi::CursorPtr cursor() override { return make_cursor(false); }
  dbapi::CursorPtr server_side_cursor() override { return make_cursor(true); }
  void commit() override { end_transaction("COMMIT"); }
  void rollback() override { end_transaction("ROLLBACK"); }
  void close() noexcept override;
  bool closed() const noexcept override { return !pg_ || PQstatus(pg_) == CONNECTION_BAD; }
  bool in_transaction() const noexcept override;
  void set_autocommit(bool on) override;
  bool autocommit() const noexcept override { return autocommit_; }
  void close_cursors() noexcept override;
  void* native_handle() noexcept override { return pg_; }

  // --- for PgCursor and copy_from -------------------------------------------------------------
  PGconn* pg() const noexcept { return pg_; }
  StatementCache& statements() noexcept { return statements_; }
  // Throws interface_error after close(), operational_error "08006" once the socket is dead.
  void check_usable() const;
  // BEGIN, unless in autocommit mode, already in a transaction, or `begins` is false.
  void begin_if_needed(bool begins);
  bool needs_begin(bool begins) const noexcept;
  // Runs a statement without parameters or rows (BEGIN, CLOSE, ...); throws its error.
  void run_command(const char* sql);
  // Prepares `st` when it is named and not prepared yet, then runs it once with `params`.
  ResultPtr run_statement(Statement& st, const ParamBuffer& params);
  // Throws the error of a failed result (for `st`, forgetting it when the server no longer knows
  // it as prepared), or returns the result when it succeeded.
  ResultPtr check(ResultPtr result, Statement* st);
  std::string next_portal_name();
  void recycle(PgCursor* c) noexcept;

 private:
  dbapi::CursorPtr make_cursor(bool server_side);
  void end_transaction(const char* sql);
  template <typename F>
  void for_each_cursor(F f) noexcept {
    for (PgCursor* c = live_; c;) {
      PgCursor* next = c->next;
      f(*c);
      c = next;
    }
  }

  PGconn* pg_;
  bool autocommit_ = false;
  StatementCache statements_;
  std::uint64_t portals_ = 0;
  PgCursor* live_ = nullptr;  // handed out (open or closed), doubly linked
  PgCursor* free_ = nullptr;  // released, ready for reuse, linked through `next`
};

// The rowcount a command tag carries ("UPDATE 3" → 3); -1 for commands without one.
std::int64_t command_rowcount(const PGresult* r) noexcept;

}  // namespace athanor::dialects::postgresql
