// athanor/sql/ddl.hpp — CREATE TABLE / DROP TABLE / CREATE INDEX / DROP INDEX as executables.
//
// DDL has no cache key: it compiles on every execution and logs "[no key ...]", as in
// SQLAlchemy. MetaData::create_all / drop_all (schema.hpp) emit these in dependency order.
#pragma once

#include <string>

#include "athanor/sql/schema.hpp"
#include "athanor/sql/statement.hpp"

namespace athanor::sql {

class DdlStatement : public Statement {
 public:
  CompileResult compile(const CompileRequest& request) const override;
  void walk(detail::KeyWalk& w) const override;
};

class CreateTable : public DdlStatement {
 public:
  explicit CreateTable(Table table) : table_(std::move(table)) {}
  void render(detail::SqlCompiler& c) const override;

 private:
  Table table_;
};

class DropTable : public DdlStatement {
 public:
  explicit DropTable(Table table) : table_(std::move(table)) {}
  void render(detail::SqlCompiler& c) const override;

 private:
  Table table_;
};

class CreateIndex : public DdlStatement {
 public:
  CreateIndex(Table table, Index index) : table_(std::move(table)), index_(std::move(index)) {}
  void render(detail::SqlCompiler& c) const override;

 private:
  Table table_;
  Index index_;
};

class DropIndex : public DdlStatement {
 public:
  DropIndex(Table table, Index index) : table_(std::move(table)), index_(std::move(index)) {}
  void render(detail::SqlCompiler& c) const override;

 private:
  Table table_;
  Index index_;
};

// Whether `table` exists, asked the dialect's way (SQLite: PRAGMA main.table_info("name")).
bool has_table(Connection& conn, const Table& table);

}  // namespace athanor::sql

namespace athanor {
using sql::CreateIndex;
using sql::CreateTable;
using sql::DropIndex;
using sql::DropTable;
}  // namespace athanor
