// Options of the metrics module. Plain data filled by config/ from `metrics:`; read-only
// afterwards, as part of an immutable snapshot.
#pragma once

namespace rg::metrics {

struct Options {
    bool enabled = true;  // serve /metrics on the admin listener
};

}  // namespace rg::metrics
