// Statement: compile through the cache, pair cached bind names with this statement's values.
#include "athanor/sql/statement.hpp"

#include <fmt/format.h>

#include "athanor/exc.hpp"
#include "sql/compiled_cache.hpp"
#include "sql/compiler.hpp"

namespace athanor::sql {

namespace {

// Field separators for the encoded schema_translate_map: unit separator between key and value,
// record separator between entries; "\x01" stands for None.
constexpr char unit = '\x1f';
constexpr char record = '\x1e';
constexpr char none_mark = '\x01';

const Value* find_translate_map(const ExecutionOptions* call, const ExecutionOptions& own) {
  if (call) {
    if (const Value* v = call->find("schema_translate_map")) return v;
  }
  return own.find("schema_translate_map");
}

}  // namespace

Value schema_translate_map(
    std::initializer_list<std::pair<std::optional<std::string>, std::optional<std::string>>> map) {
  std::string out;
  for (const auto& [from, to] : map) {
    out += from ? *from : std::string(1, none_mark);
    out += unit;
    out += to ? *to : std::string(1, none_mark);
    out += record;
  }
  return Value(std::move(out));
}

namespace detail {

SchemaTranslateMap decode_schema_translate_map(const Value& v) {
  SchemaTranslateMap out;
  if (v.kind() != Value::Kind::text) return out;
  const std::string s = v.as<std::string>();
  auto field = [](std::string_view f) -> std::optional<std::string> {
    if (f.size() == 1 && f[0] == none_mark) return std::nullopt;
    return std::string(f);
  };
  std::size_t start = 0;
  while (start < s.size()) {
    const std::size_t u = s.find(unit, start);
    const std::size_t r = s.find(record, start);
    if (u == std::string::npos || r == std::string::npos) break;
    out.emplace_back(field(std::string_view(s).substr(start, u - start)),
                     field(std::string_view(s).substr(u + 1, r - u - 1)));
    start = r + 1;
  }
  return out;
}

const Value& LiteralSlot::value() const {
  if (node) return index < 0 ? node->value : node->extra->values[static_cast<std::size_t>(index)];
  const auto& d = onupdate ? *default_column->options.onupdate : default_column->options.default_;
  return *d.value;
}

}  // namespace detail

void BoundValues::add_all(const Params& params) {
  items_.reserve(params.size());
  for (const auto& [name, value] : params) items_.emplace_back(&name, &value);
}

const Value* BoundValues::find(std::string_view name) const noexcept {
  // From the end: a literal outranks a fixed value, and the last literal of a name wins.
  for (auto it = items_.rbegin(); it != items_.rend(); ++it) {
    if (it->second && *it->first == name) return it->second;
  }
  return nullptr;
}

Params BoundValues::to_params() const {
  Params out;
  for (const auto& [name, value] : items_) {
    if (value) out.set(*name, *value);
  }
  return out;
}

std::unique_ptr<Compiled> Statement::compile_fresh(const Dialect* dialect, const Params* parameters,
                                                   const ExecutionOptions* options,
                                                   bool executemany) const {
  ExecutionOptions merged = options_;
  if (options) merged.merge(*options);
  detail::SqlCompiler c(dialect, parameters, &merged);
  c.executemany = executemany;
  auto out = std::make_unique<Compiled>();
  c.compiled = out.get();
  out->named_paramstyle = c.style == Paramstyle::named || c.style == Paramstyle::pyformat;
  render(c);
  c.finish();
  out->sql = std::move(c.out);
  out->sql_hash = std::hash<std::string_view>{}(out->sql);
  if (c.style == Paramstyle::numeric || c.style == Paramstyle::numeric_dollar) {
    out->positional_names = out->bind_names;
  }

  detail::KeyBuffers buffers;
  detail::KeyWalk w(buffers, parameters, true);
  walk(w);
  out->literal_names.reserve(w.slots.size());
  for (const auto& slot : w.slots) {
    std::string name;
    if (slot.node) {
      if (auto it = c.node_bind_names.find(slot.node); it != c.node_bind_names.end()) {
        name = slot.index < 0 ? it->second : fmt::format("{}_{}", it->second, slot.index + 1);
      }
    } else if (auto it = c.default_bind_names.find(slot.default_column);
               it != c.default_bind_names.end()) {
      const ColumnOptions& o = slot.default_column->options;
      const ColumnDefault& d = slot.onupdate ? *o.onupdate : o.default_;
      if (d.callable) {
        out->callable_defaults.push_back({it->second, &d.callable});  // run per parameter set
      } else {
        name = it->second;
      }
    }
    out->literal_names.push_back(std::move(name));
  }
  // Each placeholder's literal: the last one of its name, as BoundValues finds by name.
  out->positional_literals.reserve(out->positional_names.size());
  for (const std::string& placeholder : out->positional_names) {
    int literal = -1;
    for (std::size_t i = 0; i < out->literal_names.size(); ++i) {
      if (out->literal_names[i] == placeholder) literal = static_cast<int>(i);
    }
    out->positional_literals.push_back(literal);
  }
  out->anchor =
      std::make_shared<const std::vector<std::shared_ptr<const void>>>(std::move(w.anchors));
  return out;
}

namespace {

// Each thread keeps one set of key buffers; a compile borrows it for its duration. A compile
// nested inside another (from a log handler, say) finds it taken and brings its own.
thread_local std::unique_ptr<detail::KeyBuffers> spare_buffers;

class BorrowedBuffers {
 public:
  BorrowedBuffers() : buffers_(std::move(spare_buffers)) {
    if (!buffers_) buffers_ = std::make_unique<detail::KeyBuffers>();
  }
  ~BorrowedBuffers() { spare_buffers = std::move(buffers_); }
  BorrowedBuffers(const BorrowedBuffers&) = delete;
  BorrowedBuffers& operator=(const BorrowedBuffers&) = delete;
  detail::KeyBuffers& get() noexcept { return *buffers_; }

