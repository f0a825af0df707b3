// The schema of the golden-SQL table (tests/sql/golden_gen.py declares the same in Python).
#pragma once

#include <gtest/gtest.h>

#include <athanor/athanor.hpp>
#include <functional>
#include <memory>
#include <vector>

namespace sa = athanor;

namespace golden {

inline sa::MetaData& metadata() {
  static sa::MetaData m;
  return m;
}

inline const sa::Table users("users", metadata(),
                             {
                                 sa::Column("id", sa::Integer(), {.primary_key = true}),
                                 sa::Column("name", sa::String(50), {.nullable = false}),
                                 sa::Column("email", sa::String(100)),
                                 sa::Column("active", sa::Boolean(), {.default_ = true}),
                                 sa::Column("status", sa::String(20)),
                                 sa::Column("created", sa::sql::DateTime()),
                             });
inline const sa::Table orders("orders", metadata(),
                              {
                                  sa::Column("id", sa::Integer(), {.primary_key = true}),
                                  sa::Column("user_id", sa::Integer(), sa::ForeignKey("users.id")),
                                  sa::Column("total", sa::Integer()),
                                  sa::Column("note", sa::Text()),
                              });
inline const sa::Table user_t("user", metadata(),
                              {
                                  sa::Column("id", sa::Integer(), {.primary_key = true}),
                                  sa::Column("UserName", sa::String(30)),
                                  sa::Column("order", sa::Integer()),
                              });
inline const sa::Table remote("remote", metadata(),
                              {
                                  sa::Column("id", sa::Integer(), {.primary_key = true}),
                                  sa::Column("value", sa::String(20)),
                              },
                              {.schema = "remote_owner"});
inline const sa::Table kinds("kinds", metadata(),
                             {
                                 sa::Column("id", sa::BigInteger(), {.primary_key = true}),
                                 sa::Column("small", sa::SmallInteger()),
                                 sa::Column("f", sa::Float()),
                                 sa::Column("amount", sa::Numeric(10, 2)),
                                 sa::Column("d", sa::sql::Date()),
                                 sa::Column("t", sa::sql::Time()),
                                 sa::Column("blob", sa::LargeBinary()),
                                 sa::Column("u", sa::Uuid()),
                                 sa::Column("doc", sa::JSON()),
                                 sa::Column("code", sa::String(10), {.unique = true}),
                                 sa::Column("label", sa::String(40), {.index = true}),
                                 sa::Column("flag", sa::Boolean(),
                                            {.nullable = false, .server_default = "0"}),
                                 sa::CheckConstraint{"small > 0", "ck_small"},
                             });

struct Golden {
  const char* name;
  std::function<std::shared_ptr<const sa::sql::Statement>()> build;
  const char* str_sql;     // str(stmt): the default dialect
  const char* sqlite_sql;  // stmt.compile(dialect=sqlite.dialect()), post-compile expanded
  const char* postgresql_sql;
  const char* mysql_sql;
};

template <typename T>
std::shared_ptr<const sa::sql::Statement> S(T stmt) {
  return std::make_shared<T>(std::move(stmt));
}

inline const sa::Dialect& sqlite_dialect() {
  static sa::Engine engine = sa::create_engine("sqlite://");
  return engine.dialect();
}

const std::vector<Golden>& table();

}  // namespace golden
