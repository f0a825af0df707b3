// DDL: CREATE / DROP TABLE and INDEX, has_table, MetaData::create_all / drop_all.
#include "athanor/sql/ddl.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "athanor/engine/connection.hpp"
#include "athanor/engine/engine.hpp"
#include "athanor/engine/result.hpp"
#include "sql/compiler.hpp"

namespace athanor::sql {

using detail::sql_string_literal;
using detail::SqlCompiler;

CompileResult DdlStatement::compile(const CompileRequest& request) const {
  // DDL has no cache key: compiled every time, logged "[no key]".
  const auto start = std::chrono::steady_clock::now();
  std::shared_ptr<const Compiled> fresh =
      compile_fresh(&request.dialect, request.parameters, request.options);
  const Compiled* raw = fresh.get();
  return {
      raw, std::move(fresh), CacheOutcome::no_key, std::chrono::steady_clock::now() - start, {}};
}

void DdlStatement::walk(detail::KeyWalk& w) const {
  w.cacheable = false;
}

namespace {

std::string column_list(const SqlCompiler& c, const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) out += ", ";
    out += c.quote(names[i]);
  }
  return out;
}

void constraint_name(SqlCompiler& c, const std::string& name) {
  if (!name.empty()) c.out += "CONSTRAINT " + c.quote(name) + " ";
}

}  // namespace

void CreateTable::render(SqlCompiler& c) const {
  const TableData& t = table_.data();
  c.out += "\nCREATE TABLE ";
  c.out += c.table_name(t);
  c.out += " (";
  bool first = true;
  auto item = [&] {
    c.out += first ? "\n\t" : ", \n\t";
    first = false;
  };
  for (const auto& col : t.columns) {
    item();
    c.out += c.quote(col->name);
    c.out += ' ';
    c.out += c.rules.column_type_ddl(t, *col);
    if (col->options.server_default) {
      c.out += " DEFAULT ";
      c.out += sql_string_literal(*col->options.server_default);
    }
    if (!col->nullable()) c.out += " NOT NULL";
  }
  if (!t.primary_key.empty()) {
    item();
    c.out += "PRIMARY KEY (" + column_list(c, t.primary_key) + ")";
  }
  for (const auto& [kind, index] : t.constraint_order) {
    item();
    if (kind == 'F') {
      const auto& fk = t.foreign_keys[index];
      constraint_name(c, fk.name);
      std::vector<std::string> refcols;
      std::string reftable;
      for (const auto& ref : fk.refcolumns) {
        const auto dot = ref.rfind('.');
        reftable = ref.substr(0, dot);
        refcols.push_back(ref.substr(dot + 1));
      }
      std::string target = reftable;
      if (t.metadata) {
        for (const auto& candidate : t.metadata->tables) {
          if (candidate->fullname() == reftable) target = c.table_name(*candidate);
        }
      }
      c.out += "FOREIGN KEY(" + column_list(c, fk.columns) + ") REFERENCES " + target + " (" +
               column_list(c, refcols) + ")";
      if (!fk.ondelete.empty()) c.out += " ON DELETE " + fk.ondelete;
      if (!fk.onupdate.empty()) c.out += " ON UPDATE " + fk.onupdate;
    } else if (kind == 'U') {
      constraint_name(c, t.uniques[index].name);
      c.out += "UNIQUE (" + column_list(c, t.uniques[index].columns) + ")";
    } else {
      constraint_name(c, t.checks[index].name);
      c.out += "CHECK (" + t.checks[index].sqltext + ")";
    }
  }
  c.out += "\n)\n\n";
}

void DropTable::render(SqlCompiler& c) const {
  c.out += "\nDROP TABLE ";
  c.out += c.table_name(table_.data());
}

void CreateIndex::render(SqlCompiler& c) const {
  c.out += index_.unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ";
  const TableData& t = table_.data();
  // An index lives in its table's schema: "schema.ix ON table".
  if (t.schema) c.out += c.quote(*t.schema) + ".";
  c.out += c.quote(index_.name);
  c.out += " ON ";
  c.out += c.quote(t.name);
  c.out += " (" + column_list(c, index_.columns) + ")";
}

void DropIndex::render(SqlCompiler& c) const {
  c.out += "\nDROP INDEX ";
  if (table_.data().schema) c.out += c.quote(*table_.data().schema) + ".";
  c.out += c.quote(index_.name);
}

bool has_table(Connection& conn, const Table& table) {
  const auto query = detail::rules_for(&conn.engine().dialect()).has_table_query(table.data());
  return conn.exec_driver_sql(query.sql, query.parameters).first().has_value();
}

// ---- Table / MetaData DDL entry points
// ------------------------------------------------------------

void Table::create(Connection& conn, bool checkfirst) const {
  if (checkfirst && has_table(conn, *this)) return;
  conn.execute(CreateTable(*this));
  for (const auto& ix : data().indexes) conn.execute(CreateIndex(*this, ix));
}

void Table::drop(Connection& conn, bool checkfirst) const {
  if (checkfirst && !has_table(conn, *this)) return;
  conn.execute(DropTable(*this));
}

void Table::create(Engine& engine, bool checkfirst) const {
  engine.begin([&](Connection& conn) { create(conn, checkfirst); });
}

void Table::drop(Engine& engine, bool checkfirst) const {
  engine.begin([&](Connection& conn) { drop(conn, checkfirst); });
}

void MetaData::create_all(Connection& conn, bool checkfirst) const {
  std::vector<Table> todo;
  for (const auto& t : sorted_tables()) {
    if (!checkfirst || !has_table(conn, t)) todo.push_back(t);
  }
  for (const auto& t : todo) t.create(conn, false);
}

void MetaData::drop_all(Connection& conn, bool checkfirst) const {
  auto tables = sorted_tables();
  std::reverse(tables.begin(), tables.end());  // referring tables first
  std::vector<Table> todo;
  for (const auto& t : tables) {
    if (!checkfirst || has_table(conn, t)) todo.push_back(t);
  }
  for (const auto& t : todo) t.drop(conn, false);
}

void MetaData::create_all(Engine& engine, bool checkfirst) const {
  engine.begin([&](Connection& conn) { create_all(conn, checkfirst); });
}

void MetaData::drop_all(Engine& engine, bool checkfirst) const {
  engine.begin([&](Connection& conn) { drop_all(conn, checkfirst); });
}

}  // namespace athanor::sql
