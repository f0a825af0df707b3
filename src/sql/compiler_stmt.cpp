// Rendering SELECT / INSERT / UPDATE / DELETE.
#include <fmt/format.h>

#include <algorithm>

#include "athanor/exc.hpp"
#include "sql/compiler.hpp"

namespace athanor::sql::detail {

namespace {

void list(SqlCompiler& c, const std::vector<NodePtr>& nodes) {
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (i) c.out += ", ";
    c.expr(*nodes[i]);
  }
}

// One WHERE / HAVING criterion. Without native booleans a bare boolean is compared to 1
// ("x = 1", "1 = 1", "0 = 1"), as SQLAlchemy does.
void criterion(SqlCompiler& c, const Node& n, Op against) {
  if (!c.rules.supports_native_boolean()) {
    if (n.kind == NodeKind::true_ || n.kind == NodeKind::false_) {
      c.out += n.kind == NodeKind::true_ ? "1 = 1" : "0 = 1";
      return;
    }
    if (n.kind == NodeKind::column && n.type.kind == TypeKind::boolean) {
      c.expr(n);
      c.out += " = 1";
      return;
    }
  }
  c.operand(n, against);
}

}  // namespace

// Several WHERE / HAVING criteria are ANDed.
void criteria(SqlCompiler& c, const std::vector<NodePtr>& nodes) {
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (i) c.out += " AND ";
    criterion(c, *nodes[i], nodes.size() > 1 ? Op::and_ : Op::comma);
  }
}

void SqlCompiler::result_column(const Node& n, bool asfrom, std::vector<std::string>& used) {
  const bool top_level = enclosing.size() == 1 && !asfrom;
  std::string key;
  switch (n.kind) {
    case NodeKind::label:
      expr(*n.args[0]);
      out += " AS ";
      out += quote(n.name);
      key = n.name;
      break;
    case NodeKind::column:
      column(n);
      key = n.name;
      // A name already in this columns clause is disambiguated: "orders.id AS id_1".
      if (std::find(used.begin(), used.end(), key) != used.end()) {
        key = anon(n.name);
        out += " AS ";
        out += quote(key);
      } else if (asfrom) {
        out += " AS ";
        out += quote(n.name);
      }
      break;
    case NodeKind::text:
      out += n.name;
      key = n.name;
      break;
    case NodeKind::cast:
      // A CAST of a column is named after the column, like the column itself.
      expr(n);
      key = n.args[0]->kind == NodeKind::column ? n.args[0]->name : anon("anon");
      out += " AS ";
      out += quote(key);
      break;
    case NodeKind::function:
      key = anon(n.name);  // named before its arguments' binds: "f(:f_2) AS f_1"
      expr(n);
      out += " AS ";
      out += key;
      break;
    case NodeKind::unary:
      expr(n);  // -x, NOT x: rendered unlabeled
      key = n.args[0]->name;
      break;
    default:
      expr(n);
      key = anon("anon");
      out += " AS ";
      out += key;
      break;
  }
  used.push_back(key);
  if (top_level && compiled) {
    compiled->result_keys.push_back(std::move(key));
    compiled->result_columns.push_back(n.kind == NodeKind::column
                                           ? ColumnIdentity{n.from.get(), n.column, n.name}
                                           : ColumnIdentity{});
    compiled->result_processors.push_back(n.type.result_processor(dialect));
  }
}

void SqlCompiler::from(const FromData& f) {
  switch (f.kind) {
    case FromKind::table:
      out += table_name(static_cast<const TableData&>(f));
      return;
    case FromKind::alias:
      out += table_name(underlying_table(f));
      out += " AS ";
      out += quote(alias_name(f));
      return;
    case FromKind::join: {
      const auto& j = static_cast<const JoinData&>(f);
      from(*j.left);
      out += j.full ? " FULL OUTER JOIN " : j.isouter ? " LEFT OUTER JOIN " : " JOIN ";
      from(*j.right);
      out += " ON ";
      expr(*j.onclause);
      return;
    }
    case FromKind::subquery: {
      const auto& q = static_cast<const SubqueryData&>(f);
      const std::string name = alias_name(f);
      out += '(';
      select(*q.select, true, false);
      out += ") AS ";
      out += quote(name);
      return;
    }
  }
}

