// The engine's compiled cache: compiled statements keyed by what determines the compiled form
// (for text(): the paramstyle and the SQL), holding `query_cache_size` entries. Like
// SQLAlchemy's LRUCache it stamps each entry with a counter when it is used and grows to 150% of
// its size before pruning the least recently used back to the size, so that pruning is rare.
// Thread-safe. One per engine, so its keys leave the dialect out.
//
// Each thread remembers its last hit: a statement rebuilt in a loop finds its entry again by
// comparing keys, without the lock or hashing. What a thread remembers is forgotten whenever
// the cache drops entries (pruning, clear()), so it never serves an entry the cache has left. The
// remembered entry stays alive until the thread's next hit or its exit, even past its engine.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "athanor/sql/compiled.hpp"

namespace athanor::sql {

class CompiledCache {
 public:
  // `on_prune` receives SQLAlchemy's "Compiled cache size pruning from N items to M." line.
  explicit CompiledCache(std::size_t capacity,
                         std::function<void(const std::string&)> on_prune = nullptr);

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
  // The thread's last hit in this cache, stamped as used, if the cache still holds it and
  // `same(key, compiled)` says the statement at hand has its key; null otherwise. A statement
  // rebuilt in a loop that compares itself with the entry's prototype skips its key walk.
  template <typename Same>
  std::shared_ptr<const Compiled> find_remembered_if(Same&& same) {
    Entry* entry = remembered();
    if (!entry || !same(std::string_view(entry->key), *entry->compiled)) return nullptr;
    use(*entry);
    return entry->compiled;
  }
  void clear();
  std::size_t size() const;
  std::size_t capacity() const noexcept { return capacity_; }

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const Compiled> compiled;
    std::atomic<std::uint64_t> last_used{0};
  };
  // What a thread remembers of its last hit (see the header comment).
  struct LastHit {
    std::uint64_t cache = 0;  // the cache's `id_`: an address could be reused by another cache
    std::uint64_t generation = 0;
    std::shared_ptr<Entry> entry;
  };

  // The thread's last hit, unless the cache has dropped entries since (or it is another cache's).
  Entry* remembered() const noexcept;
  // The entry for `key`, stamped as just used; null when absent.
  std::shared_ptr<const Compiled> find(std::string_view key);
  // Stores `made` unless another thread stored `key` meanwhile (then theirs is returned).
  Lookup add(std::string_view key, std::shared_ptr<const Compiled> made,
             std::chrono::duration<double> took);
  // Drops the least recently used entries down to the capacity; the mutex is held.
  void prune();
  void use(Entry& entry) noexcept {
    entry.last_used.store(clock_.fetch_add(1, std::memory_order_relaxed) + 1,
                          std::memory_order_relaxed);
  }

  static thread_local LastHit last_hit_;
  const std::uint64_t id_;
  mutable std::mutex mutex_;
  std::size_t capacity_;
  std::function<void(const std::string&)> on_prune_;
  std::unordered_map<std::string_view, std::shared_ptr<Entry>> entries_;  // keys view Entry::key
  std::atomic<std::uint64_t> clock_{0};                                   // the use counter
  std::atomic<std::uint64_t> generation_{0};  // counts the times entries were dropped
};

}  // namespace athanor::sql
