#include "athanor/exc.hpp"

namespace athanor::exc {

StatementError::StatementError(std::string message, std::string statement, std::string params_repr,
                               std::exception_ptr orig, bool hide_parameters, std::string code)
    : SQLAlchemyError(std::move(message), std::move(code)),
      statement_(std::move(statement)),
      params_(std::move(params_repr)),
      orig_(std::move(orig)),
      hide_parameters_(hide_parameters) {
  full_ = message_;
  if (!statement_.empty()) full_ += "\n[SQL: " + statement_ + "]";
  if (hide_parameters_) {
    full_ += "\n[SQL parameters hidden due to hide_parameters=True]";
  } else if (!params_.empty()) {
    full_ += "\n[parameters: " + params_ + "]";
  }
}

}  // namespace athanor::exc
