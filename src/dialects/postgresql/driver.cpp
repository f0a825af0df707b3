#include "dialects/postgresql/driver.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstring>
#include <set>
#include <utility>

#include "dialects/postgresql/driver_impl.hpp"
#include "dialects/postgresql/errors.hpp"

namespace athanor::dialects::postgresql {

namespace {

// Rows a server-side cursor brings over per FETCH (psycopg2's itersize).
constexpr int kPortalBatch = 2000;

bool same_columns(const PGresult* r, const dbapi::Description& d) noexcept {
  const int n = PQnfields(r);
  if (d.columns.size() != static_cast<std::size_t>(n)) return false;
  for (int i = 0; i < n; ++i) {
    const auto& c = d.columns[static_cast<std::size_t>(i)];
    if (c.type_code != static_cast<int>(PQftype(r, i)) || c.name != PQfname(r, i)) return false;
  }
  return true;
}

// The description of `r` (null without columns), reusing `known` when it still matches.
std::shared_ptr<const dbapi::Description> describe(
    const PGresult* r, const std::shared_ptr<const dbapi::Description>& known) {
  const int n = PQnfields(r);
  if (n == 0) return nullptr;
  if (known && same_columns(r, *known)) return known;
  auto d = std::make_shared<dbapi::Description>();
  d->serial = dbapi::Description::next_serial();
  d->columns.resize(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    auto& c = d->columns[static_cast<std::size_t>(i)];
    c.name = PQfname(r, i);
    c.type_code = static_cast<int>(PQftype(r, i));
  }
  return d;
}

void decoders_of(const dbapi::Description* d, std::vector<Decoder>& out) {
  out.clear();
  if (!d) return;
  for (const auto& c : d->columns) out.push_back(decoder_for(static_cast<Oid>(c.type_code)));
}

}  // namespace

std::int64_t command_rowcount(const PGresult* r) noexcept {
  const char* tuples = PQcmdTuples(const_cast<PGresult*>(r));
  std::int64_t n = -1;
  if (tuples && *tuples) std::from_chars(tuples, tuples + std::strlen(tuples), n);
  return n;
}

// ---- PgCursor ---------------------------------------------------------------------------------

bool PgCursor::closed() const noexcept {
  return closed_ || !conn_ || conn_->closed();
}

void PgCursor::check_open() const {
  if (closed_) raise_interface_error("cursor already closed");
  if (!conn_) raise_connection_closed();
  conn_->check_usable();
}

void PgCursor::end_rows() noexcept {
  result_.reset();
  row_ = rows_ = 0;
  sql_.clear();
  fetch_sql_.clear();
  if (portal_.empty()) return;
  // A server-side cursor of a failed transaction is already gone; so is any, once the session is.
  PGconn* pg = conn_ ? conn_->pg() : nullptr;
  if (pg && PQstatus(pg) == CONNECTION_OK && PQtransactionStatus(pg) != PQTRANS_INERROR) {
    PQclear(PQexec(pg, ("CLOSE " + portal_).c_str()));
  }
  portal_.clear();
}

void PgCursor::transaction_ended() noexcept {
  // The server closed it with the transaction; fetch_sql_ stays, to report that.
  if (!portal_.empty() && !portal_holds_) portal_.clear();
}

void PgCursor::reopen() noexcept {
  closed_ = false;
  description_.reset();
  rowcount_ = -1;
  arraysize = 1;
}

void PgCursor::release() noexcept {
  if (conn_) {
    conn_->recycle(this);
  } else {
    delete this;
  }
}

bool PgCursor::nextset() {
  check_open();
  if (later_sets_.empty()) return false;
  ResultPtr next = std::move(later_sets_.front());
  later_sets_.pop_front();
  std::string sql = std::move(sql_);
  result_.reset();
  take_result(std::move(next), nullptr);
  sql_ = std::move(sql);
  return true;
}

void PgCursor::callproc(std::string_view name, const std::vector<Value>& params) {
  std::string sql = fmt::format("SELECT * FROM {}(", name);
  for (std::size_t i = 0; i < params.size(); ++i)
    fmt::format_to(std::back_inserter(sql), "{}${}", i ? ", " : "", i + 1);
  sql += ')';
  execute(sql, params);
}

void PgCursor::bind(std::span<const Value* const> row) {
  params_.resize(row.size());
  types_.resize(row.size());
  for (std::size_t i = 0; i < row.size(); ++i) {
    types_[i] = param_type(*row[i]);
    params_.set(i, *row[i]);
  }
}

namespace {

[[noreturn]] void raise_parameter_count(int expected, std::size_t supplied) {
  raise_programming_error(
      fmt::format("the query has {} placeholder{} ($1..${}) but {} parameter{} supplied", expected,
                  expected == 1 ? "" : "s", expected, supplied, supplied == 1 ? " was" : "s were"));
}

// Named sets are accepted only empty: executemany's stand-in for rows without parameters.
void require_positional(const dbapi::ParamRows& params) {
  if (!params.is_named()) return;
  for (std::size_t i = 0; i < params.rows(); ++i) {
    if (!params.named_row(i).empty()) {
      raise_programming_error(
          "the libpq driver takes positional parameters ($1..$n), not named ones");
    }
  }
}

}  // namespace

// The statement cache is keyed by text and parameter types, so the serial is not needed.
void PgCursor::execute_raw(std::string_view sql, std::size_t sql_hash, std::uint64_t /*sql_serial*/,
                           const dbapi::ParamRows& params, bool many) {
  check_open();
  discard_results();
  description_.reset();
  rowcount_ = -1;
  require_positional(params);
  if (many) {
    execute_many(sql, sql_hash, params);
  } else {
    execute_once(sql, sql_hash, params);
  }
}

void PgCursor::execute_once(std::string_view sql, std::size_t sql_hash,
                            const dbapi::ParamRows& params) {
  const bool positional = !params.is_named() && params.rows() > 0;
  bind(positional ? params.row(0) : std::span<const Value* const>());
  Statement& st = *conn_->statements().acquire(sql, sql_hash, types_);
  if (st.several_statements && types_.empty()) {
    execute_several(sql);
    return;
  }
  if (static_cast<std::size_t>(st.placeholders) != types_.size()) {
    raise_parameter_count(st.placeholders, types_.size());
  }
  conn_->begin_if_needed(st.begins_transaction);
  if (server_side_ && st.is_query) {
    open_portal(st);
    return;
  }
  take_result(conn_->run_statement(st, params_), &st);
}

// Several statements in one string go through the simple query protocol, which returns one
// result per statement: the first is current, nextset() moves on.
void PgCursor::execute_several(std::string_view sql) {
  conn_->begin_if_needed(true);
  const std::string text(sql);
  PGconn* pg = conn_->pg();
  if (!PQsendQuery(pg, text.c_str())) throw error_from_result(pg, nullptr);
  std::deque<ResultPtr> results;
  ResultPtr failed;
  while (PGresult* r = PQgetResult(pg)) {
    const auto status = PQresultStatus(r);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
      results.emplace_back(r);
    } else if (!failed) {
      failed.reset(r);
    } else {
      PQclear(r);
    }
  }
  if (failed) conn_->check(std::move(failed), nullptr);
  if (results.empty()) return;
  ResultPtr first = std::move(results.front());
  results.pop_front();
  take_result(std::move(first), nullptr);
  later_sets_ = std::move(results);
  sql_.assign(sql);
}

