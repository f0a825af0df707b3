// Building expression trees. Literals become binds here; their names are decided by the
// compiler, but the key they are named after ("id" for a comparison to users.c("id")) and their
// type are fixed now, as SQLAlchemy fixes them when the operator is applied.
#include "athanor/sql/elements.hpp"

#include "athanor/exc.hpp"
#include "athanor/sql/selectable.hpp"
#include "sql/compiler.hpp"

namespace athanor::sql {

using detail::is_open_literal;

namespace {

NodePtr make(Node n) {
  return detail::make_tree_part<Node>(std::move(n));
}

TypeEngine type_of_value(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::boolean:
      return Boolean();
    case Value::Kind::integer:
      return Integer();
    case Value::Kind::real:
      return Float();
    case Value::Kind::text:
      return String();
    case Value::Kind::blob:
      return LargeBinary();
    case Value::Kind::date:
      return TypeEngine(TypeKind::date);
    case Value::Kind::time:
      return TypeEngine(TypeKind::time);
    case Value::Kind::datetime:
      return TypeEngine(TypeKind::datetime);
    case Value::Kind::decimal:
      return Numeric();
    case Value::Kind::null:
      break;
  }
  return {};
}

// Keys `bind` after `other` (detail::bind_key): by holding it when it has a name of its own.
void key_after(Node& bind, const NodePtr& other) {
  if (detail::names_binds(*other)) {
    bind.args.push_back(other);
  } else {
    bind.name = detail::anonymous_bind_key();
  }
}

// A literal as an operand next to `other`: keyed after it ("id" for users.c("id") == 5) and
// typed like it, keeping `own_type` when `other` has none. Filled in place: a Node is large, and
// this is the hot path of statements rebuilt per call.
NodePtr keyed_literal(Value&& value, const TypeEngine& own_type, const NodePtr& other) {
  auto n = detail::make_tree_part<Node>();
  n->kind = NodeKind::bind;
  key_after(*n, other);
  n->type = other->type.kind != TypeKind::null_ ? other->type : own_type;
  n->has_value = true;
  n->value = std::move(value);
  return n;
}

// `n` as an operand next to `other`: keyed, if it is a literal not yet keyed.
NodePtr adapt(const NodePtr& n, const NodePtr& other) {
  return is_open_literal(*n) ? keyed_literal(Value(n->value), n->type, other) : n;
}

NodePtr null_node() {
  static const NodePtr n = make(Node{.kind = NodeKind::null_});
  return n;
}

bool is_null_literal(const Node& n) {
  return n.kind == NodeKind::null_ || (is_open_literal(n) && n.value.is_null());
}

ColumnElement binary_node(NodePtr left, Op op, NodePtr right, TypeEngine type) {
  auto n = detail::make_tree_part<Node>();
  n->kind = NodeKind::binary;
  n->op = op;
  n->type = type;
  n->args.reserve(2);
  n->args.push_back(std::move(left));
  n->args.push_back(std::move(right));
  return ColumnElement(std::move(n));
}

ColumnElement binary(const ColumnElement& a, Op op, const ColumnElement& b, TypeEngine type) {
  return binary_node(adapt(a.node(), b.node()), op, adapt(b.node(), a.node()), type);
}

ColumnElement compare(const ColumnElement& a, Op op, const ColumnElement& b) {
  if (is_null_literal(*b.node()) && (op == Op::eq || op == Op::ne)) {
    return binary_node(a.node(), op == Op::eq ? Op::is_ : Op::is_not, null_node(), Boolean());
  }
  return binary(a, op, b, Boolean());
}

}  // namespace

ColumnElement compare_value(ColumnElement a, Op op, Value b) {
  if (b.is_null() || is_open_literal(*a.node())) return compare(a, op, ColumnElement(std::move(b)));
  // The value's own type only matters next to an untyped expression.
  const TypeEngine own_type = a.type().kind == TypeKind::null_ ? type_of_value(b) : TypeEngine();
  NodePtr bind = keyed_literal(std::move(b), own_type, a.node());
  return binary_node(std::move(a).node(), op, std::move(bind), Boolean());
}

