// The expression-language compiler (internal).
//
// KeyWalk reads a statement's structure into its cache key and lists its literal values in walk
// order; SqlCompiler renders a statement for one dialect, naming binds as SQLAlchemy does
// ("id_1", "param_1", column names in INSERT/UPDATE) and recording, per literal of the walk, the
// bind name it got. DialectRules is the per-dialect seam: quoting, booleans, types in DDL,
// LIMIT/OFFSET; the defaults are in dialect_rules.cpp, each backend's in
// src/dialects/<name>/compiler.cpp, reached through Dialect::compiler_rules().
#pragma once

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "athanor/dialect.hpp"
#include "athanor/sql/ddl.hpp"
#include "athanor/sql/dml.hpp"
#include "athanor/sql/elements.hpp"
#include "athanor/sql/schema.hpp"
#include "athanor/sql/selectable.hpp"
#include "block_pool.hpp"

namespace athanor::sql {
struct MetaDataData {
  std::vector<std::shared_ptr<TableData>> tables;  // in definition order
};
}  // namespace athanor::sql

namespace athanor::sql::detail {

class SqlCompiler;

// schema_translate_map decoded from its execution-option form (see statement.hpp).
using SchemaTranslateMap =
    std::vector<std::pair<std::optional<std::string>, std::optional<std::string>>>;
SchemaTranslateMap decode_schema_translate_map(const Value& v);

class DialectRules {
 public:
  virtual ~DialectRules() = default;
  virtual bool supports_native_boolean() const { return false; }
  // INSERT / UPDATE / DELETE ... RETURNING (SQLAlchemy's insert_returning, update_returning).
  virtual bool supports_returning() const { return true; }
  // cursor.lastrowid gives a single-row INSERT's autoincrement value; without it (PostgreSQL)
  // the compiler fetches a generated primary key with RETURNING instead.
  virtual bool postfetch_lastrowid() const { return true; }
  // An INSERT giving NULL for the autoincrement column still gets a generated value (SQLite's
  // INTEGER PRIMARY KEY), so the compiler fetches it as if it had been left out.
  virtual bool insert_null_pk_still_autoincrements() const { return false; }
  // Without RETURNING or lastrowid, a dialect that knows how the database makes the autoincrement
  // value (PostgreSQL's SERIAL sequence) fetches it before the INSERT with this SQL and binds it
  // (SQLAlchemy's preexecute_autoincrement_sequences); nullopt: the key stays unknown.
  // `schema`: the table's schema after schema_translate_map.
  virtual std::optional<std::string> autoincrement_preexecute(
      const TableData& /*t*/, const ColumnData& /*col*/,
      const std::optional<std::string>& /*schema*/) const {
    return std::nullopt;
  }
  virtual bool supports_default_values() const { return true; }
  virtual bool is_reserved(std::string_view lower_name) const;
  // " LIMIT x OFFSET y" with the binds rendered through `c`.
  virtual void limit_clause(SqlCompiler& c, const SelectClauses& s) const;
  virtual std::string type_ddl(const TypeEngine& t) const;
  // A column's type in CREATE TABLE (PostgreSQL's SERIAL for the autoincrement column).
  virtual std::string column_type_ddl(const TableData& /*t*/, const ColumnData& col) const {
    return type_ddl(col.type);
  }
  // ILIKE as an operator; otherwise lower(x) LIKE lower(y).
  virtual bool native_ilike() const { return false; }
  // What has_table() runs, in the driver's paramstyle: a row comes back when the table exists.
  struct DriverQuery {
    std::string sql;
    std::vector<Value> parameters;
  };
  virtual DriverQuery has_table_query(const TableData& t) const;
  // A function rendered as a keyword (SQLite's now() is CURRENT_TIMESTAMP); empty: name(args).
  virtual std::string keyword_function(std::string_view /*name*/) const { return {}; }
  // RETURNING columns qualified with the table name (SQLite's are not).
  virtual bool returning_includes_table() const { return true; }
  // True division: SQLite forces real division with "x / (y + 0.0)"; the default casts the
  // divisor to NUMERIC.
  virtual bool truediv_adds_zero() const { return false; }
  // An IN against an empty list.
  virtual std::string empty_set() const { return "SELECT 1 WHERE 1!=1"; }
};

// The rules for a dialect; null = SQLAlchemy's default "str()" dialect.
const DialectRules& rules_for(const Dialect* dialect);

// A node list as a span (boost's small_vector iterators predate std::span's range constructor).
template <typename List>
std::span<const NodePtr> as_span(const List& nodes) {
  return {nodes.data(), nodes.size()};
}

// One literal of a statement, in walk order: a bind node's value (element `index` of an IN
// list when expanding), or a client-side column default. value() is the literal itself, so a
// column default must be a value, not a callable (those run per parameter set instead).
struct LiteralSlot {
  const Node* node = nullptr;
  int index = -1;
  const ColumnData* default_column = nullptr;
  bool onupdate = false;  // the column's onupdate default rather than its default
  const Value& value() const;
};

// What a key walk writes: the key and the literal slots. Statement::compile reuses a thread's
// own, so that a cache hit allocates nothing for its key.
struct KeyBuffers {
  std::string key;
  std::vector<LiteralSlot> slots;
};

class KeyWalk {
 public:
  // Writes over `buffers` from their start. `collect`: also record the anchors (for the compiler,
  // on a cache miss).
  KeyWalk(KeyBuffers& buffers, const Params* parameters, bool collect)
      : slots(buffers.slots),
        buffer_(buffers.key),
        parameters_(parameters),
        collect_(collect),
        at_(buffer_.data()),
        end_(buffer_.data() + buffer_.size()) {
    slots.clear();
  }
  // Its write cursor points into the buffer.
  KeyWalk(const KeyWalk&) = delete;
  KeyWalk& operator=(const KeyWalk&) = delete;