void PgCursor::take_result(ResultPtr result, Statement* st) {
  PGresult* r = result.get();
  if (st) {
    st->description = describe(r, st->description);
    if (st->decoders.size() != (st->description ? st->description->columns.size() : 0)) {
      decoders_of(st->description.get(), st->decoders);
    }
    description_ = st->description;
    decoders_ = st->decoders;
  } else {
    description_ = describe(r, nullptr);
    decoders_of(description_.get(), decoders_);
  }
  rowcount_ = command_rowcount(r);
  if (PQresultStatus(r) == PGRES_TUPLES_OK) {
    rows_ = PQntuples(r);
    row_ = 0;
    result_ = std::move(result);
    sql_.assign(st ? std::string_view(st->sql) : std::string_view());
  }
}

// A query on a server-side cursor runs as a named cursor (DECLARE ... CURSOR), read FETCH by
// FETCH. Inside a transaction it dies with it (WITHOUT HOLD); in autocommit mode there is none,
// so it is declared WITH HOLD and lives until end_rows() closes it.
void PgCursor::open_portal(Statement& st) {
  portal_holds_ = !conn_->in_transaction();
  std::string name = conn_->next_portal_name();
  Statement declare;
  declare.sql = fmt::format("DECLARE {} NO SCROLL CURSOR {} HOLD FOR {}", name,
                            portal_holds_ ? "WITH" : "WITHOUT", st.sql);
  declare.param_types = st.param_types;
  conn_->run_statement(declare, params_);
  portal_ = std::move(name);
  fetch_sql_ = fmt::format("FETCH FORWARD {} FROM {}", kPortalBatch, portal_);
  // The first batch gives the description, shared through the statement like a plain query's.
  take_result(conn_->check(ResultPtr(PQexec(conn_->pg(), fetch_sql_.c_str())), nullptr), &st);
  rowcount_ = -1;
  if (rows_ == 0) end_rows();
}

