#include "athanor/exc.hpp"

namespace athanor::exc {

namespace {

// SQLAlchemy prints parameters only when there are some: an empty tuple, dict or list is Python-
// falsy and leaves the line out.
bool no_parameters(const std::string& repr) noexcept {
  return repr.empty() || repr == "()" || repr == "{}" || repr == "[]";
}

}  // namespace

StatementError::StatementError(std::string message, std::string statement, std::string params_repr,
                               std::exception_ptr orig, bool hide_parameters, std::string code)
    : SQLAlchemyError(std::move(message), std::move(code)),
      statement_(std::move(statement)),
      params_(std::move(params_repr)),
      orig_(std::move(orig)),
      hide_parameters_(hide_parameters) {
  if (no_parameters(params_)) params_.clear();
  full_ = message_;
  // As SQLAlchemy's StatementError.__str__: the parameters line (or its "hidden" stand-in) only
  // follows a statement, and only when there were parameters.
  if (!statement_.empty()) {
    full_ += "\n[SQL: " + statement_ + "]";
    if (!params_.empty()) {
      full_ += hide_parameters_ ? "\n[SQL parameters hidden due to hide_parameters=True]"
                                : "\n[parameters: " + params_ + "]";
    }
  }
}

}  // namespace athanor::exc
