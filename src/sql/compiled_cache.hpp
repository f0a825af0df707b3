// The engine's compiled cache: an LRU of compiled statements, keyed by what determines the
// compiled form (for text(): the paramstyle and the SQL), holding `query_cache_size` entries.
// Like SQLAlchemy's LRUCache it grows to 150% of its size before pruning back to the size, so
// that pruning is rare. Thread-safe. One per engine, so its keys leave the dialect out.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "athanor/sql/compiled.hpp"
#include "lru_cache.hpp"

namespace athanor::sql {

class CompiledCache {
 public:
  // `on_prune` receives SQLAlchemy's "Compiled cache size pruning from N items to M." line.
  explicit CompiledCache(std::size_t capacity,
                         std::function<void(const std::string&)> on_prune = nullptr)
      : capacity_(capacity), on_prune_(std::move(on_prune)) {}

  struct Lookup {
    std::shared_ptr<const Compiled> compiled;
    bool created = false;
    std::chrono::duration<double> compile_time{0};
  };
  // The entry for `key`, made by `make()` (outside the lock) when absent. A template: a hit, on
  // every execution of a cached statement, pays for no std::function.
  template <typename Make>
  Lookup get_or_create(std::string_view key, Make&& make) {
    if (auto hit = find(key)) return {std::move(hit), false, {}};
    const auto start = std::chrono::steady_clock::now();
    std::shared_ptr<const Compiled> made = make();
    return add(key, std::move(made), std::chrono::steady_clock::now() - start);
  }
  void clear();
  std::size_t size() const;
  std::size_t capacity() const noexcept { return capacity_; }

 private:
  // The entry for `key`, now the most recent; null when absent.
  std::shared_ptr<const Compiled> find(std::string_view key);
  // Stores `made` unless another thread stored `key` meanwhile (then theirs is returned).
  Lookup add(std::string_view key, std::shared_ptr<const Compiled> made,
             std::chrono::duration<double> took);

  struct Entry : athanor::detail::LruEntry<Entry> {
    std::string key;
    std::shared_ptr<const Compiled> compiled;
  };
  mutable std::mutex mutex_;
  std::size_t capacity_;
  std::function<void(const std::string&)> on_prune_;
  athanor::detail::LruCache<std::string_view, Entry, std::hash<std::string_view>>
      entries_;  // keys view Entry::key
};

}  // namespace athanor::sql