// Replaces the current rows with the next batch; false (and the cursor closed) at the end.
bool PgCursor::fetch_portal_batch() {
  if (portal_.empty()) {
    if (fetch_sql_.empty()) return false;
    raise_programming_error(
        "the server-side cursor ended with its transaction: read its rows before commit() or "
        "rollback()");
  }
  result_.reset();
  PGconn* pg = conn_->pg();
  ResultPtr r = conn_->check(ResultPtr(PQexec(pg, fetch_sql_.c_str())), nullptr);
  rows_ = PQntuples(r.get());
  row_ = 0;
  if (rows_ == 0) {
    end_rows();
    return false;
  }
  result_ = std::move(r);
  return true;
}

bool PgCursor::fetch_into(std::span<Value> row) {
  return fetch_many_into(row, row.size(), 1) == 1;
}

bool PgCursor::at_end() const noexcept {
  // A server-side cursor's last batch is the one that came back short.
  return !result_ || (row_ >= rows_ && (fetch_sql_.empty() || rows_ < kPortalBatch));
}

std::size_t PgCursor::fetch_many_into(std::span<Value> out, std::size_t width, std::size_t rows) {
  check_open();
  const std::size_t columns = decoders_.size();
  for (std::size_t i = 0; i < rows; ++i) {
    if (!result_) return i;
    if (row_ >= rows_) {
      if (fetch_sql_.empty() || rows_ < kPortalBatch) {
        end_rows();
        return i;
      }
      if (!fetch_portal_batch()) return i;
    }
    const PGresult* r = result_.get();
    const std::span<Value> dest = out.subspan(i * width, width);
    for (std::size_t c = 0; c < columns && c < dest.size(); ++c) {
      const int col = static_cast<int>(c);
      if (PQgetisnull(r, row_, col)) {
        dest[c].set_null();
      } else {
        decode_field(
            decoders_[c],
            {PQgetvalue(r, row_, col), static_cast<std::size_t>(PQgetlength(r, row_, col))},
            dest[c], scratch_);
      }
    }
    ++row_;
  }
  return rows;
}

// ---- PgConnection -----------------------------------------------------------------------------

PgConnection::~PgConnection() {
  close();
  for_each_cursor([](PgCursor& c) { c.detach(); });
  while (free_) delete std::exchange(free_, free_->next);
}

