#include "sql/compiled_cache.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace athanor::sql {

namespace {

std::atomic<std::uint64_t> caches_made{0};

}  // namespace

thread_local CompiledCache::LastHit CompiledCache::last_hit_;

CompiledCache::CompiledCache(std::size_t capacity, std::function<void(const std::string&)> on_prune)
    : id_(caches_made.fetch_add(1, std::memory_order_relaxed) + 1),
      capacity_(capacity),
      on_prune_(std::move(on_prune)) {}

CompiledCache::Entry* CompiledCache::remembered() const noexcept {
  const LastHit& last = last_hit_;
  // Dropping entries bumps the generation, so a remembered entry is never served once a lookup
  // can see that the cache dropped it (one racing with the drop may still get it, intact).
  if (last.cache == id_ && last.generation == generation_.load(std::memory_order_acquire)) {
    return last.entry.get();
  }
  return nullptr;
}

std::shared_ptr<const Compiled> CompiledCache::find(std::string_view key) {
  if (Entry* entry = remembered(); entry && entry->key == key) {
    use(*entry);
    return entry->compiled;
  }
  LastHit& last = last_hit_;
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  use(*it->second);
  last = {id_, generation_.load(std::memory_order_relaxed), it->second};
  return it->second->compiled;
}

CompiledCache::Lookup CompiledCache::add(std::string_view key, std::shared_ptr<const Compiled> made,
                                         std::chrono::duration<double> took) {
  std::size_t pruned_from = 0;
  {
    std::lock_guard lock(mutex_);
    if (const auto raced = entries_.find(key); raced != entries_.end()) {
      return {raced->second->compiled, false, {}};  // another thread compiled it meanwhile
    }
    auto entry = std::make_shared<Entry>();
    entry->key = key;
    entry->compiled = made;
    use(*entry);
    entries_.emplace(entry->key, entry);
    if (entries_.size() > capacity_ + capacity_ / 2) {
      pruned_from = entries_.size();
      prune();
    }
  }
  if (pruned_from && on_prune_) {
    on_prune_(fmt::format(
        "Compiled cache size pruning from {} items to {}.  Increase cache size to reduce the "
        "frequency of pruning.",
        pruned_from, capacity_));
  }
  return {std::move(made), true, took};
}

void CompiledCache::prune() {
  std::vector<std::pair<std::uint64_t, std::string_view>> by_use;
  by_use.reserve(entries_.size());
  for (const auto& [key, entry] : entries_) {
    by_use.emplace_back(entry->last_used.load(std::memory_order_relaxed), key);
  }
  const auto drop = static_cast<std::ptrdiff_t>(entries_.size() - capacity_);
  std::nth_element(by_use.begin(), by_use.begin() + drop, by_use.end());
  for (auto it = by_use.begin(); it != by_use.begin() + drop; ++it) {
    entries_.erase(entries_.find(it->second));  // by position: the key views the entry erased
  }
  generation_.fetch_add(1, std::memory_order_release);
}

void CompiledCache::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
  generation_.fetch_add(1, std::memory_order_release);
}

std::size_t CompiledCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace athanor::sql
