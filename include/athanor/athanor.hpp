// athanor/athanor.hpp — everything, for programs that want one include:
//
//   #include <athanor/athanor.hpp>
//   namespace sa = athanor;
#pragma once

#include "athanor/dbapi.hpp"
#include "athanor/dialect.hpp"
#include "athanor/engine/connection.hpp"
#include "athanor/engine/engine.hpp"
#include "athanor/engine/execution_options.hpp"
#include "athanor/engine/result.hpp"
#include "athanor/engine/row.hpp"
#include "athanor/engine/transaction.hpp"
#include "athanor/engine/url.hpp"
#include "athanor/event.hpp"
#include "athanor/exc.hpp"
#include "athanor/log.hpp"
#include "athanor/pool/impl.hpp"
#include "athanor/pool/pool.hpp"
#include "athanor/sql/ddl.hpp"
#include "athanor/sql/dml.hpp"
#include "athanor/sql/elements.hpp"
#include "athanor/sql/schema.hpp"
#include "athanor/sql/selectable.hpp"
#include "athanor/sql/text.hpp"
#include "athanor/sql/types.hpp"
#include "athanor/value.hpp"
