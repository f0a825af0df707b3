// athanor/sql/selectable.hpp — select(), subqueries, aliases, joins, exists().
//
//   sa::select(users).where(users.c("id") == 5)
//   sa::select(users.c("name"), sa::func::count(orders.c("id")))
//       .select_from(users.join(orders)).group_by(users.c("name"))
//   auto sq = sa::select(users).where(...).subquery("sq");   sq.c("id")
//
// Generative methods return a new Select and leave the original unchanged; on a temporary they
// modify it in place, so a chain builds one statement.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "athanor/sql/elements.hpp"
#include "athanor/sql/schema.hpp"
#include "athanor/sql/statement.hpp"

namespace athanor::sql {

// The clauses of a SelectData that most statements leave out. Shared between copies of a Select
// until one of them changes it.
struct SelectClauses {
  NodeList group_by;
  NodeList having;
  NodeList order_by;
  NodePtr limit;
  NodePtr offset;
};

// The lists are inline up to a typical size, so select(table).where(...) is one allocation.
struct SelectData {
  // The columns clause.
  std::span<const NodePtr> columns() const noexcept {
    if (!whole_table) return {listed_columns.data(), listed_columns.size()};
    const auto& refs = static_cast<const TableData&>(*froms.front()).column_refs;
    return {refs.data(), refs.size()};
  }

  // The columns clause unless whole_table; read through columns(). A whole table's columns
  // (select(users)) are the table's own nodes without a share of the table: `froms` holds it for
  // them, and counting one reference per column was a good part of building the statement. Keep
  // a column past its statement only through Table::c().
  boost::container::small_vector<NodePtr, 8> listed_columns;
  // Tables / aliases / joins named in the columns clause as whole FROMs (select(users)).
  boost::container::small_vector<std::shared_ptr<const FromData>, 1> froms;
  NodeList where;
  // Null unless the statement has GROUP BY, HAVING, ORDER BY, LIMIT or OFFSET: made when first
  // used, so that building, comparing and dropping a select() without them skips their lists.
  std::shared_ptr<SelectClauses> clauses;
  bool distinct = false;
  bool star = false;  // exists() without columns: SELECT *
  // select(table) alone: the columns are froms[0]'s own column nodes (TableData::column_refs),
  // not listed here, so that building and dropping the statement copies none of them. Two such
  // statements of one table have the same columns, which the cache's shape comparison then
  // need not compare one by one.
  bool whole_table = false;
};

struct SubqueryData : FromData {
  SubqueryData() : FromData(FromKind::subquery) {}
  std::shared_ptr<const SelectData> select;
  std::string name;  // empty: anonymous (anon_1)
};
struct AliasData : FromData {
  AliasData() : FromData(FromKind::alias) {}
  std::shared_ptr<const FromData> element;  // a table
  std::string name;                         // empty: anonymous (<table>_1)
};
struct JoinData : FromData {
  JoinData() : FromData(FromKind::join) {}
  std::shared_ptr<const FromData> left;
  std::shared_ptr<const FromData> right;
  NodePtr onclause;
  bool isouter = false;
  bool full = false;
};

// What select(...) accepts: a column expression or a whole FROM (its columns). An argument lives
// only for the select() call, so it refers to what the caller passed rather than sharing it
// (a share per argument was a good part of building a statement); only a value that first becomes
// an expression, as in select(5), is held here. Not copyable: it may point into itself.
class SelectArg {
 public:
  SelectArg(const ColumnElement& e) : column_(&e) {}  // NOLINT: implicit, select(a, b) reads as SQL
  SelectArg(ColumnElement&& e) : owned_(std::move(e)), column_(&owned_) {}  // NOLINT
  SelectArg(const FromClause& f) : from_(&f) {}                             // NOLINT
  SelectArg(const SelectArg&) = delete;
  SelectArg& operator=(const SelectArg&) = delete;

  const ColumnElement* column() const noexcept { return column_; }  // null for a FROM
  const FromClause* from() const noexcept { return from_; }         // null for a column

 private:
  ColumnElement owned_;
  const ColumnElement* column_ = nullptr;
  const FromClause* from_ = nullptr;
};

class Select : public Statement {
 public:
  explicit Select(std::span<const SelectArg> items);

  Select where(const ColumnElement& c) const& { return Select(*this).where(c); }
  Select&& where(ColumnElement c) &&;
  Select order_by(std::vector<ColumnElement> cs) const& { return Select(*this).order_by(cs); }
  Select&& order_by(std::vector<ColumnElement> cs) &&;
  Select group_by(std::vector<ColumnElement> cs) const& { return Select(*this).group_by(cs); }
  Select&& group_by(std::vector<ColumnElement> cs) &&;
  Select having(const ColumnElement& c) const& { return Select(*this).having(c); }
  Select&& having(const ColumnElement& c) &&;
  // LIMIT / OFFSET are bound parameters, so one compiled form serves every page.
  Select limit(std::int64_t n) const& { return Select(*this).limit(n); }
  Select&& limit(std::int64_t n) &&;
  Select offset(std::int64_t n) const& { return Select(*this).offset(n); }
  Select&& offset(std::int64_t n) &&;
  Select distinct() const& { return Select(*this).distinct(); }
  Select&& distinct() &&;
  Select select_from(const FromClause& f) const& { return Select(*this).select_from(f); }
  Select&& select_from(const FromClause& f) &&;
  // select(a).join(b): joins b to the FROM that contains a (ON inferred from foreign keys).
  Select join(const FromClause& right, std::optional<ColumnElement> on = std::nullopt,
              bool isouter = false) const;
  Select outerjoin(const FromClause& right, std::optional<ColumnElement> on = std::nullopt) const {
    return join(right, std::move(on), true);
  }
  Select execution_options(const ExecutionOptions& options) const;

  FromClause subquery(std::string name = {}) const;
  FromClause alias(std::string name = {}) const { return subquery(std::move(name)); }
  ColumnElement scalar_subquery() const;
  ColumnElement exists() const;
  ColumnElement label(std::string name) const { return scalar_subquery().label(std::move(name)); }

  const SelectData& data() const noexcept { return *data_; }
  std::shared_ptr<const SelectData> shared_data() const { return data_; }
  void walk(detail::KeyWalk& w) const override;
  void render(detail::SqlCompiler& c) const override;
  std::shared_ptr<const Statement> prototype() const override;
  bool same_shape(const Statement& prototype,
                  std::vector<detail::LiteralSlot>& slots) const override;

 private:
  SelectData& mut();
  SelectClauses& mut_clauses();
  std::shared_ptr<SelectData> data_;
};

template <typename... Items>
Select select(const Items&... items) {
  if constexpr (sizeof...(Items) == 0) {
    return Select(std::span<const SelectArg>());
  } else {
    const SelectArg args[] = {SelectArg(items)...};
    return Select(std::span<const SelectArg>(args));
  }
}

// exists(): EXISTS (SELECT * FROM ... WHERE ...) — build with exists_select().where(...).
ColumnElement exists(const Select& s);

}  // namespace athanor::sql

namespace athanor {
using sql::exists;
using sql::Select;
using sql::select;
}  // namespace athanor
