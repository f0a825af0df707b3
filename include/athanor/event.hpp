// athanor/event.hpp — event listeners, SQLAlchemy's `sqlalchemy.event`.
//
//   sa::event::listen(engine, sa::event::before_cursor_execute,
//                     [](sa::Connection& conn, sa::dbapi::Cursor&, std::string& statement,
//                        sa::CursorParameters& parameters, sa::ExecutionContext& context,
//                        bool executemany) { ... });
//
// Each tag names one event and fixes its listener's signature, with SQLAlchemy's arguments in
// SQLAlchemy's order. Listeners on an Engine also fire for engines derived from it with
// execution_options() (including listeners added later), and for Connections already open.
// before_cursor_execute may rewrite the statement and its parameters in place.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "athanor/dbapi.hpp"
#include "athanor/engine/execution_options.hpp"
#include "athanor/pool/pool.hpp"
#include "athanor/value.hpp"

namespace athanor {

class Connection;
class Engine;
class CursorResult;
namespace sql {
class Executable;
struct Compiled;
}  // namespace sql

// The parameters as the driver receives them: one row of positional values per parameter set
// (a single execution has one row).
using CursorParameters = std::vector<std::vector<Value>>;

// What cursor events know about the execution in progress.
struct ExecutionContext {
  const sql::Compiled* compiled = nullptr;  // nullptr for exec_driver_sql
  const ExecutionOptions* execution_options = nullptr;
  bool executemany = false;
};

namespace event {

// Event indexes, in declaration order below.
enum class Kind : int {
  engine_connect,
  before_execute,
  after_execute,
  before_cursor_execute,
  after_cursor_execute,
  begin,
  commit,
  rollback,
  savepoint,
  rollback_savepoint,
  release_savepoint,
  begin_twophase,
  prepare_twophase,
  commit_twophase,
  rollback_twophase,
  set_connection_execution_options,
  set_engine_execution_options,
  engine_disposed,
  count_
};

#define ATHANOR_EVENT(tag, ...)             \
  struct tag##_t {                          \
    using signature = void(__VA_ARGS__);    \
    static constexpr Kind kind = Kind::tag; \
  };                                        \
  inline constexpr tag##_t tag{};

ATHANOR_EVENT(engine_connect, Connection&)
ATHANOR_EVENT(before_execute, Connection&, const sql::Executable&, const std::vector<Params>&,
              const Params&, const ExecutionOptions&)
ATHANOR_EVENT(after_execute, Connection&, const sql::Executable&, const std::vector<Params>&,
              const Params&, const ExecutionOptions&, CursorResult&)
ATHANOR_EVENT(before_cursor_execute, Connection&, dbapi::Cursor&, std::string&, CursorParameters&,
              ExecutionContext&, bool)
ATHANOR_EVENT(after_cursor_execute, Connection&, dbapi::Cursor&, const std::string&,
              const CursorParameters&, ExecutionContext&, bool)
ATHANOR_EVENT(begin, Connection&)
ATHANOR_EVENT(commit, Connection&)
ATHANOR_EVENT(rollback, Connection&)
ATHANOR_EVENT(savepoint, Connection&, const std::string*)  // name is nullptr when generated
ATHANOR_EVENT(rollback_savepoint, Connection&, const std::string&, const void*)
ATHANOR_EVENT(release_savepoint, Connection&, const std::string&, const void*)
ATHANOR_EVENT(begin_twophase, Connection&, const std::string&)
ATHANOR_EVENT(prepare_twophase, Connection&, const std::string&)
ATHANOR_EVENT(commit_twophase, Connection&, const std::string&, bool)
ATHANOR_EVENT(rollback_twophase, Connection&, const std::string&, bool)
ATHANOR_EVENT(set_connection_execution_options, Connection&, ExecutionOptions&)
ATHANOR_EVENT(set_engine_execution_options, Engine&, ExecutionOptions&)
ATHANOR_EVENT(engine_disposed, Engine&)

#undef ATHANOR_EVENT

// Pool events (connect, first_connect, checkout, checkin, reset, invalidate, soft_invalidate,
// close, detach, close_detached) are declared in athanor/pool/events.hpp. On an Engine they go to
// its pool, and stay with the pools that dispose() puts in its place.

namespace detail {
// `fn` holds a std::function of the event's signature.
ListenerId add_listener(Engine& target, Kind kind, std::shared_ptr<void> fn);
ListenerId add_pool_listener(Engine& target, PoolKind kind, std::shared_ptr<void> fn);
}  // namespace detail

template <typename Tag, typename Fn>
requires requires {
  Tag::kind;
}
ListenerId listen(Engine& target, Tag, Fn&& fn) {
  return detail::add_listener(
      target, Tag::kind,
      std::make_shared<std::function<typename Tag::signature>>(std::forward<Fn>(fn)));
}

template <typename Tag, typename Fn>
requires requires {
  Tag::pool_kind;
}
ListenerId listen(Engine& target, Tag, Fn&& fn) {
  return detail::add_pool_listener(
      target, Tag::pool_kind,
      std::make_shared<std::function<typename Tag::signature>>(std::forward<Fn>(fn)));
}

template <typename Tag, typename Fn>
requires requires {
  Tag::pool_kind;
}
ListenerId listen(Pool& target, Tag, Fn&& fn) {
  return target.listeners().add(
      Tag::pool_kind,
      std::make_shared<std::function<typename Tag::signature>>(std::forward<Fn>(fn)));
}

// Removes a listener added to `target` (an engine's pool listeners included); unknown ids are
// ignored.
void remove(Engine& target, ListenerId id);
void remove(Pool& target, ListenerId id);

}  // namespace event
}  // namespace athanor