dbapi::CursorPtr PgConnection::make_cursor(bool server_side) {
  check_usable();
  PgCursor* c = nullptr;
  // A recycled cursor must be of the same sort; the free list is short, so a scan is cheap.
  for (PgCursor** slot = &free_; *slot; slot = &(*slot)->next) {
    if ((*slot)->is_server_side() == server_side) {
      c = *slot;
      *slot = c->next;
      c->reopen();
      break;
    }
  }
  if (!c) c = new PgCursor(this, server_side);
  c->prev = nullptr;
  c->next = live_;
  if (live_) live_->prev = c;
  live_ = c;
  return dbapi::CursorPtr(c);
}

void PgConnection::recycle(PgCursor* c) noexcept {
  c->discard_results();
  (c->prev ? c->prev->next : live_) = c->next;
  if (c->next) c->next->prev = c->prev;
  c->prev = nullptr;
  c->next = free_;
  free_ = c;
}

void PgConnection::check_usable() const {
  if (!pg_) raise_connection_closed();
  if (PQstatus(pg_) == CONNECTION_BAD) throw error_from_result(pg_, nullptr);
}

bool PgConnection::in_transaction() const noexcept {
  if (!pg_) return false;
  const auto s = PQtransactionStatus(pg_);
  return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

bool PgConnection::needs_begin(bool begins) const noexcept {
  return begins && !autocommit_ && PQtransactionStatus(pg_) == PQTRANS_IDLE;
}

void PgConnection::begin_if_needed(bool begins) {
  if (needs_begin(begins)) run_command("BEGIN");
}

void PgConnection::run_command(const char* sql) {
  check(ResultPtr(PQexec(pg_, sql)), nullptr);
}

ResultPtr PgConnection::check(ResultPtr result, Statement* st) {
  const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_COPY_IN) {
    return result;
  }
  dbapi::Error e = error_from_result(pg_, result.get());
  // 0A000 "cached plan must not change result type" (the table changed under the statement)
  // and 26000 (DEALLOCATE ALL, DISCARD ALL): prepare afresh next time.
  if (st && st->prepared && (e.native_code() == "0A000" || e.native_code() == "26000")) {
    statements_.forget(st);
  }
  throw e;
}

ResultPtr PgConnection::run_statement(Statement& st, const ParamBuffer& params) {
  const int n = static_cast<int>(params.size());
  const Oid* types = st.param_types.empty() ? nullptr : st.param_types.data();
  if (st.name.empty()) {
    return check(ResultPtr(PQexecParams(pg_, st.sql.c_str(), n, types, params.values(),
                                        params.lengths(), params.formats(), 0)),
                 &st);
  }
  if (!st.prepared) {
    check(ResultPtr(PQprepare(pg_, st.name.c_str(), st.sql.c_str(), n, types)), nullptr);
    st.prepared = true;
  }
  return check(ResultPtr(PQexecPrepared(pg_, st.name.c_str(), n, params.values(), params.lengths(),
                                        params.formats(), 0)),
               &st);
}

std::string PgConnection::next_portal_name() {
  return "athanor_c_" + std::to_string(++portals_);
}

void PgConnection::end_transaction(const char* sql) {
  check_usable();
  if (!in_transaction()) return;
  run_command(sql);
  for_each_cursor([](PgCursor& c) { c.transaction_ended(); });
}

void PgConnection::set_autocommit(bool on) {
  check_usable();
  if (on && in_transaction()) commit();
  autocommit_ = on;
}

void PgConnection::close_cursors() noexcept {
  for_each_cursor([](PgCursor& c) { c.close(); });
}

void PgConnection::close() noexcept {
  if (!pg_) return;
  PGconn* pg = std::exchange(pg_, nullptr);  // cursors now skip telling the server
  for_each_cursor([](PgCursor& c) { c.discard_results(); });
  statements_.clear();
  PQfinish(pg);
}

// ---- connect ----------------------------------------------------------------------------------