namespace {

ColumnElement arithmetic(const ColumnElement& a, Op op, const ColumnElement& b) {
  TypeEngine t = a.type().kind != TypeKind::null_ ? a.type() : b.type();
  if (op == Op::add && t.is_string()) op = Op::concat;
  if (op == Op::div && t.is_integer()) t = Numeric();
  return binary(a, op, b, t);
}

ColumnElement clauses(Op op, std::vector<ColumnElement> items) {
  if (items.size() == 1) return items.front();
  Node n{.kind = NodeKind::clauses, .op = op, .type = Boolean()};
  for (auto& i : items) n.args.push_back(i.node());
  return ColumnElement(make(std::move(n)));
}

ColumnElement unary(Op op, const ColumnElement& e, TypeEngine type) {
  Node n{.kind = NodeKind::unary, .op = op, .type = type};
  n.args = {e.node()};
  return ColumnElement(make(std::move(n)));
}

Op negated(Op op) {
  switch (op) {
    case Op::eq:
      return Op::ne;
    case Op::ne:
      return Op::eq;
    case Op::lt:
      return Op::ge;
    case Op::ge:
      return Op::lt;
    case Op::gt:
      return Op::le;
    case Op::le:
      return Op::gt;
    case Op::like:
      return Op::not_like;
    case Op::not_like:
      return Op::like;
    case Op::ilike:
      return Op::not_ilike;
    case Op::not_ilike:
      return Op::ilike;
    case Op::in_:
      return Op::not_in;
    case Op::not_in:
      return Op::in_;
    case Op::is_:
      return Op::is_not;
    case Op::is_not:
      return Op::is_;
    case Op::between:
      return Op::not_between;
    case Op::not_between:
      return Op::between;
    default:
      return Op::none;
  }
}

ColumnElement in_list(const ColumnElement& a, Op op, std::vector<Value> values) {
  Node list{.kind = NodeKind::bind, .type = a.type()};
  key_after(list, a.node());
  list.has_value = true;
  list.expanding = true;
  list.extra = std::make_shared<const NodeExtra>(NodeExtra{.values = std::move(values)});
  Node n{.kind = NodeKind::binary, .op = op, .type = Boolean()};
  n.args = {a.node(), make(std::move(list))};
  return ColumnElement(make(std::move(n)));
}

}  // namespace

ColumnElement::ColumnElement(Value value) {
  Node n{.kind = NodeKind::bind, .type = type_of_value(value)};
  n.has_value = true;
  n.value = std::move(value);
  node_ = make(std::move(n));
}

ColumnElement literal(Value value, TypeEngine type) {
  Node n{.kind = NodeKind::bind,
         .name = "param",
         .type = type.kind == TypeKind::null_ ? type_of_value(value) : type};
  n.has_value = true;
  n.value = std::move(value);
  return ColumnElement(make(std::move(n)));
}

ColumnElement ColumnElement::label(std::string name) const {
  Node n{.kind = NodeKind::label, .name = std::move(name), .type = type()};
  n.args = {node_};
  return ColumnElement(make(std::move(n)));
}
ColumnElement ColumnElement::asc() const {
  return unary(Op::asc, *this, type());
}
ColumnElement ColumnElement::desc() const {
  return unary(Op::desc, *this, type());
}
ColumnElement ColumnElement::distinct() const {
  return unary(Op::distinct, *this, type());
}
ColumnElement ColumnElement::nulls_first() const {
  return unary(Op::nulls_first, *this, type());
}
ColumnElement ColumnElement::nulls_last() const {
  return unary(Op::nulls_last, *this, type());
}
ColumnElement ColumnElement::like(const ColumnElement& p) const {
  return binary(*this, Op::like, p, Boolean());
}
ColumnElement ColumnElement::not_like(const ColumnElement& p) const {
  return binary(*this, Op::not_like, p, Boolean());
}
ColumnElement ColumnElement::ilike(const ColumnElement& p) const {
  return binary(*this, Op::ilike, p, Boolean());
}
ColumnElement ColumnElement::not_ilike(const ColumnElement& p) const {
  return binary(*this, Op::not_ilike, p, Boolean());
}
ColumnElement ColumnElement::in_(std::vector<Value> values) const {
  return in_list(*this, Op::in_, std::move(values));
}
ColumnElement ColumnElement::not_in(std::vector<Value> values) const {
  return in_list(*this, Op::not_in, std::move(values));
}
ColumnElement ColumnElement::in_(const Select& subquery) const {
  Node n{.kind = NodeKind::binary, .op = Op::in_, .type = Boolean()};
  Node sel{.kind = NodeKind::scalar_select};
  sel.extra = std::make_shared<const NodeExtra>(NodeExtra{.select = subquery.shared_data()});
  n.args = {node_, make(std::move(sel))};
  return ColumnElement(make(std::move(n)));
}
ColumnElement ColumnElement::between(const ColumnElement& low, const ColumnElement& high) const {
  Node n{.kind = NodeKind::binary, .op = Op::between, .type = Boolean()};
  n.args = {node_, adapt(low.node(), node_), adapt(high.node(), node_)};
  return ColumnElement(make(std::move(n)));
}
ColumnElement ColumnElement::is_(const ColumnElement& other) const {
  return binary(*this, Op::is_, other, Boolean());
}
ColumnElement ColumnElement::is_not(const ColumnElement& other) const {
  return binary(*this, Op::is_not, other, Boolean());
}
ColumnElement ColumnElement::is_(Null) const {
  return compare(*this, Op::eq, ColumnElement(null_node()));
}
ColumnElement ColumnElement::is_not(Null) const {
  return compare(*this, Op::ne, ColumnElement(null_node()));
}
ColumnElement ColumnElement::concat(const ColumnElement& other) const {
  return binary(*this, Op::concat, other, type());
}

