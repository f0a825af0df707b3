// athanor/sql/schema.hpp — MetaData, Table, Column, ForeignKey, constraints, Index.
//
//   sa::MetaData metadata;
//   sa::Table users("users", metadata, {
//       sa::Column("id", sa::Integer(), {.primary_key = true}),
//       sa::Column("name", sa::String(50), {.nullable = false}),
//       sa::Column("active", sa::Boolean(), {.default_ = true}),
//   });
//   sa::Table orders("orders", metadata, {
//       sa::Column("id", sa::Integer(), {.primary_key = true}),
//       sa::Column("user_id", sa::Integer(), sa::ForeignKey("users.id")),
//   });
//   users.c("name")   // the Column, usable in expressions
//
// Table and MetaData are handles to shared state: copies name the same table, and a table lives
// while its MetaData or any expression built from it does.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "athanor/sql/elements.hpp"
#include "athanor/sql/types.hpp"
#include "athanor/value.hpp"

namespace athanor {
class Engine;
class Connection;
}  // namespace athanor

namespace athanor::sql {

// A client-side column default: a fixed value or a C++ callable run for each INSERT / UPDATE
// that does not give the column a value.
struct ColumnDefault {
  std::optional<Value> value;
  std::function<Value()> callable;
  ColumnDefault() = default;
  ColumnDefault(Value v) : value(std::move(v)) {}                      // NOLINT: {.default_ = 5}
  ColumnDefault(int v) : value(Value(v)) {}                            // NOLINT
  ColumnDefault(bool v) : value(Value(v)) {}                           // NOLINT
  ColumnDefault(const char* v) : value(Value(v)) {}                    // NOLINT
  ColumnDefault(std::function<Value()> f) : callable(std::move(f)) {}  // NOLINT
  bool present() const noexcept { return value.has_value() || callable != nullptr; }
  Value evaluate() const { return callable ? callable() : *value; }
};

struct ForeignKey {
  explicit ForeignKey(std::string target, std::string ondelete = {}, std::string onupdate = {})
      : target(std::move(target)), ondelete(std::move(ondelete)), onupdate(std::move(onupdate)) {}
  std::string target;  // "table.column" or "schema.table.column"
  std::string ondelete;
  std::string onupdate;
};

struct ColumnOptions {
  bool primary_key = false;
  std::optional<bool> nullable{};               // default: not primary_key
  ColumnDefault default_{};                     // `default` is a C++ keyword
  std::optional<std::string> server_default{};  // a string, rendered in DDL as DEFAULT '...'
  bool unique = false;
  bool index = false;
  std::optional<bool> autoincrement{};  // default "auto": a single Integer primary key
  std::optional<ColumnDefault> onupdate{};
};

struct ColumnData {
  std::string name;
  TypeEngine type;
  ColumnOptions options;
  std::vector<ForeignKey> foreign_keys;
  const struct TableData* table = nullptr;  // set when the column joins a table
  bool nullable() const { return options.nullable.value_or(!options.primary_key); }
};

// A table column in expressions. Before it joins a Table it only carries its definition.
class Column : public ColumnElement {
 public:
  Column(std::string name, TypeEngine type, ColumnOptions options = {});
  Column(std::string name, TypeEngine type, ForeignKey fk, ColumnOptions options = {});
  // A column reference in an expression (what Table::c returns).
  Column(std::shared_ptr<const FromData> from, const ColumnData* column);
  // A column reference sharing an existing node (a table's own column node).
  Column(NodePtr node, const ColumnData* column);
  // A column of a subquery: its exported name and type (and the table column behind it, if any).
  Column(std::shared_ptr<const FromData> from, std::string name, TypeEngine type,
         const ColumnData* column);

  const std::string& name() const noexcept;
  // The table column's definition; only for columns of tables and table aliases.
  const ColumnData& data() const noexcept { return *data_; }
  std::shared_ptr<ColumnData> definition() const { return owned_; }
  std::string key() const { return name(); }

