// Process-wide state of the mock, created by main() before the workers start and
// destroyed after they stop. Options and the TLS context are read-only while workers
// run; the rest synchronises itself (per-thread log mutexes, rule generation, atomics).
#pragma once

#include <memory>
#include <vector>

#include "mock/attempt_log.h"
#include "mock/fault_rules.h"
#include "mock/options.h"

typedef struct ssl_ctx_st SSL_CTX;

namespace rg::mock {

struct Shared {
    Options options;
    AttemptClock clock;
    std::vector<std::unique_ptr<AttemptLog>> logs;  // index = worker index
    FaultRules rules;
    SequenceTable sequences;
    SSL_CTX* tls = nullptr;
};

}  // namespace rg::mock
