// athanor/sql/elements.hpp — column expressions: operators, binds, functions, labels, CASE, CAST.
//
//   users.c("id") == 5              // users.id = :id_1  (the 5 travels as a bind, never inline)
//   users.c("name").like("a%") && !users.c("active")
//   sa::func::count(users.c("id")).label("n")
//   sa::bindparam("uid")            // a named bind filled from the execution's parameters
//
// An expression is an immutable tree of Nodes shared by shared_ptr, so building one costs an
// allocation per node and copying a ColumnElement is a reference-count bump. The compiler
// (src/sql/compiler*.cpp) renders the tree for a dialect; the cache key walk reads its structure
// without the bound values.
#pragma once

#include <concepts>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "athanor/sql/types.hpp"
#include "athanor/value.hpp"

namespace athanor::sql {

struct FromData;
struct SelectData;
struct ColumnData;

enum class NodeKind : std::uint8_t {
  column,         // a column of a table, alias or subquery
  bind,           // a bound parameter: a literal value, or bindparam(name)
  null_,          // NULL
  true_,          // true / 1
  false_,         // false / 0
  binary,         // left op right
  unary,          // op operand (NOT, -, ASC, DESC, DISTINCT)
  clauses,        // AND / OR of several
  grouping,       // ( element )
  function,       // name(args)
  label,          // element AS name
  cast,           // CAST(element AS type)
  case_,          // CASE WHEN ... THEN ... ELSE ... END
  text,           // a text() fragment inside an expression
  tuple,          // (a, b, c) — the right side of IN
  exists,         // EXISTS (select)
  scalar_select,  // (select) used as a value
};

enum class Op : std::uint8_t {
  none,
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
  and_,
  or_,
  add,
  sub,
  mul,
  div,
  mod,
  concat,
  like,
  not_like,
  ilike,
  not_ilike,
  in_,
  not_in,
  between,
  not_between,
  is_,
  is_not,
  not_,      // NOT x
  is_false,  // negated Boolean column: NOT x, or x = 0 without native booleans
  neg,       // -x
  asc,
  desc,
  distinct,
  nulls_first,
  nulls_last,
  comma,  // a list position (precedence -1): nothing inside it is parenthesised
};

struct Node;
using NodePtr = std::shared_ptr<const Node>;
// A node's operands, a WHERE's criteria: most hold one or two, kept inline so that building
// `col == 5` or `.where(...)` allocates no list.
using NodeList = boost::container::small_vector<NodePtr, 2>;

// What few nodes carry, out of line: every Node is built and dropped with the statement it is
// part of, and the common ones (columns, binds, operators) then touch one pointer for these.
struct NodeExtra {
  std::vector<Value> values{};                 // expanding bind: the list
  std::shared_ptr<const SelectData> select{};  // exists / scalar_select
};

struct Node {
  NodeKind kind = NodeKind::column;
  Op op = Op::none;
  // column: its name; bind: the key ("param" when anonymous, the name of a bindparam) unless it
  // takes the name of the operand it holds ("id" for id_1, see detail::bind_key); function /
  // label: the name; text: the SQL.
  std::string name{};
  TypeEngine type{};
  bool unique = true;      // bind: anonymous ("id_1"); false for bindparam(name)
  bool has_value = false;  // bind: carries `value` (bindparam without a value does not)
  bool expanding = false;  // bind: an IN list, rendered as one placeholder per element
  Value value{};
  NodeList args{};  // bind: the column / function / text() its key is the name of, if any
  std::shared_ptr<const FromData> from{};    // column: the table / alias / subquery it belongs to
  const ColumnData* column = nullptr;        // column: the Table column behind it, if any
  std::shared_ptr<const NodeExtra> extra{};  // expanding bind, exists, scalar_select
};

class ColumnElement;
ColumnElement literal(Value value, TypeEngine type = {});

// An SQL expression usable as a value: in a columns clause, a WHERE, an ORDER BY, ...
class ColumnElement {
 public:
  ColumnElement() = default;
  explicit ColumnElement(NodePtr node) : node_(std::move(node)) {}
  // A C++ value in an expression position is a literal bound as a parameter.
  ColumnElement(Value value);  // NOLINT: implicit, so `col == 5` and `func::max(col, 0)` read
  ColumnElement(int v) : ColumnElement(Value(v)) {}                     // NOLINT
  ColumnElement(long v) : ColumnElement(Value(v)) {}                    // NOLINT
  ColumnElement(long long v) : ColumnElement(Value(v)) {}               // NOLINT
  ColumnElement(double v) : ColumnElement(Value(v)) {}                  // NOLINT
  ColumnElement(const char* v) : ColumnElement(Value(v)) {}             // NOLINT
  ColumnElement(std::string v) : ColumnElement(Value(std::move(v))) {}  // NOLINT