ColumnElement operator==(const ColumnElement& a, const ColumnElement& b) {
  return compare(a, Op::eq, b);
}
ColumnElement operator!=(const ColumnElement& a, const ColumnElement& b) {
  return compare(a, Op::ne, b);
}
ColumnElement operator<(const ColumnElement& a, const ColumnElement& b) {
  return compare(a, Op::lt, b);
}
ColumnElement operator<=(const ColumnElement& a, const ColumnElement& b) {
  return compare(a, Op::le, b);
}
ColumnElement operator>(const ColumnElement& a, const ColumnElement& b) {
  return compare(a, Op::gt, b);
}
ColumnElement operator>=(const ColumnElement& a, const ColumnElement& b) {
  return compare(a, Op::ge, b);
}
ColumnElement operator==(const ColumnElement& a, Null) {
  return a.is_(athanor::null);
}
ColumnElement operator!=(const ColumnElement& a, Null) {
  return a.is_not(athanor::null);
}
ColumnElement compare_bool(const ColumnElement& a, bool b, bool equal) {
  // SQLAlchemy compares to the constant itself ("= true", or "= 1" without native booleans).
  Node n{.kind = NodeKind::binary, .op = equal ? Op::eq : Op::ne, .type = Boolean()};
  n.args = {a.node(), make(Node{.kind = b ? NodeKind::true_ : NodeKind::false_})};
  return ColumnElement(make(std::move(n)));
}
ColumnElement operator&&(const ColumnElement& a, const ColumnElement& b) {
  return clauses(Op::and_, {a, b});
}
ColumnElement operator||(const ColumnElement& a, const ColumnElement& b) {
  return clauses(Op::or_, {a, b});
}
ColumnElement operator!(const ColumnElement& a) {
  return not_(a);
}
ColumnElement operator+(const ColumnElement& a, const ColumnElement& b) {
  return arithmetic(a, Op::add, b);
}
ColumnElement operator-(const ColumnElement& a, const ColumnElement& b) {
  return arithmetic(a, Op::sub, b);
}
ColumnElement operator*(const ColumnElement& a, const ColumnElement& b) {
  return arithmetic(a, Op::mul, b);
}
ColumnElement operator/(const ColumnElement& a, const ColumnElement& b) {
  return arithmetic(a, Op::div, b);
}
ColumnElement operator%(const ColumnElement& a, const ColumnElement& b) {
  return arithmetic(a, Op::mod, b);
}
ColumnElement operator-(const ColumnElement& a) {
  return unary(Op::neg, a, a.type());
}

ColumnElement and_(std::vector<ColumnElement> items) {
  return clauses(Op::and_, std::move(items));
}
ColumnElement or_(std::vector<ColumnElement> items) {
  return clauses(Op::or_, std::move(items));
}

