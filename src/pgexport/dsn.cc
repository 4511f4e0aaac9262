#include "pgexport/dsn.h"

#include <cctype>

namespace rg::pgexport {
namespace {

constexpr std::string_view kSchemes[] = {"postgresql://", "postgres://"};

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) {
            return false;
        }
    }
    return true;
}

// As ringgate's config: the scheme in any case.
size_t scheme_length(std::string_view url) {
    for (std::string_view scheme : kSchemes) {
        if (equal_ignoring_case(url.substr(0, scheme.size()), scheme)) {
            return scheme.size();
        }
    }
    return 0;
}

}  // namespace

std::string check_dsn(std::string_view url) {
    if (url.empty()) {
        return "no PostgreSQL URL: set storage.traces to postgresql://user@host/db or pass --dsn";
    }
    if (scheme_length(url) == 0) {
        // Only the scheme is quoted: whatever follows may hold a password.
        std::string_view scheme = url.substr(0, url.find(':'));
        return "storage.traces is not a postgresql:// URL (scheme '" +
               std::string(scheme.substr(0, 16)) + "'); ringgate-pgexport ships to PostgreSQL only";
    }
    return {};
}

std::string normalize_dsn(std::string_view url) {
    std::string out(url);
    for (size_t i = 0; i < scheme_length(url); ++i) {
        out[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[i])));
    }
    return out;
}

std::string describe_dsn(std::string_view url) {
    size_t scheme = scheme_length(url);
    if (scheme == 0) {
        return "(not a postgresql URL)";
    }
    std::string_view rest = url.substr(scheme);
    rest = rest.substr(0, rest.find('?'));
    std::string out = normalize_dsn(url.substr(0, scheme));
    size_t at = rest.rfind('@');
    if (at != std::string_view::npos) {
        std::string_view userinfo = rest.substr(0, at);
        out.append(userinfo.substr(0, userinfo.find(':')));
        out.push_back('@');
        rest = rest.substr(at + 1);
    }
    out.append(rest);
    return out;
}

}  // namespace rg::pgexport