  const NodePtr& node() const& noexcept { return node_; }
  // A temporary expression hands its node over: no reference count to raise and drop again.
  NodePtr node() && noexcept { return std::move(node_); }
  const TypeEngine& type() const noexcept { return node_->type; }

  ColumnElement label(std::string name) const;
  ColumnElement asc() const;
  ColumnElement desc() const;
  ColumnElement distinct() const;
  ColumnElement nulls_first() const;
  ColumnElement nulls_last() const;
  ColumnElement like(const ColumnElement& pattern) const;
  ColumnElement not_like(const ColumnElement& pattern) const;
  ColumnElement ilike(const ColumnElement& pattern) const;
  ColumnElement not_ilike(const ColumnElement& pattern) const;
  ColumnElement in_(std::vector<Value> values) const;
  ColumnElement not_in(std::vector<Value> values) const;
  ColumnElement in_(const class Select& subquery) const;
  ColumnElement between(const ColumnElement& low, const ColumnElement& high) const;
  ColumnElement is_(const ColumnElement& other) const;
  ColumnElement is_not(const ColumnElement& other) const;
  ColumnElement is_(Null) const;
  ColumnElement is_not(Null) const;
  ColumnElement concat(const ColumnElement& other) const;

 protected:
  NodePtr node_;
};

// Operators: comparisons make binary expressions whose literal side is bound with the other side's
// type and named after it (`users.c("id") == 5` binds "id_1"); == / != against NULL become IS /
// IS NOT, against true / false the dialect's boolean constants.
ColumnElement operator==(const ColumnElement& a, const ColumnElement& b);
ColumnElement operator!=(const ColumnElement& a, const ColumnElement& b);
ColumnElement operator<(const ColumnElement& a, const ColumnElement& b);
ColumnElement operator<=(const ColumnElement& a, const ColumnElement& b);
ColumnElement operator>(const ColumnElement& a, const ColumnElement& b);
ColumnElement operator>=(const ColumnElement& a, const ColumnElement& b);
ColumnElement operator&&(const ColumnElement& a, const ColumnElement& b);
ColumnElement operator||(const ColumnElement& a, const ColumnElement& b);
ColumnElement operator!(const ColumnElement& a);
ColumnElement operator+(const ColumnElement& a, const ColumnElement& b);
ColumnElement operator-(const ColumnElement& a, const ColumnElement& b);
ColumnElement operator*(const ColumnElement& a, const ColumnElement& b);
ColumnElement operator/(const ColumnElement& a, const ColumnElement& b);
ColumnElement operator%(const ColumnElement& a, const ColumnElement& b);
ColumnElement operator-(const ColumnElement& a);
// `== sa::null` / `!= sa::null`: Null is not a Value, so these get their own overloads.
ColumnElement operator==(const ColumnElement& a, Null);
ColumnElement operator!=(const ColumnElement& a, Null);
// `== true` / `== false`, exactly bool (a template, so `col == 5` never converts 5 to bool).
ColumnElement compare_bool(const ColumnElement& a, bool b, bool equal);
template <typename B>
requires std::same_as<B, bool> ColumnElement operator==(const ColumnElement& a, B b) {
  return compare_bool(a, b, true);
}
template <typename B>
requires std::same_as<B, bool> ColumnElement operator!=(const ColumnElement& a, B b) {
  return compare_bool(a, b, false);
}

// A plain C++ number or string compared to an expression (`users.c("id") == 5`): the bind is
// made already named and typed after the other side, one node fewer than converting the value to
// a ColumnElement first. Templates on both sides: chosen over that conversion, and never for a
// left side that merely converts to a ColumnElement (a std::string). Same SQL either way.
template <typename V>
concept PlainValue =
    !std::same_as<std::remove_cvref_t<V>, bool> && std::constructible_from<Value, V> &&
    (std::integral<std::remove_cvref_t<V>> || std::floating_point<std::remove_cvref_t<V>> ||
     std::convertible_to<V, std::string_view>);
// An expression, taken by forwarding reference so that a temporary one (users.c("id") == 5) is
// moved into the new node rather than shared.
template <typename E>
concept Expression = std::derived_from<std::remove_cvref_t<E>, ColumnElement>;
ColumnElement compare_value(ColumnElement a, Op op, Value b);
template <Expression E, PlainValue V>
ColumnElement operator==(E&& a, V&& b) {
  return compare_value(std::forward<E>(a), Op::eq, Value(std::forward<V>(b)));
}
template <Expression E, PlainValue V>
ColumnElement operator!=(E&& a, V&& b) {
  return compare_value(std::forward<E>(a), Op::ne, Value(std::forward<V>(b)));
}
template <Expression E, PlainValue V>
ColumnElement operator<(E&& a, V&& b) {
  return compare_value(std::forward<E>(a), Op::lt, Value(std::forward<V>(b)));
}
template <Expression E, PlainValue V>
ColumnElement operator<=(E&& a, V&& b) {
  return compare_value(std::forward<E>(a), Op::le, Value(std::forward<V>(b)));
}
template <Expression E, PlainValue V>
ColumnElement operator>(E&& a, V&& b) {
  return compare_value(std::forward<E>(a), Op::gt, Value(std::forward<V>(b)));
}
template <Expression E, PlainValue V>
ColumnElement operator>=(E&& a, V&& b) {
  return compare_value(std::forward<E>(a), Op::ge, Value(std::forward<V>(b)));
}

ColumnElement and_(std::vector<ColumnElement> clauses);
ColumnElement or_(std::vector<ColumnElement> clauses);
ColumnElement not_(const ColumnElement& clause);
ColumnElement asc(const ColumnElement& e);
ColumnElement desc(const ColumnElement& e);

// bindparam("uid"): a named parameter taken from the execution's parameters; with a value it
// also carries a default.
ColumnElement bindparam(std::string key, std::optional<Value> value = std::nullopt,
                        TypeEngine type = {});
ColumnElement null();
ColumnElement true_();
ColumnElement false_();
ColumnElement cast(const ColumnElement& e, TypeEngine type);
// A text() fragment inside an expression: rendered verbatim.
ColumnElement literal_column(std::string text, TypeEngine type = {});
ColumnElement text_expr(std::string text);

// CASE: case({{cond, result}, ...}, else_)
struct When {
  ColumnElement condition;
  ColumnElement result;
};
ColumnElement case_(std::vector<When> whens, std::optional<ColumnElement> else_ = std::nullopt);

namespace func {
// Any SQL function: sa::func::call("lower", {col}); the common ones have named helpers.
ColumnElement call(std::string name, std::vector<ColumnElement> args, TypeEngine type = {});
ColumnElement count();  // count(*)
ColumnElement count(const ColumnElement& e);
ColumnElement max(const ColumnElement& e);
ColumnElement min(const ColumnElement& e);
ColumnElement sum(const ColumnElement& e);
ColumnElement avg(const ColumnElement& e);
ColumnElement now();
ColumnElement lower(const ColumnElement& e);
ColumnElement upper(const ColumnElement& e);
ColumnElement length(const ColumnElement& e);
ColumnElement coalesce(std::vector<ColumnElement> args);
}  // namespace func

}  // namespace athanor::sql

namespace athanor {
namespace func = sql::func;
using sql::and_;
using sql::bindparam;
using sql::case_;
using sql::cast;
using sql::ColumnElement;
using sql::false_;
using sql::literal;
using sql::literal_column;
using sql::not_;
using sql::or_;
using sql::true_;
using sql::When;
}  // namespace athanor
