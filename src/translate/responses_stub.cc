#include "translate/common.h"
#include "translate/formats.h"

namespace rg::translate {
namespace {
Error unsupported() {
    return Error{ErrorCode::unsupported, Side::downstream, false, 0,
                 "the Responses API is not translated yet"};
}
}  // namespace
Result<void> parse_responses_request(std::string_view, Arena&, Request*) {
    return unsupported();
}
Result<void> emit_responses_request(const Request&, const EmitOptions&, Arena&, ByteBuffer&) {
    return unsupported();
}
Result<void> parse_responses_response(std::string_view, Arena&, Response*) {
    return unsupported();
}
Result<void> emit_responses_response(const Response&, const ResponseOptions&, Arena&, ByteBuffer&) {
    return unsupported();
}
}  // namespace rg::translate
