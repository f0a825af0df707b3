// PostgreSQL's SQL compiler rules: its reserved words, native booleans and ILIKE, LIMIT ALL for
// an offset alone, SERIAL for the autoincrement column (and its sequence for a key fetched before
// the INSERT), and its own names for the generic types.
#include "dialects/postgresql/compiler.hpp"

#include <algorithm>
#include <string_view>

#include "sql/compiler.hpp"

namespace athanor::dialects::postgresql {

namespace {

// The sequence CREATE TABLE made for a SERIAL column: <table>_<column>_seq, both names cut to
// 29 characters when together they are too long for an identifier (as SQLAlchemy cuts them,
// which gives what the server's own truncation gives for names of plain characters).
std::string serial_sequence_name(std::string_view table, std::string_view column) {
  table = table.substr(0, 29 + (column.size() < 29 ? 29 - column.size() : 0));
  column = column.substr(0, 29 + (table.size() < 29 ? 29 - table.size() : 0));
  std::string out(table);
  out += '_';
  out += column;
  out += "_seq";
  return out;
}

using sql::ColumnData;
using sql::SelectClauses;
using sql::TableData;
using sql::TypeEngine;
using sql::TypeKind;
using sql::detail::DialectRules;
using sql::detail::SqlCompiler;

// PostgreSQL's own list (postgresql/base.py), sorted for binary search.
constexpr std::string_view postgresql_reserved[] = {"all",
                                                    "analyse",
                                                    "analyze",
                                                    "and",
                                                    "any",
                                                    "array",
                                                    "as",
                                                    "asc",
                                                    "asymmetric",
                                                    "authorization",
                                                    "between",
                                                    "binary",
                                                    "both",
                                                    "case",
                                                    "cast",
                                                    "check",
                                                    "collate",
                                                    "column",
                                                    "constraint",
                                                    "create",
                                                    "cross",
                                                    "current_catalog",
                                                    "current_date",
                                                    "current_role",
                                                    "current_schema",
                                                    "current_time",
                                                    "current_timestamp",
                                                    "current_user",
                                                    "default",
                                                    "deferrable",
                                                    "desc",
                                                    "distinct",
                                                    "do",
                                                    "else",
                                                    "end",
                                                    "except",
                                                    "false",
                                                    "fetch",
                                                    "for",
                                                    "foreign",
                                                    "freeze",
                                                    "from",
                                                    "full",
                                                    "grant",
                                                    "group",
                                                    "having",
                                                    "ilike",
                                                    "in",
                                                    "initially",
                                                    "inner",
                                                    "intersect",
                                                    "into",
                                                    "is",
                                                    "isnull",
                                                    "join",
                                                    "leading",
                                                    "left",
                                                    "like",
                                                    "limit",
                                                    "localtime",
                                                    "localtimestamp",
                                                    "natural",
                                                    "new",
                                                    "not",
                                                    "notnull",
                                                    "null",
                                                    "of",
                                                    "off",
                                                    "offset",
                                                    "old",
                                                    "on",
                                                    "only",
                                                    "or",
                                                    "order",
                                                    "outer",
                                                    "over",
                                                    "overlaps",
                                                    "placing",
                                                    "primary",
                                                    "references",
                                                    "returning",
                                                    "right",
                                                    "select",
                                                    "session_user",
                                                    "similar",
                                                    "some",
                                                    "symmetric",
                                                    "table",
                                                    "then",
                                                    "to",
                                                    "trailing",
                                                    "true",
                                                    "union",
                                                    "unique",
                                                    "user",
                                                    "using",
                                                    "variadic",
                                                    "verbose",
                                                    "when",
                                                    "where",
                                                    "window",
                                                    "with"};

class PostgresqlRules : public DialectRules {
 public:
  bool supports_native_boolean() const override { return true; }
  bool native_ilike() const override { return true; }
  bool postfetch_lastrowid() const override { return false; }
  // A server default of the key column is evaluated on its own; otherwise the SERIAL column's
  // sequence is advanced (SQLAlchemy's PGExecutionContext.get_insert_default).
  std::optional<std::string> autoincrement_preexecute(
      const TableData& t, const ColumnData& col,
      const std::optional<std::string>& schema) const override {
    if (col.options.server_default) {
      return "select " + sql::detail::sql_string_literal(*col.options.server_default);
    }
    std::string sequence;
    if (schema) sequence = sql::detail::quoted_identifier(*schema) + '.';
    sequence += sql::detail::quoted_identifier(serial_sequence_name(t.name, col.name));
    return "select nextval(" + sql::detail::sql_string_literal(sequence) + ")";
  }
  bool is_reserved(std::string_view w) const override {
    return std::binary_search(std::begin(postgresql_reserved), std::end(postgresql_reserved), w);
  }
  void limit_clause(SqlCompiler& c, const SelectClauses& s) const override {
    if (s.limit) {
      c.out += " \n LIMIT ";
      c.bind(*s.limit);
    }
    if (s.offset) {
      if (!s.limit) c.out += "\n LIMIT ALL";
      c.out += " OFFSET ";
      c.bind(*s.offset);
    }
  }
  std::string type_ddl(const TypeEngine& t) const override {
    switch (t.kind) {
      case TypeKind::time:
        return "TIME WITHOUT TIME ZONE";
      case TypeKind::datetime:
        return "TIMESTAMP WITHOUT TIME ZONE";
      case TypeKind::large_binary:
        return "BYTEA";
      case TypeKind::uuid:
        return "UUID";
      default:
        return DialectRules::type_ddl(t);
    }
  }
  DriverQuery has_table_query(const TableData& t) const override {
    // SQLAlchemy's query: any table-like relation, visible on the search path unless a schema
    // is named.
    std::string sql =
        "SELECT pg_catalog.pg_class.relname \nFROM pg_catalog.pg_class JOIN "
        "pg_catalog.pg_namespace "
        "ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace \nWHERE "
        "pg_catalog.pg_class.relname = $1 AND pg_catalog.pg_class.relkind = ANY (ARRAY['r', 'p', "
        "'f', 'v', 'm']) AND ";
    std::vector<Value> parameters{Value(t.name)};
    if (t.schema) {
      sql += "pg_catalog.pg_namespace.nspname = $2";
      parameters.emplace_back(*t.schema);
    } else {
      sql +=
          "pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND "
          "pg_catalog.pg_namespace.nspname != 'pg_catalog'";
    }
    return {std::move(sql), std::move(parameters)};
  }
  std::string column_type_ddl(const TableData& t, const ColumnData& col) const override {
    if (sql::detail::autoincrement_column(t) != &col) return type_ddl(col.type);
    switch (col.type.kind) {
      case TypeKind::big_integer:
        return "BIGSERIAL";
      case TypeKind::small_integer:
        return "SMALLSERIAL";
      default:
        return "SERIAL";
    }
  }
};

}  // namespace

const sql::detail::DialectRules& compiler_rules() {
  static const PostgresqlRules rules;
  return rules;
}

}  // namespace athanor::dialects::postgresql