  // The key is written through a raw cursor into the buffer, which only grows; key() views what
  // was written. A cache hit rebuilds its key on every execution, and string appends with their
  // per-byte capacity checks were most of the walk's cost.
  void tag(char c) { at_ = put(reserve(1), c); }
  void text(std::string_view s);
  // Most numbers in a key are small (list sizes, name lengths): one byte for 0..254, else a 0xFF
  // marker and the eight bytes. The encoding stays prefix-free, so keys cannot run together.
  void number(std::int64_t n) { at_ = put_number(reserve(max_number), n); }
  void pointer(const void* p) { at_ = put_pointer(reserve(sizeof p), p); }
  void type(const TypeEngine& t);
  void node(const NodePtr& n);
  void nodes(std::span<const NodePtr> ns);
  void from(const std::shared_ptr<const FromData>& f);
  void select(const SelectData& s);
  void literal(const Node* n, int index);
  void column_default(const ColumnData* column, bool onupdate);

  const Params* parameters() const noexcept { return parameters_; }
  std::string_view key() const noexcept {
    return {buffer_.data(), static_cast<std::size_t>(at_ - buffer_.data())};
  }

  bool cacheable = true;
  std::vector<LiteralSlot>& slots;
  // When collecting: what keeps the tables named by address alive (the tables, and the column
  // nodes, which own their table even where the node's `from` does not).
  std::vector<std::shared_ptr<const void>> anchors;

 private:
  // The walk's own writers take room once for a node's fixed fields and write them through a
  // local cursor, committed to at_ after: one capacity check per node rather than per byte, and
  // a cursor the compiler can keep in a register (a char store may alias the member).
  static constexpr std::size_t max_number = 1 + sizeof(std::int64_t);
  static constexpr std::size_t max_type = 1 + 3 * max_number;
  char* reserve(std::size_t n) {
    if (static_cast<std::size_t>(end_ - at_) < n) grow(n);
    return at_;
  }
  void grow(std::size_t n);
  static char* put(char* at, char c) {
    *at = c;
    return at + 1;
  }
  static char* put_number(char* at, std::int64_t n) {
    if (static_cast<std::uint64_t>(n) < 0xFF) return put(at, static_cast<char>(n));
    at = put(at, static_cast<char>(0xFF));
    std::memcpy(at, &n, sizeof n);
    return at + sizeof n;
  }
  static char* put_pointer(char* at, const void* p) {
    std::memcpy(at, &p, sizeof p);
    return at + sizeof p;
  }
  static char* put_type(char* at, const TypeEngine& t);

  std::string& buffer_;
  const Params* parameters_;
  bool collect_;
  char* at_;
  char* end_;
};

// The columns an INSERT / UPDATE renders, and what each is set to, decided from the statement's
// values, the execution's parameter keys and the columns' defaults (crud.py in SQLAlchemy).
struct CrudColumn {
  const ColumnData* column;
  const Node* value = nullptr;   // an explicit value from .values()
  bool from_parameters = false;  // ":name" filled from the execution's parameters
  bool client_default = false;   // a Column default put in the parameters
  bool preexecuted = false;      // the autoincrement key, fetched before the INSERT (see rules)
};
std::vector<CrudColumn> crud_columns(const DmlData& d, const ValuesMap* row, const Params* params,
                                     bool is_insert);

// The column whose value the database generates when an INSERT leaves it out (SQLAlchemy's
// Table._autoincrement_column): the only primary-key column, of an integer type, without a
// default, server default or foreign key, unless autoincrement=false; or, in a composite
// primary key, the column marked autoincrement=true. Null when there is none.
const ColumnData* autoincrement_column(const TableData& t);

class SqlCompiler {
 public:
  SqlCompiler(const Dialect* dialect, const Params* parameters, const ExecutionOptions* options);

