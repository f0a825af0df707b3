// The execution pipeline: statement → compiled form → parameters by position → cursor → result,
// with autobegin, cursor events, echo logging and error wrapping on the way.
//
// The hot path (a cached text() with a few parameters, no listeners, echo off) allocates nothing
// of its own: parameters are passed to the driver as pointers to the caller's Values, the
// compiled form and the result keys are cached, and the row buffer is recycled.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <optional>

#include "athanor/exc.hpp"
#include "engine/insertmanyvalues.hpp"
#include "engine/state.hpp"
#include "short_name.hpp"

namespace athanor {

namespace detail {

namespace {

// Pointers to the parameter values, inline for the common few.
class ParamRefs {
 public:
  ParamRefs() = default;
  ParamRefs(const ParamRefs&) = delete;  // data_ may point into this object
  ParamRefs& operator=(const ParamRefs&) = delete;
  void reserve(std::size_t n) {
    if (n > inline_.size()) {
      heap_.resize(n);
      data_ = heap_.data();
    }
    size_ = 0;
  }
  void push(const Value* v) { data_[size_++] = v; }
  std::span<const Value* const> span() const { return {data_, size_}; }

 private:
  std::array<const Value*, 16> inline_;  // filled before read
  std::vector<const Value*> heap_;
  const Value** data_ = inline_.data();  // inline_, or heap_ once a row needs more
  std::size_t size_ = 0;
};

// One named parameter set as the caller gave it: a Params, or a braced list bound in place.
class NamedSet {
 public:
  NamedSet(const Params& p) : params_(&p) {}  // NOLINT: implicit by design
  NamedSet(std::initializer_list<Params::value_type> list) : list_(list) {}

  const Value* find(std::string_view name) const noexcept {
    if (params_) return params_->find(name);
    for (auto it = std::rbegin(list_); it != std::rend(list_); ++it) {  // last one wins
      if (same_short_name(it->first, name)) return &it->second;
    }
    return nullptr;
  }
  Params to_params() const { return params_ ? *params_ : Params(list_); }
  // The set as Params, made in `storage` when it is a braced list.
  const Params& as_params(std::optional<Params>& storage) const {
    if (params_) return *params_;
    return storage.emplace(list_);
  }

