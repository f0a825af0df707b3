// The PostgreSQL dialect (URL form "postgresql://", "postgresql+libpq://") over the libpq driver.
#pragma once

#include <memory>

#include "athanor/dialect.hpp"

namespace athanor::dialects::postgresql {

std::unique_ptr<Dialect> make_dialect();

}  // namespace athanor::dialects::postgresql
