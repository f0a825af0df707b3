// athanor/sql/compiled.hpp — a statement compiled for one dialect, and the Executable seam.
//
// Everything Connection::execute() runs is an Executable: text() now, select()/insert()/... from
// the expression language. An Executable compiles itself for a dialect into a Compiled — SQL in
// the driver's paramstyle plus the list of bind names that fill its placeholders — and says
// whether that compiled form came from a cache, which is what the echo badge reports.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "athanor/dialect.hpp"
#include "athanor/engine/execution_options.hpp"
#include "athanor/value.hpp"

namespace athanor {
class ResultMetadata;
}

namespace athanor::sql {

struct Compiled {
  std::string sql;           // in the dialect's paramstyle
  std::size_t sql_hash = 0;  // std::hash<std::string_view> of sql, for the driver's statement cache
  // Positional paramstyles: the bind name for each parameter slot, in order (a name used twice
  // under qmark fills two slots; numeric styles list each name once). Named paramstyles: empty.
  std::vector<std::string> positional_names;
  // Every distinct bind name, in order of first appearance.
  std::vector<std::string> bind_names;
  bool named_paramstyle = false;
  // When this form was made: the "[cached since Xs ago]" badge counts from here.
  std::chrono::steady_clock::time_point created = std::chrono::steady_clock::now();
  // Result keys derived from the driver's description of this SQL, reused while the description
  // (identified by its serial) stays the same.
  std::shared_ptr<const ResultMetadata> cached_metadata() const noexcept;
  void cache_metadata(std::shared_ptr<const ResultMetadata> metadata) const;

  Compiled() = default;
  Compiled(const Compiled&) = delete;
  Compiled& operator=(const Compiled&) = delete;
  ~Compiled();

 private:
  // Readers take the current holder lock-free; replaced holders stay alive (a schema change is
  // rare) until the Compiled goes, so a reader never sees one freed.
  struct MetadataHolder {
    std::shared_ptr<const ResultMetadata> metadata;
    MetadataHolder* replaced = nullptr;
  };
  mutable std::atomic<MetadataHolder*> metadata_{nullptr};
};

// How a compile request was served, for the log badge.
enum class CacheOutcome { generated, cached, no_key, disabled };

struct CompileResult {
  const Compiled* compiled = nullptr;
  // Set when `compiled` is not owned by the statement (a fresh compile with the cache off).
  std::shared_ptr<const Compiled> owner;
  CacheOutcome outcome = CacheOutcome::generated;
  std::chrono::duration<double> compile_time{0};
};

class CompiledCache;

class Executable {
 public:
  virtual ~Executable() = default;

  // The compiled form for `dialect`, from `cache` when it has it; a null cache
  // (query_cache_size = 0, compiled_cache = none) forces a fresh compile.
  virtual CompileResult compile(const Dialect& dialect, CompiledCache* cache) const = 0;
  // Bind values carried by the statement itself (text().bindparams()); execution parameters
  // override them.
  virtual const Params* bound_values() const noexcept { return nullptr; }
  // The SQL for messages and str(): the statement as written, in the default dialect.
  virtual std::string str() const = 0;

  const ExecutionOptions& get_execution_options() const noexcept { return options_; }

 protected:
  ExecutionOptions options_;
};

}  // namespace athanor::sql
