// Builds an http::RequestHead for tests: views into strings the builder owns.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "http/request_head.h"

namespace rg::proxy {

class HeadForTest {
  public:
    HeadForTest(http::Method method, std::string target,
                std::vector<std::pair<std::string, std::string>> headers = {})
        : target_(std::move(target)), headers_(std::move(headers)) {
        head_.method = method;
        head_.target = target_;
        const size_t q = target_.find('?');
        head_.path = std::string_view(target_).substr(0, q);
        head_.query =
            q == std::string::npos ? std::string_view() : std::string_view(target_).substr(q + 1);
        for (const auto& [name, value] : headers_) {
            head_.headers[head_.header_count++] = http::Header{name, value};
        }
    }
    HeadForTest(const HeadForTest&) = delete;
    HeadForTest& operator=(const HeadForTest&) = delete;

    const http::RequestHead& head() const { return head_; }

  private:
    std::string target_;
    std::vector<std::pair<std::string, std::string>> headers_;
    http::RequestHead head_;
};

}  // namespace rg::proxy