ColumnElement not_(const ColumnElement& e) {
  const Node& n = *e.node();
  if (n.kind == NodeKind::binary) {
    if (const Op neg = negated(n.op); neg != Op::none) {
      Node copy = n;
      copy.op = neg;
      return ColumnElement(make(std::move(copy)));
    }
  }
  if (n.kind == NodeKind::unary && (n.op == Op::not_ || n.op == Op::is_false)) {
    return ColumnElement(n.args.front());
  }
  if (n.type.kind == TypeKind::boolean && n.kind == NodeKind::column) {
    return unary(Op::is_false, e, Boolean());
  }
  return unary(Op::not_, e, Boolean());
}

ColumnElement asc(const ColumnElement& e) {
  return e.asc();
}
ColumnElement desc(const ColumnElement& e) {
  return e.desc();
}

ColumnElement bindparam(std::string key, std::optional<Value> value, TypeEngine type) {
  Node n{.kind = NodeKind::bind, .name = std::move(key), .type = type};
  n.unique = false;
  if (value) {
    n.has_value = true;
    n.value = std::move(*value);
  }
  return ColumnElement(make(std::move(n)));
}

ColumnElement null() {
  return ColumnElement(null_node());
}
ColumnElement true_() {
  return ColumnElement(make(Node{.kind = NodeKind::true_, .type = Boolean()}));
}
ColumnElement false_() {
  return ColumnElement(make(Node{.kind = NodeKind::false_, .type = Boolean()}));
}

ColumnElement cast(const ColumnElement& e, TypeEngine type) {
  Node n{.kind = NodeKind::cast, .type = type};
  n.args = {e.node()};
  return ColumnElement(make(std::move(n)));
}

ColumnElement literal_column(std::string text, TypeEngine type) {
  return ColumnElement(make(Node{.kind = NodeKind::text, .name = std::move(text), .type = type}));
}
ColumnElement text_expr(std::string text) {
  return literal_column(std::move(text));
}

ColumnElement case_(std::vector<When> whens, std::optional<ColumnElement> else_) {
  Node n{.kind = NodeKind::case_};
  for (auto& w : whens) {
    // Results are literals named "param" (nothing to compare them to); conditions as given.
    n.args.push_back(w.condition.node());
    n.args.push_back(w.result.node());
    if (n.type.kind == TypeKind::null_) n.type = w.result.type();
  }
  if (else_) n.args.push_back(else_->node());
  n.op = else_ ? Op::none : Op::eq;  // eq: no ELSE
  return ColumnElement(make(std::move(n)));
}

namespace func {
ColumnElement call(std::string name, std::vector<ColumnElement> args, TypeEngine type) {
  Node n{.kind = NodeKind::function, .name = std::move(name), .type = type};
  for (auto& a : args) {
    NodePtr p = a.node();
    if (is_open_literal(*p)) {
      Node b = *p;
      b.name = n.name;  // func.lower("x") binds lower_1
      p = make(std::move(b));
    }
    n.args.push_back(std::move(p));
  }
  return ColumnElement(make(std::move(n)));
}
ColumnElement count() {
  return call("count", {}, Integer());
}
ColumnElement count(const ColumnElement& e) {
  return call("count", {e}, Integer());
}
ColumnElement max(const ColumnElement& e) {
  return call("max", {e}, e.type());
}
ColumnElement min(const ColumnElement& e) {
  return call("min", {e}, e.type());
}
ColumnElement sum(const ColumnElement& e) {
  return call("sum", {e}, e.type());
}
ColumnElement avg(const ColumnElement& e) {
  return call("avg", {e}, Numeric());
}
ColumnElement now() {
  return call("now", {}, TypeEngine(TypeKind::datetime));
}
ColumnElement lower(const ColumnElement& e) {
  return call("lower", {e}, String());
}
ColumnElement upper(const ColumnElement& e) {
  return call("upper", {e}, String());
}
ColumnElement length(const ColumnElement& e) {
  return call("length", {e}, Integer());
}
ColumnElement coalesce(std::vector<ColumnElement> args) {
  TypeEngine t = args.empty() ? TypeEngine() : args.front().type();
  return call("coalesce", std::move(args), t);
}
}  // namespace func

}  // namespace athanor::sql
