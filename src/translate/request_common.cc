#include "translate/request_common.h"

namespace rg::translate {
namespace {

constexpr Side down = Side::downstream;

}  // namespace

Result<void> parse_stop(od::value& v, Request& r) {
    od::json_type t;
    RG_TJ(v.type().get(t), down, "stop is not valid JSON");
    if (t == od::json_type::null) {
        return ok_result();
    }
    if (t == od::json_type::string) {
        std::string_view s;
        RG_TJ(v.get_string().get(s), down, "stop is not a string");
        r.stop.push_back(s);
        return ok_result();
    }
    return parse_string_list(v, r.stop, "stop must be a string or an array of strings",
                             "stop must be a string or an array of strings");
}

Result<void> parse_string_list(od::value& v, std::vector<std::string_view>& out,
                               const char* not_array, const char* not_string) {
    od::array a;
    RG_TJ(v.get_array().get(a), down, not_array);
    for (auto item : a) {
        std::string_view s;
        RG_TJ(item.get_string().get(s), down, not_string);
        out.push_back(s);
    }
    return ok_result();
}

Result<void> parse_stream_options(od::value& v, Request& r, const char* not_bool) {
    od::object so;
    RG_TJ(v.get_object().get(so), down, "stream_options is not an object");
    od::value iu;
    bool has = false;
    RG_TJ(soft(so.find_field_unordered("include_usage").get(iu), &has), down,
          "body is not valid JSON");
    if (has) {
        RG_TJ(iu.get_bool().get(r.include_usage), down, not_bool);
    }
    return ok_result();
}

}  // namespace rg::translate
