// Mirrors the log writer's counts into the catalog's log families on a metrics block the
// control thread owns (call it before each scrape, or on the control thread's tick).
#pragma once

#include "observe/log_writer.h"
#include "observe/worker_metrics.h"

namespace rg::observe {

// Sets ringgate_log_records_{written,dropped}_total{log="access"|"audit"} on `control`,
// a block of a Registry built from catalog_families(). Control thread only.
void publish_log_stats(const LogWriter& writer, WorkerMetrics& control);

}  // namespace rg::observe
