// What the driver needs to know about a statement's SQL text without parsing it: its "$n"
// placeholders, whether it holds several statements, its first keyword, and whether it is a
// single-row INSERT ... VALUES that executemany may batch into multi-row VALUES. Quoted strings,
// quoted identifiers, dollar quotes and comments are skipped, as PostgreSQL's lexer would.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "dialects/keyword.hpp"

namespace athanor::dialects::postgresql {

struct SqlShape {
  int placeholders = 0;             // the highest $n
  bool several_statements = false;  // a ';' followed by more SQL
  std::string_view first_keyword;   // "SELECT", "insert", ... as written
};
SqlShape scan_sql(std::string_view sql);

// "INSERT INTO t (a, b) VALUES ($1, $2)" split into the text before its one VALUES tuple and the
// tuple; nullopt unless the SQL is exactly that (one tuple, placeholders only inside it, nothing
// but ';' after it: no ON CONFLICT, no RETURNING).
struct ValuesInsert {
  std::string_view head;   // "INSERT INTO t (a, b) VALUES "
  std::string_view tuple;  // "($1, $2)"
};
std::optional<ValuesInsert> split_values_insert(std::string_view sql);

// Appends `tuple` to `out` with every $n renumbered to $(n + offset).
void append_renumbered(std::string& out, std::string_view tuple, int offset);

}  // namespace athanor::dialects::postgresql
