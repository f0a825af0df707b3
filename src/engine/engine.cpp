// create_engine() and Engine: dialect + pool + options, shared by every Connection.
#include <fmt/format.h>

#include <cstring>

#include "athanor/engine/engine.hpp"
#include "athanor/exc.hpp"
#include "athanor/pool/impl.hpp"
#include "engine/state.hpp"

namespace athanor {

Echo::Echo(const char* level) : level_(0) {
  if (std::strcmp(level, "debug") != 0) {
    throw exc::ArgumentError(
        fmt::format("echo must be true, false or \"debug\", not \"{}\"", level));
  }
  level_ = 2;
}

namespace {

// The engine's own pool "connect" listener: create_engine's isolation level first, then the
// dialect's one-time initialization — retried on the next connection if it fails, as SQLAlchemy's
// first-connect hook is.
void on_new_connection(detail::EngineCore& core, dbapi::Connection& conn) {
  if (core.isolation_level) {
    // Validated here, not in create_engine: SQLAlchemy reports a bad level at the first connect.
    core.dialect->set_isolation_level(
        conn, detail::checked_isolation_level(*core.dialect, *core.isolation_level));
  }
  if (core.initialized.load(std::memory_order_acquire)) return;
  std::lock_guard lock(core.first_connect_mutex);
  if (core.initialized.load(std::memory_order_relaxed)) return;
  // The level set above is already in place, so the default initialize() reads is the engine's
  // (trap 14 of the spec) — except AUTOCOMMIT, which no driver reports as a level.
  core.dialect->initialize(conn);
  conn.rollback();
  core.initialized.store(true, std::memory_order_release);
}

std::shared_ptr<Pool> make_pool(const EngineOptions& o, const URL& url,
                                const std::shared_ptr<detail::EngineCore>& core) {
  PoolClass cls =
      o.poolclass == PoolClass::default_ ? core->dialect->default_pool_class(url) : o.poolclass;
  std::vector<std::string> rejected;
  PoolOptions p;
  const ConnectArgs args = [&] {
    ConnectArgs a = core->dialect->create_connect_args(url);
    for (const auto& [k, v] : o.connect_args) a.set(k, v);
    return a;
  }();
  std::weak_ptr<detail::EngineCore> weak_core = core;
  Dialect* dialect = core->dialect.get();
  p.creator = [dialect, args] { return dialect->connect(args); };
  p.on_connect = [weak_core](dbapi::Connection& conn, ConnectionPoolEntry&) {
    if (auto c = weak_core.lock()) on_new_connection(*c, conn);
  };
  p.dialect = dialect;
  p.reset_on_return = o.pool_reset_on_return;
  p.recycle = o.pool_recycle;
  p.pre_ping = o.pool_pre_ping;
  if (o.echo_pool.on()) p.echo = o.echo_pool.debug() ? log::Level::debug : log::Level::info;
  p.leak_detection_threshold = o.pool_leak_detection_threshold;
  p.logging_name = o.logging_name.value_or("");
  p.use_lifo = o.pool_use_lifo;
  switch (cls) {
    case PoolClass::queue:
    case PoolClass::default_:
      p.pool_size = o.pool_size.value_or(5);
      p.max_overflow = o.max_overflow.value_or(10);
      p.timeout = o.pool_timeout.value_or(std::chrono::duration<double>(30));
      return std::make_shared<QueuePool>(std::move(p));
    case PoolClass::singleton_thread:
      p.pool_size = o.pool_size.value_or(5);
      if (o.max_overflow) rejected.push_back("'max_overflow'");
      if (o.pool_timeout) rejected.push_back("'pool_timeout'");
      if (!rejected.empty()) {
        throw exc::ArgumentError(fmt::format(
            "Invalid argument(s) {} sent to create_engine(), using configuration "
            "{}/SingletonThreadPool/Engine.  Please check that the keyword arguments are "
            "appropriate for this combination of components.",
            fmt::join(rejected, ","), core->dialect->name()));
      }
      return std::make_shared<SingletonThreadPool>(std::move(p));
    case PoolClass::static_:
      return std::make_shared<StaticPool>(std::move(p));
    case PoolClass::null:
      return std::make_shared<NullPool>(std::move(p));
    case PoolClass::assertion:
      return std::make_shared<AssertionPool>(std::move(p));
  }
  throw exc::ArgumentError("unknown poolclass");
}

}  // namespace

Engine create_engine(std::string_view url, EngineOptions options) {
  return create_engine(make_url(url), std::move(options));
}

Engine create_engine(const URL& url, EngineOptions options) {
  if (!options.extras.empty()) {
    std::vector<std::string> names;
    for (const auto& [k, v] : options.extras) names.push_back("'" + k + "'");
    throw exc::ArgumentError(fmt::format(
        "Invalid argument(s) {} sent to create_engine(), using configuration {}/Engine.  Please "
        "check that the keyword arguments are appropriate for this combination of components.",
        fmt::join(names, ","), url.get_backend_name()));
  }
  if (!options.plugins.empty() || url.query.contains("plugin")) {
    throw exc::NoSuchModuleError(fmt::format(
        "Can't load plugin: athanor.plugins:{}",
        options.plugins.empty() ? url.query.at("plugin").front() : options.plugins.front()));
  }
  auto core = std::make_shared<detail::EngineCore>();
  core->url = url;
  core->dialect = registry::load(url);
  core->logger = "athanor.engine.Engine";
  if (options.logging_name) core->logger += "." + *options.logging_name;
  core->echo = options.echo.debug() ? 2 : options.echo.on() ? 1 : 0;
  core->hide_parameters = options.hide_parameters;
  core->query_cache_size = options.query_cache_size;
  if (options.query_cache_size > 0) {
    core->compiled_cache =
        std::make_unique<sql::CompiledCache>(static_cast<std::size_t>(options.query_cache_size),
                                             [core = core.get()](const std::string& line) {
                                               if (core->echo.load(std::memory_order_relaxed) > 0)
                                                 core->log(log::Level::info, line);
                                             });
  }
  core->isolation_level = options.isolation_level;
  if (options.insertmanyvalues_page_size < 1) {
    throw exc::ArgumentError(
        fmt::format("insertmanyvalues_page_size must be a positive integer, not {}",
                    options.insertmanyvalues_page_size));
  }
  core->insertmanyvalues_page_size = options.insertmanyvalues_page_size;
  core->dialect->set_use_insertmanyvalues(options.use_insertmanyvalues);
  core->set_pool(make_pool(options, url, core));
  auto layer = std::make_shared<detail::EngineLayer>();
  layer->set_options(std::make_shared<const ExecutionOptions>(options.execution_options));
  return Engine(std::move(core), std::move(layer));
}

Engine::Engine(std::shared_ptr<detail::EngineCore> core, std::shared_ptr<detail::EngineLayer> layer)
    : core_(std::move(core)), layer_(std::move(layer)) {}

Connection Engine::connect(std::source_location where) {
  auto state = detail::ConnectionState::make(*this, [&] {
    try {
      return core_->current_pool().connect(where);
    } catch (const dbapi::Error& e) {
      detail::throw_wrapped(e, {}, {}, core_->hide_parameters,
                            core_->dialect->is_disconnect(e, nullptr, nullptr));
    }
  }());
  Connection conn(state);
  if (!state->options->empty()) {
    // Engine-level options: the connection applies them (its isolation_level included) as its
    // own, as SQLAlchemy's engine_connect hook does.
    const ExecutionOptions engine_options = *state->options;
    state->options = std::make_shared<const ExecutionOptions>();
    state->apply_options(engine_options);
  }
  if (state->has_events()) layer_->fire(event::engine_connect, conn);
  return conn;
}

void Engine::dispose(bool close) {
  Pool& old = core_->current_pool();
  // Without close (a forked child), the old pool keeps its connections untouched: closing them,
  // or rolling them back, would act on the parent's.
  if (close) old.retire();
  core_->set_pool(old.recreate());
  if (layer_->has_listeners()) layer_->fire(event::engine_disposed, *this);
}

PoolProxiedConnection Engine::raw_connection(std::source_location where) {
  try {
    return core_->current_pool().connect(where);
  } catch (const dbapi::Error& e) {
    detail::throw_wrapped(e, {}, {}, core_->hide_parameters, false);
  }
}

Engine Engine::execution_options(const ExecutionOptions& options) const {
  auto layer = std::make_shared<detail::EngineLayer>();
  layer->parent = layer_;
  Engine derived(core_, layer);
  ExecutionOptions opts = options;
  if (layer_->has_listeners()) layer_->fire(event::set_engine_execution_options, derived, opts);
  auto merged = std::make_shared<ExecutionOptions>(*layer_->options());
  merged->merge(opts);
  layer->set_options(std::move(merged));
  return derived;
}

void Engine::update_execution_options(const ExecutionOptions& options) {
  ExecutionOptions opts = options;
  if (layer_->has_listeners()) layer_->fire(event::set_engine_execution_options, *this, opts);
  auto merged = std::make_shared<ExecutionOptions>(*layer_->options());
  merged->merge(opts);
  layer_->set_options(std::move(merged));
}

const ExecutionOptions& Engine::get_execution_options() const noexcept {
  return *layer_->options();
}

void Engine::clear_compiled_cache() {
  if (core_->compiled_cache) core_->compiled_cache->clear();
}

std::string_view Engine::name() const noexcept {
  return core_->dialect->name();
}
std::string_view Engine::driver() const noexcept {
  return core_->dialect->driver();
}
const URL& Engine::url() const noexcept {
  return core_->url;
}
Pool& Engine::pool() const {
  return core_->current_pool();
}
Dialect& Engine::dialect() const noexcept {
  return *core_->dialect;
}
std::string Engine::repr() const {
  return "Engine(" + core_->url.render_as_string() + ")";
}
bool Engine::echo() const noexcept {
  return core_->echo.load() > 0;
}
void Engine::set_echo(Echo echo) {
  core_->echo = echo.debug() ? 2 : echo.on() ? 1 : 0;
}

// ---- events
// ---------------------------------------------------------------------------------------

namespace detail {

event::ListenerId EngineLayer::add(event::Kind kind, std::shared_ptr<void> fn) {
  std::lock_guard lock(listeners_mutex_);
  auto next = std::make_shared<ListenerSet>(*listeners_.load());
  const event::ListenerId id = event::detail::next_listener_id();
  next->by_kind[static_cast<std::size_t>(kind)].push_back({id, std::move(fn)});
  listeners_.store(std::move(next));
  ++listener_count_;
  return id;
}

void EngineLayer::remove(event::ListenerId id) {
  std::lock_guard lock(listeners_mutex_);
  auto next = std::make_shared<ListenerSet>(*listeners_.load());
  for (auto& list : next->by_kind) {
    const auto before = list.size();
    std::erase_if(list, [&](const ListenerSet::Entry& e) { return e.id == id; });
    listener_count_ -= static_cast<int>(before - list.size());
  }
  listeners_.store(std::move(next));
}

}  // namespace detail

namespace event {
namespace detail {
ListenerId add_listener(Engine& target, Kind kind, std::shared_ptr<void> fn) {
  return target.layer().add(kind, std::move(fn));
}
ListenerId add_pool_listener(Engine& target, PoolKind kind, std::shared_ptr<void> fn) {
  // Registered on the current pool; recreate() hands the listeners to its successors.
  return target.pool().listeners().add(kind, std::move(fn));
}
}  // namespace detail

void remove(Engine& target, ListenerId id) {
  target.layer().remove(id);
  target.pool().listeners().remove(id);
}

void remove(Pool& target, ListenerId id) {
  target.listeners().remove(id);
}
}  // namespace event

}  // namespace athanor
