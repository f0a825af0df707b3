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

RowFilter::RowFilter(const RowFilter& other)
    : source_(other.source_),
      shaping_(other.shaping_ ? std::make_unique<Shaping>(*other.shaping_) : nullptr) {}

RowFilter& RowFilter::operator=(const RowFilter& other) {
  if (this != &other) *this = RowFilter(other);
  return *this;
}

RowFilter& RowFilter::operator=(RowFilter&& other) noexcept {
  if (this != &other) {
    source_ = std::move(other.source_);
    shaping_ = std::move(other.shaping_);  // row_ need not follow: apply() rebinds it
  }
  return *this;
}

RowFilter::Shaping& RowFilter::shaping() {
  if (!shaping_) shaping_ = std::make_unique<Shaping>();
  return *shaping_;
}

void RowFilter::columns(std::span<const ColumnKey> keys) {
  const ResultMetadata& current = *metadata();
  Shaping& s = shaping();
  std::vector<std::size_t> index;
  std::vector<std::string> names;
  std::vector<ColumnIdentity> identities;  // so that the kept columns are still found by Column
  index.reserve(keys.size());
  names.reserve(keys.size());
  for (const ColumnKey& key : keys) {
    const std::size_t pos = key.resolve(current);
    names.push_back(current.keys()[pos]);
    if (!current.columns().empty()) identities.push_back(current.columns()[pos]);
    index.push_back(s.out ? s.index[pos] : pos);
  }
  s.index = std::move(index);
  s.out = std::make_shared<const ResultMetadata>(std::move(names), 0, std::move(identities),
                                                 std::vector<ValueProcessor>{});
  s.slot.resize(s.index.size());
}

void RowFilter::unique(UniqueStrategy strategy) {
  Shaping& s = shaping();
  s.unique = true;
  s.strategy = std::move(strategy);
}

RowFilter RowFilter::fresh() const {
  RowFilter out(*this);
  if (out.shaping_) out.shaping_->seen.clear();
  return out;
}

RowFilter RowFilter::over_output() const {
  RowFilter out(metadata());
  if (is_unique()) out.unique(shaping_->strategy);
  return out;
}

const Row* RowFilter::apply_shaped(const Value* raw) {
  Shaping& s = *shaping_;
  const Value* values = raw;
  if (s.out) {
    for (std::size_t i = 0; i < s.index.size(); ++i) s.slot[i] = raw[s.index[i]];
    values = s.slot.data();
  }
  const auto& out = metadata();
  row_.rebind(out, values);
  if (s.unique) {
    std::vector<Value> key;
    if (s.strategy) {
      key.push_back(s.strategy(row_));
    } else {
      key.assign(values, values + out->size());
    }
    if (!s.seen.insert(std::move(key)).second) return nullptr;
  }
  return &row_;
}

}  // namespace detail
}  // namespace athanor
