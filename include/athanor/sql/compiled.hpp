// athanor/sql/compiled.hpp — a statement compiled for one dialect, and the Executable seam.
//
// Everything Connection::execute() runs is an Executable: text() now, select()/insert()/... from
// the expression language. An Executable compiles itself for a dialect into a Compiled — SQL in
// the driver's paramstyle plus the list of bind names that fill its placeholders — and says
// whether that compiled form came from a cache, which is what the echo badge reports.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "athanor/dialect.hpp"
#include "athanor/engine/execution_options.hpp"
#include "athanor/engine/row.hpp"
#include "athanor/sql/types.hpp"
#include "athanor/value.hpp"

namespace athanor {
class ResultMetadata;
}

namespace athanor::sql {

class Statement;

struct Compiled {
  std::string sql;           // in the dialect's paramstyle
  std::size_t sql_hash = 0;  // std::hash<std::string_view> of sql, for the driver's statement cache
  // Passed to the driver with sql, whose statement cache then recognises it without comparing the
  // text (see dbapi::Cursor::execute_raw); sql is written before the form is first executed.
  std::uint64_t sql_serial = dbapi::next_serial();
  // Positional paramstyles: the bind name for each parameter slot, in order (a name used twice
  // under qmark fills two slots; numeric styles list each name once). Named paramstyles: empty.
  std::vector<std::string> positional_names;
  // Every distinct bind name, in order of first appearance.
  std::vector<std::string> bind_names;
  bool named_paramstyle = false;
  // --- expression-language statements (select/insert/update/delete_); empty for text() -------
  // The name of each literal the statement carries, in the order the statement's cache-key walk
  // meets them: a later statement with the same structure pairs its own values with these names
  // (CompileResult::bound), which is how one cached form serves any values.
  std::vector<std::string> literal_names;
  // For each placeholder (positional_names), the index in literal_names of the literal that fills
  // it unless the execution's parameters name it, or -1: a cache hit binds its literals by
  // position, without looking their names up.
  std::vector<int> positional_literals;
  // Binds the compiler added with fixed values (SQLite renders LIMIT ? OFFSET ? with OFFSET 0).
  Params fixed_values;
  // Keeps the tables named by address in the cache key alive, so an address in a key can never be
  // reused by a different table while the entry exists.
  std::shared_ptr<const void> anchor;
  // The statement a cached form was compiled from (as SQLAlchemy's Compiled keeps its statement,
  // literal values included): a later statement compares its tree with this one, which is
  // cheaper than walking its key (Statement::same_shape). Null outside the cache.
  std::shared_ptr<const Statement> prototype;
  bool is_insert = false;
  bool is_update = false;
  bool is_delete = false;
  bool has_returning = false;  // explicit .returning(...)
  // The compiler added the RETURNING clause itself, to fetch a single-row INSERT's generated
  // primary key (PostgreSQL's implicit RETURNING) or the columns of return_defaults(): the
  // execution reads its rows into inserted_primary_key() / returned_defaults(), not the caller.
  bool implicit_returning = false;
  // return_defaults(supplemental_cols): those rows also go to the caller.
  bool supplemental_returning = false;
  // What the execution and its Result need (src/engine/execute.cpp):
  //  - primary_key: the DML table's primary-key column names in table order; with the insert's
  //    parameters and cursor.lastrowid (for autoincrement_column, empty when the table has none)
  //    they give CursorResult::inserted_primary_key().
  //  - prefetch_cols: columns whose value the client computed (Column defaults) and put in the
  //    parameters; postfetch_cols: columns filled by the server (server_default).
  //  - result_keys / result_columns / result_processors: per result column, its key, which
  //    column it is (for Row lookup by Column) and the type's result processor (nullptr: pass
  //    through), e.g. SQLite 0/1 → bool for a Boolean column.
  //  - callable_defaults: Column defaults that are C++ callables, bound under bind_name; the
  //    executor runs each once per parameter set (their values are never cached).
  std::vector<std::string> primary_key;
  std::string autoincrement_column;
  std::vector<std::string> prefetch_cols;
  std::vector<std::string> postfetch_cols;
  std::vector<std::string> result_keys;
  std::vector<ColumnIdentity> result_columns;
  std::vector<Processor> result_processors;
  struct CallableDefault {
    std::string bind_name;
    const std::function<Value()>* callable;  // owned by the table column (kept by `anchor`)
  };
  std::vector<CallableDefault> callable_defaults;
  // The autoincrement key of an INSERT that can learn it neither from RETURNING nor from
  // cursor.lastrowid, on a dialect that knows how the database makes it (PostgreSQL's SERIAL
  // sequence): the executor runs `sql` once per parameter set before the INSERT and binds the
  // value, as the column's type reads it, under bind_name.
  struct PreexecutedDefault {
    std::string bind_name;
    std::string sql;
    Processor processor;
  };
  std::vector<PreexecutedDefault> preexecuted_defaults;
  // An insert() compiled for executemany on a dialect using insertmanyvalues (SPEC §16): its one
  // VALUES group "(...)" is sql[begin, end) and fills the parameter slots [first_slot,
  // first_slot + slots) (positional_names); each batch repeats it once per row. end == 0: none.
  // `ordered`: returning(sort_by_parameter_order) without a sentinel column to sort the rows by,
  // so each batch is one row (logged "ordered; batch not supported").
  struct ValuesGroup {
    std::size_t begin = 0, end = 0, first_slot = 0, slots = 0;
    bool ordered = false;
  };
  ValuesGroup values_group;