 private:
  std::unique_ptr<detail::KeyBuffers> buffers_;
};

}  // namespace

CompileResult Statement::compile(const CompileRequest& request) const {
  const Value* translate = find_translate_map(request.options, options_);
  if (translate && translate->kind() != Value::Kind::text) translate = nullptr;
  // The key's first byte says what shapes it besides the statement: executemany, and whether a
  // schema_translate_map follows. No dialect: a cache belongs to one engine, so it only ever sees
  // that one dialect.
  const char prefix = translate             ? (request.executemany ? 'U' : 'T')
                      : request.executemany ? 'M'
                                            : 'S';
  BorrowedBuffers borrowed;
  detail::KeyBuffers& buffers = borrowed.get();

  CompileResult result;
  std::shared_ptr<const Compiled> compiled;
  // A statement rebuilt in a loop: compared with the one its thread's last entry was compiled
  // from, it skips its key walk. Not with a schema_translate_map, whose text the key carries too.
  if (request.cache && !translate) {
    compiled = request.cache->find_remembered_if([&](std::string_view key, const Compiled& c) {
      return key.front() == prefix && c.prototype && same_shape(*c.prototype, buffers.slots);
    });
    result.outcome = CacheOutcome::cached;
  }
  if (!compiled) {
    detail::KeyWalk w(buffers, request.parameters, false);
    w.tag(prefix);
    if (translate) w.text(translate->as<std::string>());
    walk(w);
    auto compile = [&] {
      return compile_fresh(&request.dialect, request.parameters, request.options,
                           request.executemany);
    };
    if (!request.cache || !w.cacheable) {
      const auto start = std::chrono::steady_clock::now();
      compiled = compile();
      result.compile_time = std::chrono::steady_clock::now() - start;
      result.outcome = w.cacheable ? CacheOutcome::disabled : CacheOutcome::no_key;
    } else {
      auto found = request.cache->get_or_create(w.key(), [&] {
        auto made = compile();
        made->prototype = prototype();
        return made;
      });
      compiled = std::move(found.compiled);
      result.outcome = found.created ? CacheOutcome::generated : CacheOutcome::cached;
      result.compile_time = found.compile_time;
    }
  }

  if (!compiled->fixed_values.empty()) result.bound = BoundValues(compiled->fixed_values);
  const auto& slots = buffers.slots;
  const auto& names = compiled->literal_names;
  if (!names.empty()) {
    result.bound.begin_literals();
    for (std::size_t i = 0; i < names.size(); ++i) {
      result.bound.push_literal(
          names[i], i < slots.size() && !names[i].empty() ? &slots[i].value() : nullptr);
    }
  }

  result.compiled = compiled.get();
  result.owner = std::move(compiled);
  return result;
}

std::string Statement::str() const {
  return compile_fresh(nullptr)->sql;
}

std::string Statement::compile_sql(const Dialect& dialect, const Params* parameters) const {
  return compile_fresh(&dialect, parameters)->sql;
}

std::string Statement::cache_key() const {
  detail::KeyBuffers buffers;
  detail::KeyWalk w(buffers, nullptr, false);
  walk(w);
  return w.cacheable ? std::string(w.key()) : std::string();
}

}  // namespace athanor::sql