 private:
  const Params* params_ = nullptr;
  std::initializer_list<Params::value_type> list_;
};

[[noreturn]] void throw_missing_bind(std::string_view name, std::optional<std::size_t> group,
                                     const sql::Compiled& compiled, const NamedSet& given,
                                     bool hide_parameters) {
  std::string message = fmt::format(
      "(athanor.exc.InvalidRequestError) A value is required for bind parameter '{}'", name);
  if (group) message += fmt::format(", in parameter group {}", *group);
  throw exc::StatementError(std::move(message), compiled.sql, given.to_params().repr(), nullptr,
                            hide_parameters, "cd3x");
}

// RETURNING that an executemany cannot give fails the execution context, as a missing value does.
[[noreturn]] void throw_executemany_refused(std::string message, const sql::Compiled& compiled,
                                            std::span<const NamedSet> given, bool hide_parameters) {
  std::vector<Params> sets;
  std::vector<const Params*> refs;
  sets.reserve(given.size());
  for (const NamedSet& set : given) refs.push_back(&sets.emplace_back(set.to_params()));
  throw exc::StatementError("(athanor.exc.InvalidRequestError) " + message, compiled.sql,
                            repr_params(dbapi::ParamRows::named(refs), true),
                            std::make_exception_ptr(exc::InvalidRequestError(message)),
                            hide_parameters);
}

// The value of bind `name` for one parameter set: the caller's, else the set's callable column
// defaults, else the statement's own bound values. `literal`: the statement's literal that fills
// this placeholder (Compiled::positional_literals), found without comparing names; -1 for none.
const Value* find_bind(std::string_view name, const NamedSet& given, const Params* defaults,
                       const sql::BoundValues* bound, int literal = -1) {
  const Value* v = given.find(name);
  if (!v && defaults) v = defaults->find(name);
  if (!v && bound) {
    v = literal >= 0 ? bound->literal(static_cast<std::size_t>(literal)) : bound->find(name);
  }
  return v;
}

// Fills `refs` with one row of positional values for `compiled` from `given`, its defaults and
// the statement's own bound values.
void bind_row(const sql::Compiled& compiled, const NamedSet& given, const Params* defaults,
              const sql::BoundValues* bound, std::optional<std::size_t> group, bool hide_parameters,
              ParamRefs& refs) {
  const auto& names = compiled.positional_names;
  if (!defaults && !bound) {
    // text() and most constructs: the caller's values alone, with nothing else to consult.
    for (const std::string& name : names) {
      const Value* v = given.find(name);
      if (!v) throw_missing_bind(name, group, compiled, given, hide_parameters);
      refs.push(v);
    }
    return;
  }
  const auto& literals = compiled.positional_literals;  // empty for text()
  for (std::size_t position = 0; position < names.size(); ++position) {
    const std::string& name = names[position];
    const int literal = position < literals.size() ? literals[position] : -1;
    const Value* v = find_bind(name, given, defaults, bound, literal);
    if (!v) throw_missing_bind(name, group, compiled, given, hide_parameters);
    refs.push(v);
  }
}

std::string badge(sql::CacheOutcome outcome, const sql::Compiled* compiled,
                  std::chrono::duration<double> compile_time) {
  switch (outcome) {
    case sql::CacheOutcome::generated:
      return fmt::format("generated in {:.5f}s", compile_time.count());
    case sql::CacheOutcome::cached: {
      const std::chrono::duration<double> age =
          std::chrono::steady_clock::now() - compiled->created;
      return fmt::format("cached since {:.4g}s ago", age.count());
    }
    case sql::CacheOutcome::no_key:
      return fmt::format("no key {:.5f}s", compile_time.count());
    case sql::CacheOutcome::disabled:
      return fmt::format("caching disabled {:.5f}s", compile_time.count());
  }
  return {};
}

// One value for a log line: its repr, cut in the middle past 300 characters as SQLAlchemy does.
void append_value(std::string& out, const Value& v) {
  std::string r = v.repr();
  if (r.size() > 300) {
    r = fmt::format("{} ... ({} characters truncated) ... {}", r.substr(0, 150), r.size() - 300,
                    r.substr(r.size() - 150));
  }
  out += r;
}

void append_row(std::string& out, std::span<const Value* const> row) {
  out += '(';
  const std::size_t n = row.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (n > 100 && i == 50) {
      out += fmt::format(" ... {} parameters truncated ... ", n - 100);
      i = n - 50;
    }
    if (i > 0 && !(n > 100 && i == n - 50)) out += ", ";
    append_value(out, *row[i]);
  }
  if (n == 1) out += ',';
  out += ')';
}

}  // namespace

std::string repr_params(const dbapi::ParamRows& params, bool many) {
  std::string out;
  auto append = [&](std::size_t i) {
    if (params.is_named()) {
      out += params.named_row(i).repr();
    } else {
      append_row(out, params.row(i));
    }
  };
  if (!many) {
    if (params.rows() == 0) return "()";
    append(0);
    return out;
  }
  out += '[';
  const std::size_t n = params.rows();
  for (std::size_t i = 0; i < n; ++i) {
    if (n > 10 && i == 8) {
      out += fmt::format("  ... displaying 10 of {} total bound parameter sets ...  ", n);
      i = n - 2;
    } else if (i > 0) {
      out += ", ";
    }
    append(i);
  }
  out += ']';
  return out;
}

void log_execution(ConnectionState& self, std::string_view sql, std::string_view badge,
                   const dbapi::ParamRows& params, bool many) {
  self.log_info(sql);
  if (self.core.hide_parameters) {
    self.log_info(fmt::format("[{}] [SQL parameters hidden due to hide_parameters=True]", badge));
  } else {
    self.log_info(fmt::format("[{}] {}", badge, repr_params(params, many)));
  }
}

namespace {

const dbapi::ParamRows no_rows;

// Everything one trip to the cursor needs.
struct CursorCall {
  std::string_view sql;
  std::size_t sql_hash = 0;
  std::uint64_t sql_serial = 0;  // see dbapi::Cursor::execute_raw; 0 for SQL not compiled here
  // The caller's, pointed to: the call is made for every execution, and small is cheaper to fill.
  const dbapi::ParamRows* params = &no_rows;
  const sql::Compiled* compiled = nullptr;
  const char* raw_badge = nullptr;  // "raw sql" for driver SQL
  std::chrono::duration<double> compile_time{0};
  const ExecutionOptions* options = nullptr;
  sql::CacheOutcome outcome = sql::CacheOutcome::generated;
  // What was executed decides how stream_results and yield_per apply (see row_buffering()).
  enum class Kind { driver_sql, text, dml, select } kind = Kind::driver_sql;
  bool many = false;
};

void log_statement(ConnectionState& self, const CursorCall& call) {
  const std::string label = call.raw_badge ? std::string(call.raw_badge)
                                           : badge(call.outcome, call.compiled, call.compile_time);
  log_execution(self, call.sql, label, *call.params, call.many);
}

void execute_on_cursor(ConnectionState& self, dbapi::Cursor& cursor, const CursorCall& call) {
  if (self.echo()) log_statement(self, call);
  try {
    cursor.execute_raw(call.sql, call.sql_hash, call.sql_serial, *call.params, call.many);
  } catch (const dbapi::Error& e) {
    self.handle_dbapi_error(e, call.sql, repr_params(*call.params, call.many), &cursor);
  }
}

// With cursor listeners: they get a copy of the statement and parameters that they may rewrite,
// and that copy is what runs. Fired around execute_on_cursor() by run_cursor(), so that the
// execution itself has one call site and is inlined there.
struct CursorEvents {
  CursorCall call;  // the caller's, pointing to the copies below
  std::string sql;
  CursorParameters params;
  std::vector<const Value*> refs;
  dbapi::ParamRows rewritten;
  ExecutionContext context;
};

void before_cursor_execute(ConnectionState& self, dbapi::Cursor& cursor, CursorEvents& ev) {
  CursorCall& call = ev.call;
  ev.sql = call.sql;
  ev.context = {call.compiled, call.options, call.many};
  if (!call.params->is_named()) {
    for (std::size_t r = 0; r < call.params->rows(); ++r) {
      auto& row = ev.params.emplace_back();
      for (const Value* v : call.params->row(r)) row.push_back(*v);
    }
  }
  self.engine.layer().fire(event::before_cursor_execute, *self.owner, cursor, ev.sql, ev.params,
                           ev.context, call.many);
  call.sql = ev.sql;
  call.sql_hash = std::hash<std::string_view>{}(call.sql);
  call.sql_serial = 0;  // the listeners may have rewritten it
  if (!call.params->is_named()) {
    const std::size_t width = ev.params.empty() ? 0 : ev.params.front().size();
    for (const auto& row : ev.params) {
      if (row.size() != width) {
        throw exc::ArgumentError("all parameter sets of one execution must have the same length");
      }
      for (const Value& v : row) ev.refs.push_back(&v);
    }
    if (width) ev.rewritten = dbapi::ParamRows::positional(ev.refs, width);
    call.params = &ev.rewritten;
  }
}

void after_cursor_execute(ConnectionState& self, dbapi::Cursor& cursor, CursorEvents& ev) {
  self.engine.layer().fire(event::after_cursor_execute, *self.owner, cursor, std::as_const(ev.sql),
                           std::as_const(ev.params), ev.context, ev.call.many);
}

}  // namespace

std::shared_ptr<const ResultMetadata> result_metadata(ConnectionState& self,
                                                      const dbapi::Description& desc,
                                                      const sql::Compiled* compiled) {
  std::shared_ptr<const ResultMetadata> metadata;
  if (compiled) {
    if (const auto* cached = compiled->cached_metadata()) metadata = *cached;
  }
  if (!metadata || metadata->description_serial() != desc.serial) {
    if (compiled && !compiled->result_keys.empty() &&
        compiled->result_keys.size() == desc.columns.size()) {
      // A construct's columns match the cursor's one for one: keys, Column lookups and result
      // processors come from the compiled form (SPEC §12.3).
      metadata = std::make_shared<const ResultMetadata>(
          compiled->result_keys, desc.serial, compiled->result_columns,
          std::vector<ValueProcessor>(compiled->result_processors.begin(),
                                      compiled->result_processors.end()));
    } else {
      std::vector<std::string> keys;
      keys.reserve(desc.columns.size());
      for (const auto& c : desc.columns) keys.push_back(c.name);
      metadata = std::make_shared<const ResultMetadata>(std::move(keys), desc.serial);
    }
    if (compiled) compiled->cache_metadata(metadata);
  }
  if (self.core.echo.load(std::memory_order_relaxed) > 1) {
    std::string cols = "(";
    for (std::size_t i = 0; i < metadata->size(); ++i) {
      cols += (i ? ", '" : "'") + metadata->keys()[i] + "'";
    }
    self.log_debug("Col " + cols + (metadata->size() == 1 ? ",)" : ")"));
  }
  return metadata;
}

namespace {

// How the result of `call` reads its rows (SPEC §7, §14.3): stream_results asks for a server-side
// cursor and the growing buffer (1, 5, 25, ... up to max_row_buffer); the yield_per option implies
// stream_results with max_row_buffer = N and, for SELECTs, a fixed buffer of N that also sizes
// partitions(). SQLAlchemy leaves that last part out for text() (SPEC §19.12), but seed 003's
// yield_per example is a text() SELECT promising partitions of N rows, so text() gets it too;
// only rows matter here, so a text() DML without RETURNING is untouched. Driver SQL and DML
// constructs stream only when the driver really gave a server-side cursor, and never get the
// fixed buffer.
// `opts` are the call's options, not empty.
RowBuffering row_buffering(const CursorCall& call, const ExecutionOptions& opts, bool server_side) {
  using Mode = RowBuffering::Mode;
  using Kind = CursorCall::Kind;
  RowBuffering b;
  const std::optional<std::int64_t> yield_per = opts.yield_per();
  const bool yielding = yield_per && *yield_per >= 1;
  if (yielding && (call.kind == Kind::select || call.kind == Kind::text)) {
    return {Mode::fixed, static_cast<std::size_t>(*yield_per),
            static_cast<std::size_t>(*yield_per)};
  }
  const bool stream = opts.stream_results() || yielding;
  if (!stream || (call.kind != Kind::select && !server_side)) return b;
  b.mode = Mode::growing;
  b.max_row_buffer = static_cast<std::size_t>(yielding ? *yield_per : opts.max_row_buffer());
  b.size = std::min<std::size_t>(b.max_row_buffer, 5);
  return b;
}

CursorResult run_cursor(ConnectionState& self, const CursorCall& call) {
  dbapi::Connection& conn = self.dbapi_connection();
  dbapi::CursorPtr cursor;
  bool server_side = false;
  // Most executions have no options at all: no option is looked up for them.
  const ExecutionOptions* opts = call.options && !call.options->empty() ? call.options : nullptr;
  try {
    const bool streaming = opts && (opts->stream_results() || opts->yield_per());
    if (streaming) {
      cursor = conn.server_side_cursor();
      server_side = cursor != nullptr;
    }
    if (!cursor) cursor = conn.cursor();
  } catch (const dbapi::Error& e) {
    self.handle_dbapi_error(e, call.sql, {}, nullptr);
  }
  // On the heap: an execution without listeners then only tests a pointer.
  std::unique_ptr<CursorEvents> events;
  if (self.has_events() && self.owner &&
      (self.engine.layer().listens(event::before_cursor_execute) ||
       self.engine.layer().listens(event::after_cursor_execute))) {
    events = std::make_unique<CursorEvents>();
    events->call = call;
    before_cursor_execute(self, *cursor, *events);
  }
  execute_on_cursor(self, *cursor, events ? events->call : call);
  if (events) after_cursor_execute(self, *cursor, *events);
  const dbapi::Description* desc = cursor->description();
  std::shared_ptr<const ResultMetadata> metadata;
  // The compiled form's keys, when they are still of this description (and no "Col" line is
  // logged), are taken here: a statement run in a loop finds them every time.
  const auto* cached = desc && call.compiled ? call.compiled->cached_metadata() : nullptr;
  if (cached && (*cached)->description_serial() == desc->serial &&
      self.core.echo.load(std::memory_order_relaxed) <= 1) {
    metadata = *cached;
  } else if (desc) {
    metadata = result_metadata(self, *desc, call.compiled);
  }
  return CursorResult(self.shared_from_this(), std::move(cursor), std::move(metadata),
                      opts ? row_buffering(call, *opts, server_side) : RowBuffering());
}

}  // namespace

void ConnectionState::execute_internal(const std::string& sql) {
  CursorCall call;
  call.sql = sql;
  call.sql_hash = std::hash<std::string_view>{}(sql);
  call.outcome = sql::CacheOutcome::no_key;
  call.options = options.get();
  run_cursor(*this, call);
}

namespace {

// The options in force for one execution: statement < connection < this call.
const ExecutionOptions& effective_options(const ConnectionState& self, const sql::Executable& stmt,
                                          const ExecutionOptions& call,
                                          std::optional<ExecutionOptions>& storage) {
  if (stmt.get_execution_options().empty() && call.empty()) return *self.options;
  storage = stmt.get_execution_options();
  storage->merge(*self.options);
  storage->merge(call);
  return *storage;
}

// Named paramstyles take the sets as Params, with the statement's own values under them.
dbapi::ParamRows bind_named(const sql::Compiled& c, std::span<const NamedSet> sets,
                            std::span<const Params> defaults, const sql::BoundValues* bound,
                            bool many, bool hide_parameters, std::vector<Params>& storage,
                            std::vector<const Params*>& refs) {
  for (std::size_t i = 0; i < sets.size(); ++i) {
    Params merged = bound ? bound->to_params() : Params{};
    if (!defaults.empty()) {
      for (const auto& [k, v] : defaults[i]) merged.set(k, v);
    }
    for (const auto& [k, v] : sets[i].to_params()) merged.set(k, v);
    for (const auto& name : c.bind_names) {
      if (!merged.contains(name)) {
        throw_missing_bind(name, many ? std::optional<std::size_t>(i) : std::nullopt, c, sets[i],
                           hide_parameters);
      }
    }
    storage.push_back(std::move(merged));
  }
  if (sets.empty() && bound) storage.push_back(bound->to_params());
  for (const auto& p : storage) refs.push_back(&p);
  return dbapi::ParamRows::named(refs);
}

void fire_execute_event(ConnectionState& self, const sql::Executable& stmt,
                        std::span<const NamedSet> sets, bool many, const ExecutionOptions& opts,
                        CursorResult* result) {
  // SQLAlchemy's (multiparams, params) pair: a list for executemany, else one dict.
  std::vector<Params> multi;
  Params single;
  if (many) {
    for (const auto& set : sets) multi.push_back(set.to_params());
  } else if (!sets.empty()) {
    single = sets.front().to_params();
  }
  if (result) {
    self.engine.layer().fire(event::after_execute, *self.owner, stmt, std::as_const(multi),
                             std::as_const(single), opts, *result);
  } else {
    self.engine.layer().fire(event::before_execute, *self.owner, stmt, std::as_const(multi),
                             std::as_const(single), opts);
  }
}

// A key the dialect fetches before the INSERT (Compiled::preexecuted_defaults): its statement
// runs on its own cursor, logged and seen by cursor listeners like driver SQL, as SQLAlchemy's
// execution context runs it before the INSERT's transaction begins.
Value preexecute(ConnectionState& self, const sql::Compiled::PreexecutedDefault& d,
                 const ExecutionOptions& opts) {
  self.check_transaction_usable();
  CursorCall call;
  call.sql = d.sql;
  call.sql_hash = std::hash<std::string_view>{}(call.sql);
  call.raw_badge = "raw sql";
  call.options = &opts;
  const Value v = run_cursor(self, call).scalar();
  return d.processor ? d.processor(v) : v;
}

// The values the statement puts in each parameter set itself: its callable column defaults and
// its pre-executed keys, computed once per set.
std::vector<Params> column_defaults(ConnectionState& self, const sql::Compiled& c,
                                    const ExecutionOptions& opts, std::size_t sets) {
  std::vector<Params> out(sets);
  for (Params& row : out) {
    for (const auto& d : c.callable_defaults) row.set(d.bind_name, (*d.callable)());
    for (const auto& d : c.preexecuted_defaults) row.set(d.bind_name, preexecute(self, d, opts));
  }
  return out;
}

// What the CursorResult of a construct reports about the insert() / update() it ran (SPEC §14.1):
// the parameters as bound, the rows of the RETURNING clause the compiler added (read here, so the
// caller sees none), and for an insert the primary key of each row: from those rows, else the
// parameters or, for one row, the database's lastrowid for the autoincrement column.
void fill_insert_records(const sql::Compiled& c, std::span<const NamedSet> sets,
                         std::span<const Params> defaults, const sql::BoundValues* bound, bool many,
                         CursorResult& result, CursorResult::InsertInfo::Records& info) {
  if (c.implicit_returning) {
    info.returned_defaults_rows =
        c.supplemental_returning ? result.read_and_rewind() : result.all();
  }
  if (!c.is_insert && !c.is_update) return;
  info.prefetch_cols = c.prefetch_cols;
  info.postfetch_cols = c.postfetch_cols;
  info.parameters.reserve(sets.size());
  for (std::size_t i = 0; i < sets.size(); ++i) {
    Params& p = info.parameters.emplace_back();
    const Params* row_defaults = defaults.empty() ? nullptr : &defaults[i];
    for (const std::string& name : c.bind_names) {
      if (const Value* v = find_bind(name, sets[i], row_defaults, bound)) p.set(name, *v);
    }
  }
  if (!c.is_insert) return;
  const std::optional<std::int64_t> lastrowid = result.lastrowid();
  auto keys = std::make_shared<const ResultMetadata>(c.primary_key);
  info.inserted_primary_key_rows.reserve(info.parameters.size());
  for (std::size_t i = 0; i < info.parameters.size(); ++i) {
    const Params& p = info.parameters[i];
    const Row* returned =
        i < info.returned_defaults_rows.size() ? &info.returned_defaults_rows[i] : nullptr;
    std::vector<Value> pk;
    pk.reserve(c.primary_key.size());
    for (const std::string& name : c.primary_key) {
      const Value* v = p.find(name);
      const std::ptrdiff_t at = returned ? returned->metadata().find(name) : -1;
      if (at >= 0) {
        pk.push_back(returned->at(at));
      } else if ((!v || v->is_null()) && !many && lastrowid && name == c.autoincrement_column) {
        pk.emplace_back(*lastrowid);
      } else {
        pk.push_back(v ? *v : Value());
      }
    }
    info.inserted_primary_key_rows.emplace_back(keys, std::move(pk));
  }
}

// The records of an insert() / update() (or of the compiler's own RETURNING), made apart from the
// flags: a select() has nothing else to report, and making the record per execution is
// measurable on the rebuilt-statement path.
[[gnu::noinline]] void make_insert_records(const sql::Compiled& c, std::span<const NamedSet> sets,
                                           std::span<const Params> defaults,
                                           const sql::BoundValues* bound, bool many,
                                           CursorResult& result) {
  auto records = std::make_shared<CursorResult::InsertInfo::Records>();
  fill_insert_records(c, sets, defaults, bound, many, result, *records);
  result.insert_info().records = std::move(records);
}

void fill_insert_info(const sql::Compiled& c, std::span<const NamedSet> sets,
                      std::span<const Params> defaults, const sql::BoundValues* bound, bool many,
                      CursorResult& result) {
  if (c.implicit_returning || c.is_insert || c.is_update) {
    make_insert_records(c, sets, defaults, bound, many, result);
  }
  CursorResult::InsertInfo& info = result.insert_info();
  info.compiled = true;
  info.is_insert = c.is_insert;
  info.is_update = c.is_update;
  info.executemany = many;
  info.explicit_returning = c.has_returning;
}

CursorResult execute_compiled(ConnectionState& self, const sql::Executable& stmt,
                              std::span<const NamedSet> sets, bool many,
                              const ExecutionOptions& call_options) {
  self.check_open();
  std::optional<ExecutionOptions> storage;
  const ExecutionOptions& opts = effective_options(self, stmt, call_options, storage);
  const bool events = self.has_events() && self.owner;
  if (events) fire_execute_event(self, stmt, sets, many, opts, nullptr);

  // The first parameter set decides which columns an insert() / update() renders; text() does
  // not look at it, so its braced lists are never copied.
  const bool textual = stmt.is_text();
  std::optional<Params> first_storage;
  const Params* first = sets.empty() || textual ? nullptr : &sets.front().as_params(first_storage);
  sql::CompiledCache* cache =
      !opts.empty() && opts.compiled_cache_disabled() ? nullptr : self.core.compiled_cache.get();
  const sql::CompileResult compiled =
      stmt.compile(sql::CompileRequest{*self.core.dialect, cache, first, many, &opts});
  const sql::Compiled& c = *compiled.compiled;
  // Held only by statements with defaults of their own: the others make and destroy no vector.
  std::optional<std::vector<Params>> default_rows;
  if (!c.callable_defaults.empty() || !c.preexecuted_defaults.empty()) {
    default_rows = column_defaults(self, c, opts, std::max<std::size_t>(sets.size(), 1));
  }
  const std::span<const Params> defaults =
      default_rows ? std::span<const Params>(*default_rows) : std::span<const Params>();

  // Parameters by position, checked before anything reaches the database.
  const sql::BoundValues* bound = compiled.bound.empty() ? nullptr : &compiled.bound;
  const std::size_t width = c.positional_names.size();
  ParamRefs refs;
  // What executemany and the named paramstyles point `rows` into: a single positional execution
  // makes and destroys none of it.
  struct RowStorage {
    std::vector<const Value*> flat;
    std::vector<Params> named;
    std::vector<const Params*> named_refs;
  };
  std::optional<RowStorage> storage_of_rows;
  dbapi::ParamRows rows;
  static const Params no_params;
  const NamedSet no_set(no_params);
  const std::span<const NamedSet> given = sets.empty() ? std::span(&no_set, 1) : sets;
  auto defaults_of = [&](std::size_t i) { return defaults.empty() ? nullptr : &defaults[i]; };
  try {
    if (many && !textual) {
      if (auto refused = executemany_returning_refusal(*self.core.dialect, c)) {
        throw_executemany_refused(std::move(*refused), c, sets, self.core.hide_parameters);
      }
    }
    if (c.named_paramstyle) {
      RowStorage& named = storage_of_rows.emplace();
      rows = bind_named(c, sets, defaults, bound, many, self.core.hide_parameters, named.named,
                        named.named_refs);
    } else if (!many) {
      refs.reserve(width);
      bind_row(c, given.front(), defaults_of(0), bound, std::nullopt, self.core.hide_parameters,
               refs);
      if (width) rows = dbapi::ParamRows::positional(refs.span(), width);
    } else {
      std::vector<const Value*>& flat = storage_of_rows.emplace().flat;
      flat.reserve(width * sets.size());
      for (std::size_t i = 0; i < sets.size(); ++i) {
        refs.reserve(width);
        bind_row(c, sets[i], defaults_of(i), bound, i, self.core.hide_parameters, refs);
        flat.insert(flat.end(), refs.span().begin(), refs.span().end());
      }
      if (width) rows = dbapi::ParamRows::positional(flat, width);
    }
  } catch (const exc::StatementError&) {
    // A missing value fails the execution context before autobegin, so SQLAlchemy's error
    // handling finds no transaction and rolls back (logged "ROLLBACK").
    self.autorollback();
    throw;
  }

  self.check_transaction_usable();
  if (!self.in_begin) self.autobegin();

  // Every member named: the call is written once instead of zeroed first.
  CursorCall call{.sql = c.sql,
                  .sql_hash = c.sql_hash,
                  .sql_serial = c.sql_serial,
                  .params = &rows,
                  .compiled = &c,
                  .raw_badge = nullptr,
                  .compile_time = compiled.compile_time,
                  .options = &opts,
                  .outcome = compiled.outcome,
                  .kind = textual                                     ? CursorCall::Kind::text
                          : c.is_insert || c.is_update || c.is_delete ? CursorCall::Kind::dml
                                                                      : CursorCall::Kind::select,
                  .many = many};
  CursorResult result =
      many && !textual && uses_insertmanyvalues(c)
          ? execute_insertmanyvalues(
                self, {&c, rows, sets.size(), &opts,
                       self.echo() ? badge(compiled.outcome, &c, compiled.compile_time) : ""})
          : run_cursor(self, call);
  if (!textual) {
    fill_insert_info(c, given, defaults, bound, many, result);
  }
  if (events) fire_execute_event(self, stmt, sets, many, opts, &result);
  return result;
}

CursorResult execute_driver(ConnectionState& self, std::string_view sql, dbapi::ParamRows rows,
                            bool many, const ExecutionOptions& call_options) {
  self.check_open();
  ExecutionOptions storage;
  const ExecutionOptions* opts = self.options.get();
  if (!call_options.empty()) {
    storage = *self.options;
    storage.merge(call_options);
    opts = &storage;
  }
  self.dbapi_connection();
  self.check_transaction_usable();
  if (!self.in_begin) self.autobegin();
  CursorCall call;
  call.sql = sql;
  call.sql_hash = std::hash<std::string_view>{}(call.sql);
  call.params = &rows;
  call.many = many;
  call.raw_badge = "raw sql";
  call.options = opts;
  return run_cursor(self, call);
}

}  // namespace
}  // namespace detail

