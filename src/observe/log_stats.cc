#include "observe/log_stats.h"

#include <string_view>

#include "observe/catalog.h"

namespace rg::observe {

void publish_log_stats(const LogWriter& writer, WorkerMetrics& control) {
    std::string_view access[] = {"access"};
    std::string_view audit[] = {"audit"};
    FamilyId written = family(Metric::log_records_written);
    FamilyId dropped = family(Metric::log_records_dropped);
    control.set(control.counter(written, access), writer.access_written());
    control.set(control.counter(written, audit), writer.audit_written());
    control.set(control.counter(dropped, access), writer.access_dropped());
    control.set(control.counter(dropped, audit), writer.audit_dropped());
}

}  // namespace rg::observe