  // When this form was made: the "[cached since Xs ago]" badge counts from here.
  std::chrono::steady_clock::time_point created = std::chrono::steady_clock::now();
  // Result keys derived from the driver's description of this SQL, reused while the description
  // (identified by its serial) stays the same; null until some are cached. Inline and without a
  // reference count: every execution of the statement reads it.
  const std::shared_ptr<const ResultMetadata>* cached_metadata() const noexcept {
    const MetadataHolder* h = metadata_.load(std::memory_order_acquire);
    return h ? &h->metadata : nullptr;
  }
  void cache_metadata(std::shared_ptr<const ResultMetadata> metadata) const;

  Compiled() = default;
  Compiled(const Compiled&) = delete;
  Compiled& operator=(const Compiled&) = delete;
  ~Compiled();

 private:
  // Readers take the current holder lock-free; replaced holders stay alive (a schema change is
  // rare) until the Compiled goes, so a reader never sees one freed.
  struct MetadataHolder {
    std::shared_ptr<const ResultMetadata> metadata;
    MetadataHolder* replaced = nullptr;
  };
  mutable std::atomic<MetadataHolder*> metadata_{nullptr};
};

// How a compile request was served, for the log badge.
enum class CacheOutcome { generated, cached, no_key, disabled };

// The values a statement binds itself in one execution, by bind name: a construct's literals
// under the names its Compiled gave them, text().bindparams(). Names and values are both borrowed
// from the Compiled or the statement, alive for the whole execution, so a cache hit copies no
// Value and allocates nothing for a few of them.
class BoundValues {
 public:
  BoundValues() = default;
  // Inline: most text() constructs have no values of their own, and each execution makes one.
  explicit BoundValues(const Params& params) {
    if (!params.empty()) add_all(params);
  }

  // The statement's literals follow, one per name of its Compiled's literal_names, in that order
  // (a null value for an empty name). Being later, they outrank the constructor's values (the
  // compiled form's fixed values) when found by name.
  void begin_literals() noexcept { first_literal_ = items_.size(); }
  void push_literal(const std::string& name, const Value* value) {
    items_.emplace_back(&name, value);
  }
  // By name: the last value pushed under it.
  const Value* find(std::string_view name) const noexcept;
  // Literal `i` (its index in literal_names), found without comparing names.
  const Value* literal(std::size_t i) const noexcept { return items_[first_literal_ + i].second; }
  bool empty() const noexcept { return items_.empty(); }
  Params to_params() const;

 private:
  void add_all(const Params& params);

  // Names and values; a null value for a literal without a name.
  boost::container::small_vector<std::pair<const std::string*, const Value*>, 4> items_;
  std::size_t first_literal_ = 0;
};

struct CompileResult {
  const Compiled* compiled = nullptr;
  // Set when `compiled` is not owned by the statement (a fresh compile with the cache off).
  std::shared_ptr<const Compiled> owner;
  CacheOutcome outcome = CacheOutcome::generated;
  std::chrono::duration<double> compile_time{0};
  // The values the statement binds itself; execution parameters override them. They belong to
  // this execution, so one statement object may run on several threads at once.
  BoundValues bound;
};

class CompiledCache;

// What one compile may depend on besides the statement.
struct CompileRequest {
  const Dialect& dialect;
  // Null (query_cache_size = 0, compiled_cache = none) forces a fresh compile.
  CompiledCache* cache = nullptr;
  // The first parameter set of the execution: its keys decide which columns an insert()/update()
  // without .values() renders (part of the cache key, as in SQLAlchemy).
  const Params* parameters = nullptr;
  bool executemany = false;
  // The execution options in force: schema_translate_map is applied at compile time.
  const ExecutionOptions* options = nullptr;
};

class Executable {
 public:
  virtual ~Executable() = default;

  // The compiled form for the request's dialect, from its cache when it has it.
  virtual CompileResult compile(const CompileRequest& request) const = 0;
  // text(): its SQL runs as written, so the execution's parameters never shape it and it has no
  // insert()/update() results.
  virtual bool is_text() const noexcept { return false; }
  // The SQL for messages and str(): the statement as written, in the default dialect.
  virtual std::string str() const = 0;

  const ExecutionOptions& get_execution_options() const noexcept { return options_; }

 protected:
  // Adds statement-level options; isolation_level and compiled_cache are refused here, as
  // SQLAlchemy refuses them per statement.
  void set_options(const ExecutionOptions& options);

  ExecutionOptions options_;
};

}  // namespace athanor::sql
