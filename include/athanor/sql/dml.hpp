// athanor/sql/dml.hpp — insert(), update(), delete_().
//
//   sa::insert(users).values({{"name", "alice"}})           INSERT INTO users (name) VALUES (?)
//   conn.execute(sa::insert(users), rows)                    executemany over the rows' keys
//   sa::update(users).where(users.c("id") == sa::bindparam("uid"))
//       .values({{"status", sa::bindparam("s")}})
//   sa::delete_(users).where(users.c("id") == 1).returning({users.c("id")})
//
// Values given as C++ values are bound under the column's name (":name"); multi-row values()
// binds "name_m0", "name_m1", ... Columns without a value that have a client-side default get it
// at execution (a callable runs once per parameter set, executemany included).
#pragma once

#include <span>
#include <string>
#include <utility>
#include <vector>

#include "athanor/sql/elements.hpp"
#include "athanor/sql/schema.hpp"
#include "athanor/sql/selectable.hpp"
#include "athanor/sql/statement.hpp"

namespace athanor::sql {

// column name → value or expression, in the order given.
using ValuesMap = std::vector<std::pair<std::string, ColumnElement>>;

struct ReturningOptions {
  bool sort_by_parameter_order = false;  // executemany: rows in parameter-set order, one per batch
};

struct ReturnDefaultsOptions {
  // More RETURNING expressions, fetched with the defaults; the result then also hands the rows to
  // the caller (SQLAlchemy's supplemental_cols).
  std::vector<ColumnElement> supplemental_cols{};
};

struct DmlData {
  std::shared_ptr<const TableData> table;
  std::vector<ValuesMap> rows;  // insert: one per row of values(); update: one
  std::shared_ptr<const SelectData> from_select;
  std::vector<std::string> from_select_columns;
  std::vector<NodePtr> where;
  std::vector<NodePtr> returning;
  bool sort_by_parameter_order = false;
  // return_defaults(): fetch server-generated values with RETURNING where the dialect has it;
  // no columns named means every column that gets a server-side value.
  bool return_defaults = false;
  std::vector<NodePtr> return_defaults_columns;
  std::vector<NodePtr> supplemental_returning;
};

class DmlStatement : public Statement {
 public:
  const DmlData& data() const noexcept { return *data_; }

 protected:
  explicit DmlStatement(const Table& table);
  DmlData& mut();
  std::shared_ptr<DmlData> data_;
};

class Insert : public DmlStatement {
 public:
  explicit Insert(const Table& table) : DmlStatement(table) {}
  Insert values(ValuesMap row) const& { return Insert(*this).values(std::move(row)); }
  Insert&& values(ValuesMap row) &&;
  // Multi-row VALUES (...), (...): values(std::vector<sa::ValuesMap>{{...}, {...}}). A span, so
  // that values({{"name", "x"}}) is unambiguously the single-row form.
  Insert values(std::span<const ValuesMap> rows) const& { return Insert(*this).values(rows); }
  Insert&& values(std::span<const ValuesMap> rows) &&;
  Insert from_select(std::vector<std::string> columns, const Select& select) const;
  Insert returning(std::vector<ColumnElement> cols, ReturningOptions options = {}) const;
  // Fetch the new row's server-generated values (primary key, server defaults; only `cols` when
  // given) into CursorResult::returned_defaults(), with RETURNING on dialects that have it.
  // Not together with returning().
  Insert return_defaults(std::vector<ColumnElement> cols = {},
                         ReturnDefaultsOptions options = {}) const;
  Insert execution_options(const ExecutionOptions& options) const;
  void walk(detail::KeyWalk& w) const override;
  void render(detail::SqlCompiler& c) const override;
};

class Update : public DmlStatement {
 public:
  explicit Update(const Table& table) : DmlStatement(table) {}
  Update where(const ColumnElement& c) const& { return Update(*this).where(c); }
  Update&& where(const ColumnElement& c) &&;
  Update values(ValuesMap row) const& { return Update(*this).values(std::move(row)); }
  Update&& values(ValuesMap row) &&;
  Update returning(std::vector<ColumnElement> cols) const;
  // Fetch `cols` (without them: the columns given server-side values, such as an onupdate
  // expression) into CursorResult::returned_defaults(), with RETURNING on dialects that have it.
  Update return_defaults(std::vector<ColumnElement> cols = {},
                         ReturnDefaultsOptions options = {}) const;
  Update execution_options(const ExecutionOptions& options) const;
  void walk(detail::KeyWalk& w) const override;
  void render(detail::SqlCompiler& c) const override;
};

class Delete : public DmlStatement {
 public:
  explicit Delete(const Table& table) : DmlStatement(table) {}
  Delete where(const ColumnElement& c) const& { return Delete(*this).where(c); }
  Delete&& where(const ColumnElement& c) &&;
  Delete returning(std::vector<ColumnElement> cols) const;
  Delete execution_options(const ExecutionOptions& options) const;
  void walk(detail::KeyWalk& w) const override;
  void render(detail::SqlCompiler& c) const override;
};

inline Insert insert(const Table& t) {
  return Insert(t);
}
inline Update update(const Table& t) {
  return Update(t);
}
inline Delete delete_(const Table& t) {
  return Delete(t);
}

}  // namespace athanor::sql

namespace athanor {
using sql::Delete;
using sql::delete_;
using sql::Insert;
using sql::insert;
using sql::Update;
using sql::update;
using sql::ValuesMap;
}  // namespace athanor
