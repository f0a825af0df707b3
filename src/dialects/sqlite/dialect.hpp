// The SQLite dialect (URL form "sqlite://", "sqlite+sqlite3://", "sqlite+pysqlite://").
#pragma once

#include <memory>

#include "athanor/dialect.hpp"

namespace athanor::dialects::sqlite {

std::unique_ptr<Dialect> make_dialect();

}  // namespace athanor::dialects::sqlite
