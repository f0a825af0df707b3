// Rendering SELECT / INSERT / UPDATE / DELETE.
#include <fmt/format.h>

#include <algorithm>

#include "athanor/exc.hpp"
#include "sql/compiler.hpp"

namespace athanor::sql::detail {

namespace {

void list(SqlCompiler& c, std::span<const NodePtr> nodes) {
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
void criteria(SqlCompiler& c, std::span<const NodePtr> nodes) {
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (i) c.out += " AND ";
    criterion(c, *nodes[i], nodes.size() > 1 ? Op::and_ : Op::comma);
  }
}

const ColumnData* autoincrement_column(const TableData& t) {
  auto pk_column = [&](const std::string& name) { return t.find(name); };
  if (t.primary_key.size() == 1) {
    const ColumnData* col = pk_column(t.primary_key.front());
    if (!col || !col->type.is_integer() || col->options.autoincrement == false) return nullptr;
    if (col->options.autoincrement == true) return col;
    const bool plain = !col->options.default_.present() && !col->options.server_default &&
                       col->foreign_keys.empty();
    return plain ? col : nullptr;
  }
  for (const std::string& name : t.primary_key) {
    const ColumnData* col = pk_column(name);
    if (col && col->options.autoincrement == true) return col;
  }
  return nullptr;
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
  const auto columns = s.columns();
  if (s.star || columns.empty()) out += '*';
  std::vector<std::string> used;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i) out += ", ";
    result_column(*columns[i], asfrom, used);
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
    criteria(*this, as_span(s.where));
  }
  if (const SelectClauses* more = s.clauses.get()) {
    if (!more->group_by.empty()) {
      out += " GROUP BY ";
      list(*this, as_span(more->group_by));
    }
    if (!more->having.empty()) {
      out += " \nHAVING ";
      criteria(*this, as_span(more->having));
    }
    if (!more->order_by.empty()) {
      out += " ORDER BY ";
      list(*this, as_span(more->order_by));
    }
    if (more->limit || more->offset) rules.limit_clause(*this, *more);
  }
  enclosing.pop_back();
}