  const Dialect* dialect;  // null: the default dialect of str(stmt)
  const DialectRules& rules;
  Paramstyle style;
  bool is_str;               // the default dialect of str(stmt)
  bool executemany = false;  // compiled for several parameter sets
  const Params* parameters;
  std::string out;
  Compiled* compiled = nullptr;
  std::unordered_map<const Node*, std::string> node_bind_names;
  std::unordered_map<const ColumnData*, std::string> default_bind_names;

  // ---- output helpers
  std::string quote(std::string_view ident) const;
  std::string table_name(const TableData& t) const;  // schema-qualified, translated
  std::optional<std::string> effective_schema(const TableData& t) const;  // translated
  std::string anon(std::string_view base);  // "count" -> "count_1", "count_2", ...
  // "?" / ":name" / "$n" and record the slot; `expanded`: one value of an expanded IN list.
  void placeholder(const std::string& name, bool expanded = false);
  // Completes `out` once the statement is rendered (the numbers of expanded IN values).
  void finish();
  // A bind the compiler adds with a fixed value (SQLite's "OFFSET 0").
  void fixed_bind(const Value& v);
  std::string alias_name(const FromData& f);

  // ---- expressions
  void expr(const Node& n);
  // `n` as an operand of `against`: parenthesised when its own operator binds looser.
  void operand(const Node& n, Op against);
  void bind(const Node& n);
  void column(const Node& n);

  // ---- statements
  void select(const SelectData& s, bool asfrom, bool nested);
  void from(const FromData& f);
  // `implicit`: added by the compiler (Compiled::implicit_returning), not by returning().
  void returning(std::span<const NodePtr> cols, const TableData* dml_table, bool implicit = false);
  // One entry of a columns clause; `used` holds the names taken so far in it.
  void result_column(const Node& n, bool asfrom, std::vector<std::string>& used);

  // Froms visible to an inner SELECT, for auto-correlation.
  std::vector<std::vector<const FromData*>> enclosing;

 private:
  std::map<std::string, int, std::less<>> anon_counters_;
  std::unordered_map<const FromData*, std::string> alias_names_;
  SchemaTranslateMap translate_;
  // Numeric paramstyles: where in `out` each expanded IN value's number goes, and the expanded
  // bind names in order of first appearance (numbered after every other bind).
  std::vector<std::pair<std::size_t, std::string>> deferred_numbers_;
  std::vector<std::string> expanded_names_;
};

// `s` between two `quote` characters, any inside doubled.
std::string enclosed(std::string_view s, char quote);
// A SQL string literal: 'it''s'.
inline std::string sql_string_literal(std::string_view s) {
  return enclosed(s, '\'');
}
// An identifier quoted whether it needs it or not: "user", "a""b".
inline std::string quoted_identifier(std::string_view s) {
  return enclosed(s, '"');
}

// WHERE-style criteria, ANDed.
void criteria(SqlCompiler& c, std::span<const NodePtr> nodes);
// The FROM list a SELECT renders (joins replacing the tables they contain).
std::vector<std::shared_ptr<const FromData>> select_froms(const SelectData& s);
// Adds the froms an expression refers to.
void collect_froms(const Node& n, std::vector<std::shared_ptr<const FromData>>& out);

// The name a SELECT exports a column under (what a subquery's .c(name) finds).
std::string exported_name(const Node& n);
// Whether a literal compared to `other` takes its key from it ("id" in id_1, see bind_key()),
// rather than the anonymous "param". Inline: every comparison with a value asks.
inline bool names_binds(const Node& other) {
  return other.kind == NodeKind::column || other.kind == NodeKind::function ||
         other.kind == NodeKind::text;
}
const std::string& anonymous_bind_key();
// A bind's key: the name of the column, function or text() it was compared to, which it holds as
// its operand (so that a comparison with a value copies no string, and the name lives as long as
// the bind), else its own name.
inline const std::string& bind_key(const Node& bind) {
  return bind.args.empty() ? bind.name : bind.args.front()->name;
}
// A literal not yet compared to anything (a C++ value converted to a ColumnElement): its key is
// still open, to be taken from the operand it meets.
inline bool is_open_literal(const Node& n) {
  return n.kind == NodeKind::bind && n.unique && n.name.empty() && n.args.empty();
}
const TableData& underlying_table(const FromData& f);

// Expression nodes and SELECT bodies are built and dropped with every statement rebuilt per
// call, so they come from the thread's block pool (src/block_pool.hpp), not straight from malloc.
template <typename T, typename... Args>
std::shared_ptr<T> make_tree_part(Args&&... args) {
  return athanor::detail::make_pooled<T>(std::forward<Args>(args)...);
}

}  // namespace athanor::sql::detail
