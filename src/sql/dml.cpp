// insert(), update(), delete_() builders.
#include "athanor/sql/dml.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "athanor/exc.hpp"
#include "sql/compiler.hpp"

namespace athanor::sql {

DmlStatement::DmlStatement(const Table& table) : data_(std::make_shared<DmlData>()) {
  data_->table = std::static_pointer_cast<const TableData>(table.from_data());
}

DmlData& DmlStatement::mut() {
  if (data_.use_count() > 1) data_ = std::make_shared<DmlData>(*data_);
  return *data_;
}

namespace {

void check_columns(const TableData& t, const ValuesMap& row) {
  for (const auto& [name, value] : row) {
    if (!t.find(name)) {
      throw exc::CompileError(fmt::format("Unconsumed column names: {}", name));
    }
  }
}

void check_no_return_defaults(const DmlData& d) {
  if (d.return_defaults) {
    throw exc::InvalidRequestError("return_defaults() is already configured on this statement");
  }
}

// return_defaults() called again adds its columns; without columns it asks for all of them.
void add_return_defaults(DmlData& d, const std::vector<ColumnElement>& cols,
                         const ReturnDefaultsOptions& options) {
  for (const auto& c : options.supplemental_cols) d.supplemental_returning.push_back(c.node());
  if (d.return_defaults && (d.return_defaults_columns.empty() || cols.empty())) {
    d.return_defaults_columns.clear();
  } else {
    for (const auto& c : cols) {
      const bool known =
          std::any_of(d.return_defaults_columns.begin(), d.return_defaults_columns.end(),
                      [&](const NodePtr& n) { return n.get() == c.node().get(); });
      if (!known) d.return_defaults_columns.push_back(c.node());
    }
  }
  d.return_defaults = true;
}

std::vector<NodePtr> nodes_of(const std::vector<ColumnElement>& cols) {
  std::vector<NodePtr> out;
  out.reserve(cols.size());
  for (const auto& c : cols) out.push_back(c.node());
  return out;
}

}  // namespace

Insert&& Insert::values(ValuesMap row) && {
  check_columns(*data_->table, row);
  auto& d = mut();
  if (d.rows.size() == 1 && !row.empty()) {
    for (auto& kv : row) d.rows.front().push_back(std::move(kv));  // values() twice merges
  } else {
    d.rows.push_back(std::move(row));
  }
  return std::move(*this);
}

Insert&& Insert::values(std::span<const ValuesMap> rows) && {
  for (const auto& r : rows) check_columns(*data_->table, r);
  auto& d = mut();
  d.rows.assign(rows.begin(), rows.end());
  return std::move(*this);
}

Insert Insert::from_select(std::vector<std::string> columns, const Select& select) const {
  Insert out(*this);
  auto& d = out.mut();
  d.from_select = select.shared_data();
  d.from_select_columns = std::move(columns);
  return out;
}

Insert Insert::returning(std::vector<ColumnElement> cols, ReturningOptions options) const {
  check_no_return_defaults(*data_);
  Insert out(*this);
  auto& d = out.mut();
  for (auto& n : nodes_of(cols)) d.returning.push_back(std::move(n));
  d.sort_by_parameter_order = options.sort_by_parameter_order;
  return out;
}

Insert Insert::return_defaults(std::vector<ColumnElement> cols,
                               ReturnDefaultsOptions options) const {
  Insert out(*this);
  add_return_defaults(out.mut(), cols, options);
  return out;
}

Insert Insert::execution_options(const ExecutionOptions& options) const {
  Insert out(*this);
  out.set_options(options);
  return out;
}

Update&& Update::where(const ColumnElement& c) && {
  mut().where.push_back(c.node());
  return std::move(*this);
}

Update&& Update::values(ValuesMap row) && {
  check_columns(*data_->table, row);
  auto& d = mut();
  if (d.rows.empty()) d.rows.emplace_back();
  for (auto& kv : row) d.rows.front().push_back(std::move(kv));
  return std::move(*this);
}

Update Update::returning(std::vector<ColumnElement> cols) const {
  check_no_return_defaults(*data_);
  Update out(*this);
  for (auto& n : nodes_of(cols)) out.mut().returning.push_back(std::move(n));
  return out;
}

Update Update::return_defaults(std::vector<ColumnElement> cols,
                               ReturnDefaultsOptions options) const {
  Update out(*this);
  add_return_defaults(out.mut(), cols, options);
  return out;
}

Update Update::execution_options(const ExecutionOptions& options) const {
  Update out(*this);
  out.set_options(options);
  return out;
}

Delete&& Delete::where(const ColumnElement& c) && {
  mut().where.push_back(c.node());
  return std::move(*this);
}

Delete Delete::returning(std::vector<ColumnElement> cols) const {
  Delete out(*this);
  for (auto& n : nodes_of(cols)) out.mut().returning.push_back(std::move(n));
  return out;
}

Delete Delete::execution_options(const ExecutionOptions& options) const {
  Delete out(*this);
  out.set_options(options);
  return out;
}

}  // namespace athanor::sql