// ---- Connection's execute family ----------------------------------------------------------------

CursorResult Connection::execute(const sql::Executable& statement, const Params& parameters,
                                 const ExecutionOptions& execution_options) {
  const detail::NamedSet set(parameters);
  return detail::execute_compiled(*state_, statement, {&set, 1}, false, execution_options);
}

CursorResult Connection::execute(const sql::Executable& statement,
                                 std::initializer_list<Params::value_type> parameters,
                                 const ExecutionOptions& execution_options) {
  const detail::NamedSet set(parameters);
  return detail::execute_compiled(*state_, statement, {&set, 1}, false, execution_options);
}

CursorResult Connection::execute(const sql::Executable& statement,
                                 const std::vector<Params>& parameters,
                                 const ExecutionOptions& execution_options) {
  const std::vector<detail::NamedSet> sets(parameters.begin(), parameters.end());
  return detail::execute_compiled(*state_, statement, sets, parameters.size() > 1,
                                  execution_options);
}

CursorResult Connection::exec_driver_sql(std::string_view sql, const std::vector<Value>& parameters,
                                         const ExecutionOptions& execution_options) {
  std::vector<const Value*> refs;
  refs.reserve(parameters.size());
  for (const Value& v : parameters) refs.push_back(&v);
  const auto rows = parameters.empty() ? dbapi::ParamRows()
                                       : dbapi::ParamRows::positional(refs, parameters.size());
  return detail::execute_driver(*state_, sql, rows, false, execution_options);
}

