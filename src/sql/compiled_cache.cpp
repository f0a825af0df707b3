#include "sql/compiled_cache.hpp"

#include <fmt/format.h>

namespace athanor::sql {

std::shared_ptr<const Compiled> CompiledCache::find(std::string_view key) {
  std::lock_guard lock(mutex_);
  Entry* hit = entries_.find(key);
  if (!hit) return nullptr;
  entries_.touch(hit);
  return hit->compiled;
}

CompiledCache::Lookup CompiledCache::add(std::string_view key, std::shared_ptr<const Compiled> made,
                                         std::chrono::duration<double> took) {
  std::size_t pruned_from = 0;
  {
    std::lock_guard lock(mutex_);
    if (Entry* raced = entries_.find(key)) {
      return {raced->compiled, false, {}};  // another thread compiled it meanwhile
    }
    auto entry = std::make_unique<Entry>();
    entry->key = key;
    entry->compiled = made;
    const std::string_view own_key = entry->key;
    entries_.insert(own_key, std::move(entry));
    if (entries_.size() > capacity_ + capacity_ / 2) {
      pruned_from = entries_.size();
      while (entries_.size() > capacity_) entries_.remove(entries_.oldest()->key);
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

void CompiledCache::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

std::size_t CompiledCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace athanor::sql
