#include "io/probe.h"

#include <sys/resource.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "io/buffer_ring.h"
#include "io/ring.h"

namespace rg::io {
namespace {

struct NeededOp {
    int opcode;
    const char* name;
    const char* since;
};

// Every opcode the runtime submits, with the kernel that introduced what we rely on.
constexpr NeededOp needed_ops[] = {
    {IORING_OP_ACCEPT, "ACCEPT (multishot)", "5.19"},
    {IORING_OP_RECV, "RECV (multishot, provided buffers)", "6.0"},
    {IORING_OP_SEND, "SEND", "5.6"},
    {IORING_OP_TIMEOUT, "TIMEOUT", "5.4"},
    {IORING_OP_ASYNC_CANCEL, "ASYNC_CANCEL", "5.5"},
    {IORING_OP_CLOSE, "CLOSE", "5.6"},
    {IORING_OP_SHUTDOWN, "SHUTDOWN", "5.11"},
    {IORING_OP_READ, "READ", "5.6"},
    {IORING_OP_MSG_RING, "MSG_RING", "5.18"},
    {IORING_OP_CONNECT, "CONNECT", "5.5"},
};

std::string io_uring_disabled_hint() {
    std::ifstream f("/proc/sys/kernel/io_uring_disabled");
    int v = 0;
    if (f >> v && v != 0) {
        return " (/proc/sys/kernel/io_uring_disabled = " + std::to_string(v) +
               ": set it to 0, or run as a member of kernel.io_uring_group)";
    }
    return " (a seccomp filter such as systemd's SystemCallFilter may block io_uring_setup:"
           " allow io_uring_setup io_uring_enter io_uring_register)";
}

uint64_t memlock_limit() {
    rlimit rl;
    if (getrlimit(RLIMIT_MEMLOCK, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) {
        return UINT64_MAX;
    }
    return rl.rlim_cur;
}

}  // namespace

ProbeReport probe_kernel(uint32_t workers, uint32_t buffers_per_worker) {
    ProbeReport report;
    report.memlock_bytes = memlock_limit();
    Ring ring;
    auto init = ring.init(RingOptions{8, 16});
    if (!init.ok()) {
        int e = init.error().sys_errno;
        report.problem = std::string("io_uring_setup failed: ") + std::strerror(e);
        if (e == EPERM || e == ENOSYS || e == EACCES) {
            report.problem += io_uring_disabled_hint();
        } else if (e == ENOMEM) {
            report.problem += " (RLIMIT_MEMLOCK too low or memory cgroup exhausted)";
        }
        return report;
    }
    if (ring.mode() != TaskRunMode::defer) {
        report.problem = "";  // COOP_TASKRUN fallback is acceptable; reported to the log
    }
    report.defer_taskrun = ring.mode() == TaskRunMode::defer;

    io_uring_probe* probe = io_uring_get_probe_ring(ring.raw());
    if (probe == nullptr) {
        report.problem = "IORING_REGISTER_PROBE failed: kernel older than 5.6";
        return report;
    }
    report.last_opcode = probe->last_op;
    for (const NeededOp& op : needed_ops) {
        if (!io_uring_opcode_supported(probe, op.opcode)) {
            report.problem = std::string("io_uring opcode ") + op.name + " not supported: kernel " +
                             op.since + " or newer is required";
            io_uring_free_probe(probe);
            return report;
        }
    }
    io_uring_free_probe(probe);

    // Multishot receive needs provided-buffer rings (5.19) and multishot recv (6.0): check
    // the registration itself, which also exercises the memlock accounting.
    BufferRing br;
    auto reg = br.init(&ring, 0, 8, 64);
    if (!reg.ok()) {
        int e = reg.error().sys_errno;
        report.problem = std::string("provided buffer ring registration failed: ") +
                         std::strerror(e) +
                         (e == ENOMEM ? " (raise RLIMIT_MEMLOCK: LimitMEMLOCK= in the unit)"
                                      : " (kernel 5.19 or newer is required)");
        return report;
    }

    uint64_t needed = static_cast<uint64_t>(workers) * buffers_per_worker * sizeof(io_uring_buf);
    // Each ring's descriptor array is pinned; the kernel rounds to pages.
    needed += static_cast<uint64_t>(workers) * 4096;
    if (report.memlock_bytes != UINT64_MAX && needed > report.memlock_bytes) {
        char msg[256];
        std::snprintf(msg, sizeof(msg),
                      "RLIMIT_MEMLOCK is %llu bytes but %u workers need %llu for their buffer "
                      "rings: raise it (LimitMEMLOCK= in the unit, ulimit -l)",
                      static_cast<unsigned long long>(report.memlock_bytes), workers,
                      static_cast<unsigned long long>(needed));
        report.problem = msg;
        return report;
    }
    report.ok = true;
    return report;
}

}  // namespace rg::io