void SqlCompiler::select(const SelectData& s, bool asfrom, bool nested) {
  auto froms = select_froms(s);
  if (nested && !enclosing.empty()) {
    // Auto-correlation: a nested SELECT leaves out the FROMs of the statements around it,
    // unless that would leave it none.
    std::vector<std::shared_ptr<const FromData>> kept;
    for (const auto& f : froms) {
      bool outer = false;
      for (const auto& level : enclosing) {
        outer = outer || std::find(level.begin(), level.end(), f.get()) != level.end();
      }
      if (!outer) kept.push_back(f);
    }
    if (!kept.empty()) froms = std::move(kept);
  }
  std::vector<const FromData*> level;
  for (const auto& f : froms) level.push_back(f.get());
  enclosing.push_back(std::move(level));

  out += "SELECT ";
  if (s.distinct) out += "DISTINCT ";
  if (s.star || s.columns.empty()) out += '*';
  std::vector<std::string> used;
  for (std::size_t i = 0; i < s.columns.size(); ++i) {
    if (i) out += ", ";
    result_column(*s.columns[i], asfrom, used);
  }
  if (!froms.empty()) {
    out += " \nFROM ";
    for (std::size_t i = 0; i < froms.size(); ++i) {
      if (i) out += ", ";
      from(*froms[i]);
    }
  }
  if (!s.where.empty()) {
    out += " \nWHERE ";
    criteria(*this, s.where);
  }
  if (!s.group_by.empty()) {
    out += " GROUP BY ";
    list(*this, s.group_by);
  }
  if (!s.having.empty()) {
    out += " \nHAVING ";
    criteria(*this, s.having);
  }
  if (!s.order_by.empty()) {
    out += " ORDER BY ";
    list(*this, s.order_by);
  }
  if (s.limit || s.offset) rules.limit_clause(*this, s);
  enclosing.pop_back();
}

void SqlCompiler::returning(const std::vector<NodePtr>& cols, const TableData* dml_table) {
  if (cols.empty()) return;
  if (!rules.supports_returning()) {
    throw exc::CompileError("RETURNING is not supported by this dialect's statement compiler.");
  }
  compiled->has_returning = true;
  out += " RETURNING ";
  enclosing.emplace_back();  // RETURNING columns are result columns of the statement
  std::vector<std::string> used;
  for (std::size_t i = 0; i < cols.size(); ++i) {
    if (i) out += ", ";
    const Node& n = *cols[i];
    if (n.kind == NodeKind::column && n.from.get() == dml_table &&
        !rules.returning_includes_table()) {
      out += quote(n.name);
      compiled->result_keys.push_back(n.name);
      compiled->result_columns.push_back({n.from.get(), n.column, n.name});
      compiled->result_processors.push_back(n.type.result_processor(dialect));
    } else {
      result_column(n, false, used);
    }
  }
  enclosing.pop_back();
}

}  // namespace athanor::sql::detail

// ---- each statement's render
// ---------------------------------------------------------------------

