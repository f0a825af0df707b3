#include "athanor/engine/row_filter.hpp"

#include <fmt/format.h>

#include <functional>

#include "athanor/exc.hpp"

namespace athanor {

std::size_t ColumnKey::resolve(const ResultMetadata& metadata) const {
  if (const auto* name = std::get_if<std::string_view>(&key_)) return metadata.index_of(*name);
  if (const auto* column = std::get_if<const sql::Column*>(&key_)) {
    return metadata.index_of(**column);
  }
  const std::ptrdiff_t given = std::get<std::ptrdiff_t>(key_);
  const auto n = static_cast<std::ptrdiff_t>(metadata.size());
  const std::ptrdiff_t i = given < 0 ? given + n : given;
  if (i < 0 || i >= n) {
    throw exc::NoSuchColumnError(
        fmt::format("Could not locate column in row for column '{}'", given));
  }
  return static_cast<std::size_t>(i);
}

namespace detail {

std::size_t ValuesHash::operator()(const std::vector<Value>& values) const noexcept {
  std::size_t h = values.size();
  for (const Value& v : values) {
    std::size_t k;
    switch (v.kind()) {
      case Value::Kind::null:
        k = 0;
        break;
      case Value::Kind::boolean:
      case Value::Kind::integer:
        k = std::hash<std::int64_t>{}(v.integer_unchecked());
        break;
      case Value::Kind::real:
        k = std::hash<double>{}(v.real_unchecked());
        break;
      case Value::Kind::text:
      case Value::Kind::blob:
      case Value::Kind::decimal:
        k = std::hash<std::string_view>{}(v.text_unchecked());
        break;
      default:
        k = std::hash<std::string>{}(v.repr());
    }
    h ^= k + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  }
  return h;
}

RowFilter::RowFilter(std::shared_ptr<const ResultMetadata> source)
    : source_(source), out_(std::move(source)) {}

RowFilter::RowFilter(const RowFilter& other)
    : source_(other.source_),
      out_(other.out_),
      index_(other.index_),
      slot_(other.slot_),
      unique_(other.unique_),
      strategy_(other.strategy_),
      seen_(other.seen_) {}

RowFilter& RowFilter::operator=(const RowFilter& other) {
  if (this != &other) *this = RowFilter(other);
  return *this;
}

RowFilter::RowFilter(RowFilter&& other) noexcept
    : source_(std::move(other.source_)),
      out_(std::move(other.out_)),
      index_(std::move(other.index_)),
      slot_(std::move(other.slot_)),
      unique_(other.unique_),
      strategy_(std::move(other.strategy_)),
      seen_(std::move(other.seen_)) {}

RowFilter& RowFilter::operator=(RowFilter&& other) noexcept {
  if (this != &other) {
    source_ = std::move(other.source_);
    out_ = std::move(other.out_);
    index_ = std::move(other.index_);
    slot_ = std::move(other.slot_);
    unique_ = other.unique_;
    strategy_ = std::move(other.strategy_);
    seen_ = std::move(other.seen_);
    row_ = Row();
  }
  return *this;
}

void RowFilter::columns(std::span<const ColumnKey> keys) {
  std::vector<std::size_t> index;
  std::vector<std::string> names;
  std::vector<ColumnIdentity> identities;  // so that the kept columns are still found by Column
  index.reserve(keys.size());
  names.reserve(keys.size());
  for (const ColumnKey& key : keys) {
    const std::size_t pos = key.resolve(*out_);
    names.push_back(out_->keys()[pos]);
    if (!out_->columns().empty()) identities.push_back(out_->columns()[pos]);
    index.push_back(index_.empty() ? pos : index_[pos]);
  }
  index_ = std::move(index);
  out_ = std::make_shared<const ResultMetadata>(std::move(names), 0, std::move(identities),
                                                std::vector<ValueProcessor>{});
  slot_.resize(index_.size());
}

void RowFilter::unique(UniqueStrategy strategy) {
  unique_ = true;
  strategy_ = std::move(strategy);
}

RowFilter RowFilter::fresh() const {
  RowFilter out(*this);
  out.seen_.clear();
  return out;
}

RowFilter RowFilter::over_output() const {
  RowFilter out(out_);
  out.unique_ = unique_;
  out.strategy_ = strategy_;
  return out;
}

const Row* RowFilter::apply(const Value* raw) {
  const Value* values = raw;
  if (!index_.empty()) {
    for (std::size_t i = 0; i < index_.size(); ++i) slot_[i] = raw[index_[i]];
    values = slot_.data();
  }
  // Rebound for each row: the filter may have moved since the last one.
  row_.rebind(out_, values);
  if (unique_) {
    std::vector<Value> key;
    if (strategy_) {
      key.push_back(strategy_(row_));
    } else {
      key.assign(values, values + out_->size());
    }
    if (!seen_.insert(std::move(key)).second) return nullptr;
  }
  return &row_;
}

}  // namespace detail
}  // namespace athanor
