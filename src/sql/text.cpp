#include "athanor/sql/text.hpp"

#include <fmt/format.h>

#include <array>
#include <atomic>
#include <utility>

#include "athanor/exc.hpp"
#include "sql/compiled_cache.hpp"

namespace athanor::sql {

void Compiled::cache_metadata(std::shared_ptr<const ResultMetadata> metadata) const {
  auto* fresh = new MetadataHolder{std::move(metadata)};
  MetadataHolder* current = metadata_.load(std::memory_order_acquire);
  do {
    fresh->replaced = current;
  } while (!metadata_.compare_exchange_weak(current, fresh, std::memory_order_acq_rel));
}

void Executable::set_options(const ExecutionOptions& options) {
  if (options.contains("isolation_level")) {
    throw exc::ArgumentError(
        "'isolation_level' execution option may only be specified on "
        "Connection.execution_options(), or per-engine using the isolation_level argument to "
        "create_engine().");
  }
  if (options.contains("compiled_cache")) {
    throw exc::ArgumentError(
        "'compiled_cache' execution option may only be specified on "
        "Connection.execution_options(), not per statement.");
  }
  options_.merge(options);
}

Compiled::~Compiled() {
  for (MetadataHolder* h = metadata_.load(std::memory_order_relaxed); h;) {
    delete std::exchange(h, h->replaced);
  }
}

namespace {

// Python's \w under re.UNICODE, on UTF-8 bytes: any non-ASCII byte counts as a word character.
bool is_word(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x80 || (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
         u == '_';
}
bool is_name_char(char c) {
  return is_word(c) || c == '$';
}

constexpr std::size_t paramstyle_count = 6;

}  // namespace

// The parts every copy of one text() shares: its SQL, its binds, and the compiled form per
// paramstyle it got from an engine's cache, installed lock-free by the first thread to get it.
struct TextClause::Shared {
  std::string sql;
  std::vector<std::string> bind_names;
  std::array<std::atomic<const Compiled*>, paramstyle_count> by_style{};
  std::array<std::shared_ptr<const Compiled>, paramstyle_count> owners;  // keep by_style alive
};

std::unique_ptr<Compiled> TextClause::compile_text(std::string_view sql, Paramstyle style) {
  auto out = std::make_unique<Compiled>();
  out->named_paramstyle = style == Paramstyle::named || style == Paramstyle::pyformat;
  const bool doubles_percent = style == Paramstyle::format || style == Paramstyle::pyformat;
  std::string& s = out->sql;
  s.reserve(sql.size() + 8);

  const std::size_t n = sql.size();
  for (std::size_t i = 0; i < n;) {
    const char c = sql[i];
    if (c == '\\' && i + 1 < n && sql[i + 1] == ':') {
      // "\:name" is an escaped literal colon unless more colons/name characters follow
      std::size_t j = i + 2;
      while (j < n && is_name_char(sql[j])) ++j;
      if (j >= n || (sql[j] != ':' && !is_name_char(sql[j]))) {
        s.append(sql.substr(i + 1, j - i - 1));
        i = j;
        continue;
      }
    }
    if (c == ':' && i + 1 < n && is_name_char(sql[i + 1]) &&
        (i == 0 || (sql[i - 1] != ':' && sql[i - 1] != '\\' && !is_name_char(sql[i - 1])))) {
      std::size_t j = i + 1;
      while (j < n && is_name_char(sql[j])) ++j;
      if (j >= n || sql[j] != ':') {
        std::string name(sql.substr(i + 1, j - i - 1));
        std::size_t number = 0;  // 1-based position among distinct names
        for (std::size_t k = 0; k < out->bind_names.size(); ++k) {
          if (out->bind_names[k] == name) number = k + 1;
        }
        if (number == 0) {
          out->bind_names.push_back(name);
          number = out->bind_names.size();
        }
        switch (style) {
          case Paramstyle::qmark:
            s += '?';
            break;
          case Paramstyle::format:
            s += "%s";
            break;
          case Paramstyle::numeric:
            s += fmt::format(":{}", number);
            break;
          case Paramstyle::numeric_dollar:
            s += fmt::format("${}", number);
            break;
          case Paramstyle::named:
            s += ':' + name;
            break;
          case Paramstyle::pyformat:
            s += fmt::format("%({})s", name);
            break;
        }
        if (style == Paramstyle::qmark || style == Paramstyle::format) {
          out->positional_names.push_back(std::move(name));
        }
        i = j;
        continue;
      }
    }
    if (c == '%' && doubles_percent) s += '%';
    s += c;
    ++i;
  }
  if (style == Paramstyle::numeric || style == Paramstyle::numeric_dollar) {
    out->positional_names = out->bind_names;
  }
  out->sql_hash = std::hash<std::string_view>{}(out->sql);
  return out;
}

TextClause::TextClause(std::string sql) : shared_(std::make_shared<Shared>()) {
  auto scanned = compile_text(sql, Paramstyle::named);
  shared_->bind_names = std::move(scanned->bind_names);
  shared_->sql = std::move(sql);
}

const std::string& TextClause::text() const noexcept {
  return shared_->sql;
}
const std::vector<std::string>& TextClause::bind_names() const noexcept {
  return shared_->bind_names;
}

TextClause TextClause::bindparams(const Params& values) const {
  TextClause copy = *this;
  for (const auto& [name, value] : values) {
    bool known = false;
    for (const auto& b : shared_->bind_names) known = known || b == name;
    if (!known) {
      throw exc::ArgumentError(
          fmt::format("This text() construct doesn't define a bound parameter named '{}'", name));
    }
    copy.bound_.set(name, value);
  }
  return copy;
}

TextClause TextClause::execution_options(const ExecutionOptions& options) const {
  TextClause copy = *this;
  copy.set_options(options);
  return copy;
}

CompileResult TextClause::compile(const CompileRequest& request) const {
  CompiledCache* cache = request.cache;
  const auto style = request.dialect.paramstyle();
  if (!cache) {
    const auto start = std::chrono::steady_clock::now();
    std::shared_ptr<const Compiled> fresh = compile_text(shared_->sql, style);
    const Compiled* raw = fresh.get();
    return {raw, std::move(fresh), CacheOutcome::disabled, std::chrono::steady_clock::now() - start,
            BoundValues(bound_)};
  }
  const auto index = static_cast<std::size_t>(style);
  if (const Compiled* hit = shared_->by_style[index].load(std::memory_order_acquire)) {
    return {hit, nullptr, CacheOutcome::cached, {}, BoundValues(bound_)};
  }
  std::string key = std::to_string(index);
  key += ':';
  key += shared_->sql;
  auto found = cache->get_or_create(key, [&] { return compile_text(shared_->sql, style); });
  const Compiled* expected = nullptr;
  if (shared_->by_style[index].compare_exchange_strong(expected, found.compiled.get(),
                                                       std::memory_order_acq_rel)) {
    shared_->owners[index] = found.compiled;  // only the thread that installed it writes here
  }
  return {found.compiled.get(), found.compiled,
          found.created ? CacheOutcome::generated : CacheOutcome::cached, found.compile_time,
          BoundValues(bound_)};
}

}  // namespace athanor::sql
