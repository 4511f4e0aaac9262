#include "observe/metric_family.h"

#include <cstring>

namespace rg::observe {
namespace {

bool name_char(char c, bool first, bool colon_ok) {
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    bool digit = c >= '0' && c <= '9';
    return alpha || (colon_ok && c == ':') || (!first && digit);
}

bool valid_name(const char* s, bool colon_ok) {
    if (s == nullptr || s[0] == '\0') {
        return false;
    }
    for (size_t i = 0; s[i] != '\0'; ++i) {
        if (!name_char(s[i], i == 0, colon_ok)) {
            return false;
        }
    }
    return true;
}

bool ends_with(const char* s, const char* suffix) {
    size_t n = std::strlen(s);
    size_t k = std::strlen(suffix);
    return n >= k && std::strcmp(s + n - k, suffix) == 0;
}

const char* label_problem(const MetricFamily& f) {
    if (f.labels.size() > limits::labels_max) {
        return "more labels than limits::labels_max";
    }
    for (size_t i = 0; i < f.labels.size(); ++i) {
        const char* l = f.labels[i];
        if (!valid_name(l, false)) {
            return "label name is not [a-zA-Z_][a-zA-Z0-9_]*";
        }
        if (std::strncmp(l, "__", 2) == 0) {
            return "label names starting with __ are reserved";
        }
        if (f.type == MetricType::histogram && std::strcmp(l, "le") == 0) {
            return "histograms may not have an le label";
        }
        for (size_t j = 0; j < i; ++j) {
            if (std::strcmp(l, f.labels[j]) == 0) {
                return "duplicate label name";
            }
        }
    }
    return nullptr;
}

const char* bucket_problem(const MetricFamily& f) {
    if (f.type != MetricType::histogram) {
        return f.buckets.bounds.empty() ? nullptr : "buckets on a counter or gauge";
    }
    if (f.buckets.bounds.empty() || f.buckets.bounds.size() > limits::buckets_max) {
        return "histogram needs 1..limits::buckets_max buckets";
    }
    for (size_t i = 1; i < f.buckets.bounds.size(); ++i) {
        if (f.buckets.bounds[i] <= f.buckets.bounds[i - 1]) {
            return "bucket bounds must be strictly increasing";
        }
    }
    return nullptr;
}

}  // namespace

const char* metric_type_name(MetricType type) {
    switch (type) {
        case MetricType::counter:
            return "counter";
        case MetricType::gauge:
            return "gauge";
        case MetricType::histogram:
            return "histogram";
    }
    return "untyped";
}

const char* family_problem(const MetricFamily& f) {
    if (!valid_name(f.name, true)) {
        return "metric name is not [a-zA-Z_:][a-zA-Z0-9_:]*";
    }
    if (f.help == nullptr) {
        return "missing help";
    }
    if (f.type == MetricType::counter && !ends_with(f.name, "_total")) {
        return "counter names end in _total";
    }
    if (f.type != MetricType::counter && ends_with(f.name, "_total")) {
        return "only counters end in _total";
    }
    if (f.decimals > 18) {
        return "decimals beyond 18 overflow 64 bits";
    }
    if (const char* p = label_problem(f)) {
        return p;
    }
    return bucket_problem(f);
}

}  // namespace rg::observe
