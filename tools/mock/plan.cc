#include "mock/plan.h"

#include <charconv>

#include "mock/limits.h"

namespace rg::mock {
namespace {

struct FaultAlias {
    std::string_view name;
    FaultKind kind;
};

// The first entry for each kind is its canonical name.
constexpr FaultAlias kFaults[] = {
    {"none", FaultKind::none},
    {"429", FaultKind::rate_limit},
    {"rate_limit", FaultKind::rate_limit},
    {"quota", FaultKind::quota},
    {"insufficient_quota", FaultKind::quota},
    {"billing", FaultKind::quota},
    {"context_length", FaultKind::context_length},
    {"context_length_exceeded", FaultKind::context_length},
    {"content_policy", FaultKind::content_policy},
    {"overloaded", FaultKind::overloaded},
    {"529", FaultKind::overloaded},
    {"reset", FaultKind::reset},
    {"hang", FaultKind::hang},
    {"never", FaultKind::hang},
    {"stall", FaultKind::stall},
    {"cut", FaultKind::cut},
    {"malformed", FaultKind::malformed},
    {"no_done", FaultKind::no_done},
    {"no_terminator", FaultKind::no_done},
    {"stream_error", FaultKind::stream_error},
    {"low_remaining", FaultKind::low_remaining},
    {"low", FaultKind::low_remaining},
};

bool parse_u32(std::string_view s, uint32_t max, uint32_t* out) {
    uint32_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || s.empty() || v > max) {
        return false;
    }
    *out = v;
    return true;
}

}  // namespace

std::string_view fault_name(Fault fault, char* buf) {
    if (fault.kind == FaultKind::status) {
        buf[0] = static_cast<char>('0' + fault.status / 100 % 10);
        buf[1] = static_cast<char>('0' + fault.status / 10 % 10);
        buf[2] = static_cast<char>('0' + fault.status % 10);
        return {buf, 3};
    }
    for (const FaultAlias& a : kFaults) {
        if (a.kind == fault.kind) {
            return a.name;
        }
    }
    return "none";
}

bool parse_fault(std::string_view name, Fault* out) {
    for (const FaultAlias& a : kFaults) {
        if (a.name == name) {
            *out = Fault{a.kind, a.kind == FaultKind::rate_limit ? uint16_t{429} : uint16_t{0}};
            return true;
        }
    }
    uint32_t status = 0;
    if (name.size() == 3 && parse_u32(name, 599, &status) && status >= 400) {
        *out = Fault{FaultKind::status, static_cast<uint16_t>(status)};
        return true;
    }
    return false;
}

bool is_stream_fault(FaultKind kind) {
    return kind == FaultKind::stall || kind == FaultKind::cut || kind == FaultKind::malformed ||
           kind == FaultKind::no_done || kind == FaultKind::stream_error;
}

void merge_plan(Plan* dst, const Plan& src) {
    auto take = [](uint32_t* d, uint32_t s) {
        if (s != unset) {
            *d = s;
        }
    };
    take(&dst->tokens, src.tokens);
    take(&dst->delay_ms, src.delay_ms);
    take(&dst->first_delay_ms, src.first_delay_ms);
    take(&dst->header_delay_ms, src.header_delay_ms);
    take(&dst->after, src.after);
    take(&dst->retry_after_s, src.retry_after_s);
    take(&dst->retry_after_ms, src.retry_after_ms);
    if (src.fault_set) {
        dst->fault = src.fault;
        dst->fault_set = true;
    }
}

void split_directives(std::string_view full, std::string_view* base, std::string_view* list) {
    size_t tilde = full.find('~');
    if (tilde == std::string_view::npos) {
        *base = full;
        *list = {};
        return;
    }
    *base = full.substr(0, tilde);
    *list = full.substr(tilde + 1);
}

bool apply_directive(std::string_view name, std::string_view value, Plan* plan) {
    uint32_t* target = nullptr;
    uint32_t max = limits::delay_ms_max;
    if (name == "fault") {
        Fault fault;
        if (!parse_fault(value, &fault)) {
            return false;
        }
        plan->fault = fault;
        plan->fault_set = true;
        return true;
    } else if (name == "tokens") {
        target = &plan->tokens;
        max = limits::tokens_max;
    } else if (name == "delay" || name == "delay_ms") {
        target = &plan->delay_ms;
    } else if (name == "first_delay" || name == "first_delay_ms") {
        target = &plan->first_delay_ms;
    } else if (name == "header_delay" || name == "header_delay_ms") {
        target = &plan->header_delay_ms;
    } else if (name == "after") {
        target = &plan->after;
        max = limits::tokens_max;
    } else if (name == "retry_after") {
        target = &plan->retry_after_s;
        max = 86400;
    } else if (name == "retry_after_ms") {
        target = &plan->retry_after_ms;
        max = 86400 * 1000;
    } else if (name == "count") {
        target = &plan->count;
        max = UINT32_MAX - 1;
    } else if (name == "for_ms") {
        target = &plan->for_ms;
        max = 86400 * 1000;
    } else if (name == "for") {  // seconds
        uint32_t s = 0;
        if (!parse_u32(value, 86400, &s)) {
            return false;
        }
        plan->for_ms = s * 1000;
        return true;
    } else {
        return false;
    }
    return parse_u32(value, max, target);
}

bool apply_directives(std::string_view list, Plan* plan, std::string_view* bad) {
    while (!list.empty()) {
        size_t tilde = list.find('~');
        std::string_view item = list.substr(0, tilde);
        list = tilde == std::string_view::npos ? std::string_view{} : list.substr(tilde + 1);
        if (item.empty()) {
            continue;
        }
        size_t eq = item.find('=');
        bool ok = false;
        if (eq == std::string_view::npos) {
            // A bare word is a fault name: "gpt-4o~429~retry_after=2".
            ok = parse_fault(item, &plan->fault);
            plan->fault_set = plan->fault_set || ok;
        } else {
            ok = apply_directive(item.substr(0, eq), item.substr(eq + 1), plan);
        }
        if (!ok) {
            *bad = item;
            return false;
        }
    }
    return true;
}

}  // namespace rg::mock