namespace athanor::sql {

using detail::CrudColumn;
using detail::SqlCompiler;

namespace {

bool is_open_literal(const Node& n) {
  return n.kind == NodeKind::bind && n.unique && n.name.empty();
}

// One SET / VALUES entry: an explicit literal binds under `name`, an expression renders as
// itself, parameters and client-side defaults bind under the column's name.
void crud_value(SqlCompiler& c, const CrudColumn& cc, const std::string& name) {
  if (cc.value) {
    if (is_open_literal(*cc.value) || (cc.value->kind == NodeKind::bind && cc.value->unique &&
                                       cc.value->name == cc.column->name)) {
      c.node_bind_names[cc.value] = name;
      c.placeholder(name);
    } else {
      c.operand(*cc.value, Op::none);  // SQLAlchemy self_group()s SET / VALUES expressions
    }
    return;
  }
  if (cc.client_default) {
    c.default_bind_names[cc.column] = name;
    c.compiled->prefetch_cols.push_back(cc.column->name);
  }
  c.placeholder(name);
}

// The column whose value the database generates when an INSERT leaves it out (its lastrowid):
// a single Integer primary key, unless autoincrement=false.
std::string autoincrement_column(const TableData& t) {
  if (t.primary_key.size() != 1) return {};
  const ColumnData* pk = t.find(t.primary_key.front());
  if (!pk || !pk->type.is_integer() || pk->options.autoincrement == false) return {};
  return pk->name;
}

void dml_facts(SqlCompiler& c, const TableData& t, const std::vector<CrudColumn>& cols) {
  c.compiled->primary_key = t.primary_key;
  c.compiled->autoincrement_column = autoincrement_column(t);
  for (const auto& col : t.columns) {
    const bool rendered = std::any_of(cols.begin(), cols.end(),
                                      [&](const CrudColumn& cc) { return cc.column == col.get(); });
    if (!rendered && col->options.server_default) {
      c.compiled->postfetch_cols.push_back(col->name);
    }
  }
}

}  // namespace

void Select::render(SqlCompiler& c) const {
  c.select(*data_, false, false);
}

void Insert::render(SqlCompiler& c) const {
  const DmlData& d = *data_;
  c.compiled->is_insert = true;
  c.out += "INSERT INTO ";
  c.out += c.table_name(*d.table);
  if (d.from_select) {
    c.out += " (";
    for (std::size_t i = 0; i < d.from_select_columns.size(); ++i) {
      if (i) c.out += ", ";
      c.out += c.quote(d.from_select_columns[i]);
    }
    c.out += ") ";
    c.select(*d.from_select, false, false);
    c.compiled->result_keys.clear();  // the SELECT's columns are not the statement's results
    c.compiled->result_columns.clear();
    c.compiled->result_processors.clear();
    dml_facts(c, *d.table, {});
  } else if (d.rows.size() > 1) {
    // Multi-row VALUES: the first row's columns, in table order; binds name_m0, name_m1, ...
    const auto cols = detail::crud_columns(d, &d.rows.front(), nullptr, true);
    std::vector<CrudColumn> given;
    for (const auto& cc : cols) {
      if (cc.value) given.push_back(cc);
    }
    c.out += " (";
    for (std::size_t i = 0; i < given.size(); ++i) {
      if (i) c.out += ", ";
      c.out += c.quote(given[i].column->name);
    }
    c.out += ") VALUES ";
    for (std::size_t r = 0; r < d.rows.size(); ++r) {
      if (r) c.out += ", ";
      c.out += '(';
      for (std::size_t i = 0; i < given.size(); ++i) {
        if (i) c.out += ", ";
        CrudColumn cc = given[i];
        cc.value = nullptr;
        for (const auto& [name, value] : d.rows[r]) {
          if (name == cc.column->name) cc.value = value.node().get();
        }
        if (!cc.value) {
          throw exc::CompileError(fmt::format(
              "INSERT value for column {}.{} is explicitly rendered as a bound parameter in the "
              "VALUES clause; a Python-side value or SQL expression is required",
              d.table->name, cc.column->name));
        }
        crud_value(c, cc, fmt::format("{}_m{}", cc.column->name, r));
      }
      c.out += ')';
    }
    dml_facts(c, *d.table, given);
  } else {
    const auto cols =
        detail::crud_columns(d, d.rows.empty() ? nullptr : &d.rows.front(), c.parameters, true);
    if (cols.empty() && c.rules.supports_default_values()) {
      c.out += " DEFAULT VALUES";
    } else {
      c.out += " (";
      for (std::size_t i = 0; i < cols.size(); ++i) {
        if (i) c.out += ", ";
        c.out += c.quote(cols[i].column->name);
      }
      c.out += ") VALUES (";
      for (std::size_t i = 0; i < cols.size(); ++i) {
        if (i) c.out += ", ";
        crud_value(c, cols[i], cols[i].column->name);
      }
      c.out += ')';
    }
    dml_facts(c, *d.table, cols);
  }
  c.returning(d.returning, d.table.get());
}

void Update::render(SqlCompiler& c) const {
  const DmlData& d = *data_;
  c.compiled->is_update = true;
  c.enclosing.push_back({d.table.get()});
  c.out += "UPDATE ";
  c.out += c.table_name(*d.table);
  c.out += " SET ";
  const auto cols =
      detail::crud_columns(d, d.rows.empty() ? nullptr : &d.rows.front(), c.parameters, false);
  for (std::size_t i = 0; i < cols.size(); ++i) {
    if (i) c.out += ", ";
    c.out += c.quote(cols[i].column->name);
    c.out += '=';
    crud_value(c, cols[i], cols[i].column->name);
  }
  dml_facts(c, *d.table, cols);
  if (!d.where.empty()) {
    c.out += " WHERE ";
    detail::criteria(c, d.where);
  }
  c.enclosing.pop_back();
  c.returning(d.returning, d.table.get());
}

void Delete::render(SqlCompiler& c) const {
  const DmlData& d = *data_;
  c.compiled->is_delete = true;
  c.enclosing.push_back({d.table.get()});  // a subquery in WHERE correlates to the table
  c.compiled->primary_key = d.table->primary_key;
  c.out += "DELETE FROM ";
  c.out += c.table_name(*d.table);
  if (!d.where.empty()) {
    c.out += " WHERE ";
    detail::criteria(c, d.where);
  }
  c.enclosing.pop_back();
  c.returning(d.returning, d.table.get());
}

}  // namespace athanor::sql
