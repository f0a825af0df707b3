// The dialect registry: URL names → dialect factories (SQLAlchemy's `registry`).
#include <map>
#include <mutex>

#include "athanor/dialect.hpp"
#include "athanor/exc.hpp"
#include "dialects/postgresql/dialect.hpp"
#include "dialects/sqlite/dialect.hpp"

namespace athanor::registry {

namespace {

struct Registry {
  std::mutex mutex;
  std::map<std::string, DialectFactory, std::less<>> factories;
  bool builtins_added = false;
};

// Built-ins are added on first use rather than by static initializers, which a linker drops
// from a static library when nothing references their object file. Called with the mutex held.
Registry& registry_locked(Registry& r) {
  if (!r.builtins_added) {
    r.builtins_added = true;
    for (const char* name : {"sqlite", "sqlite.sqlite3", "sqlite.pysqlite"}) {
      r.factories.emplace(name, &dialects::sqlite::make_dialect);
    }
    for (const char* name : {"postgresql", "postgresql.libpq"}) {
      r.factories.emplace(name, &dialects::postgresql::make_dialect);
    }
  }
  return r;
}

Registry& instance() {
  static Registry r;
  return r;
}

}  // namespace

void register_dialect(std::string name, DialectFactory factory) {
  Registry& r = instance();
  std::lock_guard lock(r.mutex);
  registry_locked(r).factories.insert_or_assign(std::move(name), std::move(factory));
}

std::unique_ptr<Dialect> load(const URL& url) {
  // "a+b" is looked up as "a.b"; a bare "a" as "a" (the backend's default driver).
  std::string name = url.drivername;
  if (const auto plus = name.find('+'); plus != std::string::npos) name[plus] = '.';
  DialectFactory factory;
  {
    Registry& r = instance();
    std::lock_guard lock(r.mutex);
    const auto& factories = registry_locked(r).factories;
    if (const auto it = factories.find(name); it != factories.end()) factory = it->second;
  }
  if (!factory) throw exc::NoSuchModuleError("Can't load plugin: athanor.dialects:" + name);
  return factory();
}

}  // namespace athanor::registry