CursorResult Connection::exec_driver_sql(std::string_view sql, const Params& parameters,
                                         const ExecutionOptions& execution_options) {
  const Params* one = &parameters;
  return detail::execute_driver(*state_, sql, dbapi::ParamRows::named({&one, 1}), false,
                                execution_options);
}

CursorResult Connection::exec_driver_sql(std::string_view sql,
                                         const std::vector<std::vector<Value>>& parameters,
                                         const ExecutionOptions& execution_options) {
  const std::size_t width = parameters.empty() ? 0 : parameters.front().size();
  std::vector<const Value*> flat;
  for (const auto& row : parameters) {
    if (row.size() != width) {
      throw exc::ArgumentError("all parameter sets of one executemany must have the same length");
    }
    for (const Value& v : row) flat.push_back(&v);
  }
  const auto rows = width ? dbapi::ParamRows::positional(flat, width) : dbapi::ParamRows();
  return detail::execute_driver(*state_, sql, rows, parameters.size() > 1, execution_options);
}

CursorResult Connection::exec_driver_sql(std::string_view sql,
                                         const std::vector<Params>& parameters,
                                         const ExecutionOptions& execution_options) {
  std::vector<const Params*> refs;
  for (const auto& p : parameters) refs.push_back(&p);
  return detail::execute_driver(*state_, sql, dbapi::ParamRows::named(refs), parameters.size() > 1,
                                execution_options);
}

Value Connection::scalar(const sql::Executable& statement, const Params& parameters,
                         const ExecutionOptions& execution_options) {
  return execute(statement, parameters, execution_options).scalar();
}

ScalarResult Connection::scalars(const sql::Executable& statement, const Params& parameters,
                                 const ExecutionOptions& execution_options) {
  return execute(statement, parameters, execution_options).scalars();
}

}  // namespace athanor