namespace {

// libpq's connection keywords, asked once.
const std::set<std::string, std::less<>>& libpq_keywords() {
  static const std::set<std::string, std::less<>> keywords = [] {
    std::set<std::string, std::less<>> names;
    PQconninfoOption* options = PQconndefaults();
    for (PQconninfoOption* o = options; o && o->keyword; ++o) names.emplace(o->keyword);
    PQconninfoFree(options);
    return names;
  }();
  return keywords;
}

[[noreturn]] void raise_bad_argument(std::string_view key, std::string_view expected) {
  raise_interface_error(fmt::format("connect() argument '{}' must be {}", key, expected));
}

std::string argument_text(std::string_view key, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::text:
    case Value::Kind::decimal:
      return std::string(v.text_unchecked());
    case Value::Kind::integer:
      return std::to_string(v.integer_unchecked());
    case Value::Kind::boolean:
      return v.integer_unchecked() ? "1" : "0";
    case Value::Kind::real: {
      TextSlot slot;
      return std::string(*format_scalar(v, slot));
    }
    default:
      raise_bad_argument(key, "text or a number");
  }
}

bool is_utf8_name(std::string_view name) {
  std::string folded;
  for (char c : name) {
    if (c != '-' && c != '_') folded += static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  }
  return folded == "UTF8" || folded == "UNICODE";
}

}  // namespace

dbapi::ConnectionPtr connect(const ConnectArgs& args) {
  std::int64_t cache_size = 100;
  std::vector<std::string> keys, values;
  for (const auto& [key, value] : args) {
    if (key == "prepared_statement_cache_size") {
      if (value.kind() != Value::Kind::integer || value.integer_unchecked() < 0) {
        raise_bad_argument(key, "a non-negative integer");
      }
      cache_size = value.integer_unchecked();
      continue;
    }
    if (value.is_null()) continue;
    // psycopg2 accepts `database` for libpq's `dbname`.
    const std::string keyword = key == "database" ? "dbname" : key;
    if (!libpq_keywords().contains(keyword)) {
      raise_interface_error(fmt::format("'{}' is an invalid keyword argument for connect()", key));
    }
    std::string text = argument_text(key, value);
    if (keyword == "client_encoding") {
      if (!is_utf8_name(text)) {
        raise_interface_error(
            fmt::format("the libpq driver speaks UTF-8 only; client_encoding '{}' is not", text));
      }
      continue;
    }
    keys.push_back(keyword);
    values.push_back(std::move(text));
  }
  // Values are UTF-8 whatever the server's or the environment's encoding.
  keys.emplace_back("client_encoding");
  values.emplace_back("UTF8");
  std::vector<const char*> key_ptrs, value_ptrs;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    key_ptrs.push_back(keys[i].c_str());
    value_ptrs.push_back(values[i].c_str());
  }
  key_ptrs.push_back(nullptr);
  value_ptrs.push_back(nullptr);

  PGconn* pg = PQconnectdbParams(key_ptrs.data(), value_ptrs.data(), 0);
  if (!pg || PQstatus(pg) != CONNECTION_OK) {
    std::string message = pg ? PQerrorMessage(pg) : "out of memory";
    PQfinish(pg);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
      message.pop_back();
    }
    throw dbapi::Error(dbapi::ErrorKind::operational_error, std::string(kDriverName),
                       std::move(message), "08001");
  }
  // The server's notices (NOTICE, WARNING) are not errors; libpq would print them to stderr.
  PQsetNoticeProcessor(
      pg, [](void*, const char*) {}, nullptr);
  auto conn = std::make_unique<PgConnection>(pg, static_cast<std::size_t>(cache_size));
  // Dates and timestamps are decoded from ISO text; a server configured otherwise is told.
  const char* datestyle = PQparameterStatus(pg, "DateStyle");
  if (!datestyle || std::strncmp(datestyle, "ISO", 3) != 0)
    conn->run_command("SET DateStyle = ISO");
  // Before PostgreSQL 12, floats are sent rounded unless asked for every digit.
  if (PQserverVersion(pg) < 120000) conn->run_command("SET extra_float_digits = 3");
  return conn;
}

}  // namespace athanor::dialects::postgresql