 private:
  std::shared_ptr<ColumnData> owned_;  // before joining a table
  const ColumnData* data_ = nullptr;
};

struct PrimaryKeyConstraint {
  std::vector<std::string> columns;
  std::string name;
};
struct UniqueConstraint {
  std::vector<std::string> columns;
  std::string name;
};
struct CheckConstraint {
  std::string sqltext;
  std::string name;
};
struct ForeignKeyConstraint {
  std::vector<std::string> columns;
  std::vector<std::string> refcolumns;  // "table.column"
  std::string name;
  std::string ondelete;
  std::string onupdate;
};
struct Index {
  Index(std::string name, std::vector<std::string> columns, bool unique = false)
      : name(std::move(name)), columns(std::move(columns)), unique(unique) {}
  std::string name;
  std::vector<std::string> columns;
  bool unique = false;
};

using SchemaItem = std::variant<Column, PrimaryKeyConstraint, UniqueConstraint, CheckConstraint,
                                ForeignKeyConstraint, Index>;

struct TableOptions {
  std::optional<std::string> schema{};
  // false: the compiler never adds RETURNING of its own to this table's INSERTs (for a generated
  // primary key or return_defaults()); cursor.lastrowid serves where the dialect has it, and
  // PostgreSQL takes a generated key from its sequence before the INSERT.
  bool implicit_returning = true;
};

struct MetaDataData;

enum class FromKind : std::uint8_t { table, alias, join, subquery };

// Anything that can stand in a FROM clause.
struct FromData {
  explicit FromData(FromKind k) : kind(k) {}
  virtual ~FromData() = default;
  FromKind kind;
};

struct TableData : FromData {
  TableData() : FromData(FromKind::table) {}
  std::string name;
  std::optional<std::string> schema;
  bool implicit_returning = true;
  std::vector<std::shared_ptr<ColumnData>> columns;
  std::vector<std::string> primary_key;  // column names, in table order
  std::vector<UniqueConstraint> uniques;
  std::vector<CheckConstraint> checks;
  std::vector<ForeignKeyConstraint> foreign_keys;  // column-level ones folded in
  std::vector<Index> indexes;                      // Column(index = true) ones folded in
  // CREATE TABLE order of the constraints after the primary key: ('F' | 'U' | 'C', index into
  // foreign_keys / uniques / checks). SQLAlchemy orders them by creation: constraint objects
  // given to the Table exist before it, the ones columns imply are made as columns attach.
  std::vector<std::pair<char, std::size_t>> constraint_order;
  MetaDataData* metadata = nullptr;
  // One expression node per column, made once: Table::c() and select(table) hand out these
  // nodes (sharing ownership of the table) rather than building new ones per call. Their `from`
  // points at this table without owning it, so the table does not own itself.
  std::vector<Node> column_nodes;
  // The same nodes as the pointers a columns clause holds, without a share of the table: what a
  // select(table) lists (SelectData::columns()).
  std::vector<NodePtr> column_refs;
  const ColumnData* find(std::string_view column) const noexcept;
  // The shared node of column `index`, owning `self` (this table).
  NodePtr column_node(const std::shared_ptr<const FromData>& self, std::size_t index) const {
    return NodePtr(self, &column_nodes[index]);
  }
  std::string fullname() const { return schema ? *schema + "." + name : name; }
};

class Table;

class MetaData {
 public:
  MetaData();
  // Tables in dependency order (referenced tables first), as create_all emits them.
  std::vector<Table> sorted_tables() const;
  std::optional<Table> table(std::string_view fullname) const;

  // CREATE TABLE / CREATE INDEX for every table, skipping existing ones when `checkfirst`.
  void create_all(Engine& engine, bool checkfirst = true) const;
  void create_all(Connection& conn, bool checkfirst = true) const;
  void drop_all(Engine& engine, bool checkfirst = true) const;
  void drop_all(Connection& conn, bool checkfirst = true) const;

  const std::shared_ptr<MetaDataData>& data() const noexcept { return data_; }

 private:
  std::shared_ptr<MetaDataData> data_;
};

class Select;
class Insert;
class Update;
class Delete;
class FromClause;

// A FROM-able handle shared by Table, aliases, subqueries and joins.
class FromClause {
 public:
  explicit FromClause(std::shared_ptr<const FromData> data) : data_(std::move(data)) {}
  const std::shared_ptr<const FromData>& from_data() const noexcept { return data_; }

  // The column `name`; exc::ArgumentError when there is none.
  Column c(std::string_view name) const;
  std::vector<Column> columns() const;

  FromClause alias(std::string name = {}) const;
  FromClause join(const FromClause& right, std::optional<ColumnElement> onclause = std::nullopt,
                  bool isouter = false, bool full = false) const;
  FromClause outerjoin(const FromClause& right,
                       std::optional<ColumnElement> onclause = std::nullopt,
                       bool full = false) const;

 protected:
  std::shared_ptr<const FromData> data_;
};

class Table : public FromClause {
 public:
  Table(std::string name, MetaData& metadata, std::vector<SchemaItem> items,
        TableOptions options = {});
  explicit Table(std::shared_ptr<const TableData> data);

  const TableData& data() const noexcept { return static_cast<const TableData&>(*data_); }
  const std::string& name() const noexcept { return data().name; }
  const std::optional<std::string>& schema() const noexcept { return data().schema; }
  std::vector<Column> primary_key() const;

  Select select() const;
  Insert insert() const;
  Update update() const;
  Delete delete_() const;

  void create(Engine& engine, bool checkfirst = false) const;
  void create(Connection& conn, bool checkfirst = false) const;
  void drop(Engine& engine, bool checkfirst = false) const;
  void drop(Connection& conn, bool checkfirst = false) const;
};

}  // namespace athanor::sql

namespace athanor {
using sql::CheckConstraint;
using sql::Column;
using sql::ColumnOptions;
using sql::ForeignKey;
using sql::ForeignKeyConstraint;
using sql::FromClause;
using sql::Index;
using sql::MetaData;
using sql::PrimaryKeyConstraint;
using sql::Table;
using sql::UniqueConstraint;
}  // namespace athanor
