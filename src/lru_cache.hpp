// The least-recently-used bookkeeping that the engine's compiled cache and each driver's
// prepared-statement cache share: a hash map owning the entries, and their recency order threaded
// through the entries themselves, so that using an entry again moves no memory and allocates
// nothing (it is on every execute()).
//
// What an entry holds, how it is keyed and what evicting it means (finalize it, deallocate it on
// the server, hand it over to a cursor still using it) stay with the user: the cache only says
// which entry is oldest and gives back ownership of what it removes.
#pragma once

#include <cstddef>
#include <memory>
#include <unordered_map>
#include <utility>

namespace athanor::detail {

// The base of an entry of an LruCache<Key, Entry, Hash>: its place in the recency order.
template <typename Entry>
class LruEntry {
 public:
  // Whether the entry is in a cache (an entry may also live outside one, e.g. a one-off statement).
  bool cached() const noexcept { return cached_; }

 private:
  template <typename, typename, typename>
  friend class LruCache;
  Entry* newer_ = nullptr;
  Entry* older_ = nullptr;
  bool cached_ = false;
};

// `Key` may view its entry's own data (e.g. a string_view of its SQL): entries are heap-allocated
// and never move while cached.
template <typename Key, typename Entry, typename Hash>
class LruCache {
 public:
  LruCache() = default;
  LruCache(const LruCache&) = delete;
  LruCache& operator=(const LruCache&) = delete;

  std::size_t size() const noexcept { return entries_.size(); }
  // The most recently used (or inserted) entry, and the least; null when empty.
  Entry* newest() const noexcept { return newest_; }
  Entry* oldest() const noexcept { return oldest_; }

  // The entry under `key`, or null; its place in the order is left alone (see touch()).
  Entry* find(const Key& key) const {
    const auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : it->second.get();
  }
  // Makes a cached entry the newest.
  void touch(Entry* entry) noexcept {
    if (entry == newest_) return;
    unlink(entry);
    link_newest(entry);
  }
  // Adds `entry` under `key` (which is not in the cache) as the newest, and returns it.
  Entry* insert(const Key& key, std::unique_ptr<Entry> entry) {
    Entry* raw = entry.get();
    entries_.emplace(key, std::move(entry));
    raw->cached_ = true;
    link_newest(raw);
    return raw;
  }
  // Takes the entry under `key` out of the cache and hands it back.
  std::unique_ptr<Entry> remove(const Key& key) noexcept {
    const auto it = entries_.find(key);
    std::unique_ptr<Entry> entry = std::move(it->second);
    entries_.erase(it);
    unlink(entry.get());
    entry->cached_ = false;
    return entry;
  }
  // Destroys every entry.
  void clear() noexcept {
    entries_.clear();
    newest_ = oldest_ = nullptr;
  }

 private:
  void link_newest(Entry* e) noexcept {
    e->older_ = newest_;
    e->newer_ = nullptr;
    if (newest_) newest_->newer_ = e;
    newest_ = e;
    if (!oldest_) oldest_ = e;
  }
  void unlink(Entry* e) noexcept {
    (e->newer_ ? e->newer_->older_ : newest_) = e->older_;
    (e->older_ ? e->older_->newer_ : oldest_) = e->newer_;
    e->newer_ = e->older_ = nullptr;
  }

  std::unordered_map<Key, std::unique_ptr<Entry>, Hash> entries_;
  Entry* newest_ = nullptr;
  Entry* oldest_ = nullptr;
};

}  // namespace athanor::detail
