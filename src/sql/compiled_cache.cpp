#include "sql/compiled_cache.hpp"

#include <fmt/format.h>

namespace athanor::sql {

CompiledCache::Lookup CompiledCache::get_or_create(
    std::string_view key, const std::function<std::unique_ptr<Compiled>()>& make) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(key); it != entries_.end()) {
      if (it->second.position != order_.begin()) {
        order_.splice(order_.begin(), order_, it->second.position);
      }
      return {it->second.compiled, false, {}};
    }
  }
  const auto start = std::chrono::steady_clock::now();
  std::shared_ptr<const Compiled> made = make();
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  std::size_t pruned_from = 0;
  {
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(key); it != entries_.end()) {
      return {it->second.compiled, false, {}};  // another thread compiled it meanwhile
    }
    order_.emplace_front(key);
    entries_.emplace(order_.front(), Entry{made, order_.begin()});
    if (entries_.size() > capacity_ + capacity_ / 2) {
      pruned_from = entries_.size();
      while (entries_.size() > capacity_) {
        entries_.erase(order_.back());
        order_.pop_back();
      }
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
  order_.clear();
}

std::size_t CompiledCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace athanor::sql