void SqlCompiler::returning(std::span<const NodePtr> cols, const TableData* dml_table,
                            bool implicit) {
  if (cols.empty()) return;
  if (!rules.supports_returning()) {
    throw exc::CompileError("RETURNING is not supported by this dialect's statement compiler.");
  }
  (implicit ? compiled->implicit_returning : compiled->has_returning) = true;
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
using detail::is_open_literal;
using detail::SqlCompiler;

namespace {

// One SET / VALUES entry: an explicit literal binds under `name`, an expression renders as
// itself, parameters and client-side defaults bind under the column's name.
void crud_value(SqlCompiler& c, const CrudColumn& cc, const std::string& name) {
  if (cc.value) {
    if (is_open_literal(*cc.value) || (cc.value->kind == NodeKind::bind && cc.value->unique &&
                                       detail::bind_key(*cc.value) == cc.column->name)) {
      c.node_bind_names[cc.value] = name;
      c.placeholder(name);
    } else {
      c.operand(*cc.value, Op::none);  // SQLAlchemy self_group()s SET / VALUES expressions
    }
    return;
  }
  if (cc.client_default) c.default_bind_names[cc.column] = name;
  if (cc.client_default || cc.preexecuted) c.compiled->prefetch_cols.push_back(cc.column->name);
  c.placeholder(name);
}

// Parameter slots rendered so far: a numeric paramstyle numbers each bind name once.
std::size_t bind_slots(const SqlCompiler& c) {
  const bool numeric = c.style == Paramstyle::numeric || c.style == Paramstyle::numeric_dollar;
  return numeric ? c.compiled->bind_names.size() : c.compiled->positional_names.size();
}

bool is_sql_expression(const CrudColumn& cc) {
  return cc.value && cc.value->kind != NodeKind::bind;
}

// What an INSERT / UPDATE fetches back itself (crud.py's _get_returning_modifiers and the
// column scan after it): the columns of its own RETURNING clause, in table order, and the
// columns left for the server to fill that it does not fetch (postfetch_cols).
struct ServerValues {
  std::vector<NodePtr> fetch;
  std::vector<std::string> postfetch;
};

// How an INSERT learns its primary key. A single-row insert() run once without returning()
// reports it: from cursor.lastrowid where the dialect has it and the table has an autoincrement
// column, else with RETURNING (PostgreSQL; and any dialect when return_defaults() asks for
// RETURNING). An executemany insert() fetches them only for return_defaults(), batched by
// insertmanyvalues.
struct KeyFetch {
  bool need_pks = false;
  bool postfetch_lastrowid = false;
  bool implicit_returning = false;
};

KeyFetch key_fetch(const SqlCompiler& c, const DmlData& d, bool is_insert,
                   const ColumnData* autoinc) {
  const bool executemany_returning =
      c.dialect && c.dialect->use_insertmanyvalues() && c.rules.supports_returning();
  KeyFetch k;
  k.need_pks = is_insert && (!c.executemany || (executemany_returning && d.return_defaults)) &&
               d.returning.empty() && !d.from_select && d.rows.size() <= 1;
  k.postfetch_lastrowid = k.need_pks && c.rules.postfetch_lastrowid() && autoinc;
  // Table(implicit_returning=false) vetoes the compiler's own RETURNING.
  k.implicit_returning = k.need_pks && c.rules.supports_returning() &&
                         d.table->implicit_returning &&
                         (!k.postfetch_lastrowid || d.return_defaults);
  return k;
}

// When neither RETURNING nor lastrowid will tell a single-row INSERT its generated key, the
// autoincrement column the caller left out becomes a parameter that the dialect's SQL fills
// before the INSERT (crud.py's _append_param_insert_pk_no_returning on a dialect with
// preexecute_autoincrement_sequences). It goes where the table has it, as the other columns.
void add_preexecuted_key(SqlCompiler& c, const DmlData& d, std::vector<CrudColumn>& cols) {
  const TableData& t = *d.table;
  const ColumnData* autoinc = detail::autoincrement_column(t);
  if (!autoinc || c.rules.postfetch_lastrowid()) return;
  const KeyFetch k = key_fetch(c, d, true, autoinc);
  if (!k.need_pks || k.implicit_returning) return;
  if (std::any_of(cols.begin(), cols.end(),
                  [&](const CrudColumn& cc) { return cc.column == autoinc; })) {
    return;
  }
  std::optional<std::string> sql =
      c.rules.autoincrement_preexecute(t, *autoinc, c.effective_schema(t));
  if (!sql) return;
  c.compiled->preexecuted_defaults.push_back(
      {autoinc->name, std::move(*sql), autoinc->type.result_processor(c.dialect)});
  std::size_t at = 0;
  for (const auto& col : t.columns) {
    if (col.get() == autoinc) break;
    if (at < cols.size() && cols[at].column == col.get()) ++at;
  }
  CrudColumn key{autoinc};
  key.preexecuted = true;
  cols.insert(cols.begin() + static_cast<std::ptrdiff_t>(at), key);
}

ServerValues server_values(const SqlCompiler& c, const DmlData& d, bool is_insert,
                           const std::vector<CrudColumn>& cols) {
  if (!is_insert && d.return_defaults && c.executemany && c.rules.supports_returning()) {
    throw exc::InvalidRequestError(fmt::format(
        "Dialect {}+{} with current server capabilities does not support UPDATE..RETURNING when "
        "executemany is used",
        c.dialect->name(), c.dialect->driver()));
  }
  const TableData& t = *d.table;
  const ColumnData* autoinc = detail::autoincrement_column(t);
  const KeyFetch keys = key_fetch(c, d, is_insert, autoinc);
  const bool need_pks = keys.need_pks;
  const bool implicit_returning = keys.implicit_returning;
  const bool return_defaults = d.return_defaults && c.rules.supports_returning() &&
                               (is_insert ? implicit_returning : t.implicit_returning);
  // return_defaults(supplemental_cols): an insert's own columns among them come in table order
  // (as with SQLAlchemy, so that inserts of different columns share one RETURNING layout), the
  // rest after the defaults.
  auto supplemental = [&](const ColumnData* col) {
    return return_defaults && is_insert &&
           std::any_of(d.supplemental_returning.begin(), d.supplemental_returning.end(),
                       [&](const NodePtr& n) {
                         return n->kind == NodeKind::column && n->column == col &&
                                n->from.get() == d.table.get();
                       });
  };
  auto wanted = [&](const ColumnData* col) {
    if (!return_defaults) return false;
    if (d.return_defaults_columns.empty()) return true;
    return std::any_of(d.return_defaults_columns.begin(), d.return_defaults_columns.end(),
                       [&](const NodePtr& n) { return n->column == col; });
  };

  ServerValues out;
  for (std::size_t i = 0; i < t.columns.size(); ++i) {
    const ColumnData* col = t.columns[i].get();
    const bool pk =
        std::find(t.primary_key.begin(), t.primary_key.end(), col->name) != t.primary_key.end();
    const auto rendered = std::find_if(cols.begin(), cols.end(),
                                       [&](const CrudColumn& cc) { return cc.column == col; });
    bool fetch = false;
    if (rendered != cols.end()) {
      if (is_sql_expression(*rendered)) {
        // A SQL expression's value is only known to the server.
        if (is_insert && pk) {
          fetch = implicit_returning;
        } else if (wanted(col)) {
          fetch = true;
        } else {
          out.postfetch.push_back(col->name);
        }
      } else if (is_insert && col == autoinc && c.rules.insert_null_pk_still_autoincrements() &&
                 (!rendered->value || rendered->value->value.is_null())) {
        // A NULL for it still has the database generate the key (SQLite), so a value that may be
        // NULL (an execution parameter, a NULL in values()) is fetched like a generated one;
        // lastrowid serves when there is no RETURNING.
        fetch = implicit_returning;
      }
    } else if (is_insert && pk && need_pks) {
      fetch = implicit_returning && (col == autoinc || col->options.server_default);
    } else if (is_insert && col->options.server_default) {
      if (wanted(col)) {
        fetch = true;
      } else if (!pk) {
        out.postfetch.push_back(col->name);
      }
    } else {
      // A column nothing sets: an insert's return_defaults() fetches it, an update's only when
      // it names the column.
      fetch = wanted(col) && (is_insert || !d.return_defaults_columns.empty());
    }
    if (fetch || supplemental(col)) out.fetch.push_back(t.column_node(d.table, i));
  }
  for (const NodePtr& n : d.supplemental_returning) {
    const bool fetched = std::any_of(out.fetch.begin(), out.fetch.end(), [&](const NodePtr& f) {
      return f.get() == n.get() || (n->kind == NodeKind::column && f->column == n->column);
    });
    if (return_defaults && !fetched) out.fetch.push_back(n);
  }
  return out;
}

// The primary key, the autoincrement column and the server-filled columns of an INSERT or
// UPDATE, and the RETURNING clause the compiler adds for them.
void dml_facts(SqlCompiler& c, const DmlData& d, bool is_insert,
               const std::vector<CrudColumn>& cols) {
  const TableData& t = *d.table;
  c.compiled->primary_key = t.primary_key;
  const ColumnData* autoinc = detail::autoincrement_column(t);
  c.compiled->autoincrement_column = autoinc ? autoinc->name : std::string();
  ServerValues values = server_values(c, d, is_insert, cols);
  c.compiled->postfetch_cols = std::move(values.postfetch);
  c.compiled->supplemental_returning = !d.supplemental_returning.empty() && !values.fetch.empty();
  c.returning(values.fetch, &t, true);
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
    dml_facts(c, d, true, {});
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
    dml_facts(c, d, true, given);
  } else {
    auto cols =
        detail::crud_columns(d, d.rows.empty() ? nullptr : &d.rows.front(), c.parameters, true);
    add_preexecuted_key(c, d, cols);
    if (cols.empty() && c.rules.supports_default_values()) {
      c.out += " DEFAULT VALUES";
    } else {
      c.out += " (";
      for (std::size_t i = 0; i < cols.size(); ++i) {
        if (i) c.out += ", ";
        c.out += c.quote(cols[i].column->name);
      }
      c.out += ") VALUES ";
      const Compiled::ValuesGroup group{c.out.size(), 0, bind_slots(c), 0};
      c.out += '(';
      for (std::size_t i = 0; i < cols.size(); ++i) {
        if (i) c.out += ", ";
        crud_value(c, cols[i], cols[i].column->name);
      }
      c.out += ')';
      if (c.executemany && c.dialect && c.dialect->use_insertmanyvalues() &&
          c.style != Paramstyle::named && c.style != Paramstyle::pyformat) {
        c.compiled->values_group = {group.begin, c.out.size(), group.first_slot,
                                    bind_slots(c) - group.first_slot, d.sort_by_parameter_order};
      }
    }
    dml_facts(c, d, true, cols);
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
  if (!d.where.empty()) {
    c.out += " WHERE ";
    detail::criteria(c, d.where);
  }
  c.enclosing.pop_back();
  dml_facts(c, d, false, cols);
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
