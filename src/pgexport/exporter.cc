#include "pgexport/exporter.h"

#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/log.h"
#include "base/sd_notify.h"
#include "pgexport/dsn.h"

namespace rg::pgexport {
namespace {

// Segment writes and creations; cursor files (ours and other consumers') are ignored.
constexpr uint32_t kWatchMask = IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE;

bool is_segment_event(const inotify_event* event) {
    std::string_view name(event->len > 0 ? event->name : "");
    name = name.substr(0, name.find('\0'));
    return name.size() > spool::segment_suffix.size() &&
           name.substr(name.size() - spool::segment_suffix.size()) == spool::segment_suffix;
}

int64_t unix_now_us() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

}  // namespace

Exporter::Exporter(const Settings& settings)
    : settings_(settings),
      tail_(settings.spool_dir, settings.consumer),
      sink_(settings.dsn),
      backoff_ms_(settings.backoff_min_ms) {}

Exporter::~Exporter() {
    if (signal_fd_ >= 0) {
        ::close(signal_fd_);
    }
    if (inotify_fd_ >= 0) {
        ::close(inotify_fd_);
    }
}

bool Exporter::setup_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    if (sigprocmask(SIG_BLOCK, &set, nullptr) != 0) {
        return false;
    }
    signal_fd_ = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    return signal_fd_ >= 0;
}

// The spool directory may not exist yet (ringgate creates it on its first start): wait for
// it, checking for signals, rather than exit and be restarted in a loop by systemd.
bool Exporter::open_spool() {
    bool logged = false;
    while (!stop_requested()) {
        inotify_fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (inotify_fd_ < 0) {
            RG_ERROR("pgexport: inotify_init1: %s", std::strerror(errno));
            return false;
        }
        if (inotify_add_watch(inotify_fd_, settings_.spool_dir.c_str(), kWatchMask) >= 0 &&
            tail_.open().ok()) {
            return true;
        }
        if (!logged) {
            RG_WARN("pgexport: spool directory %s is not readable yet (%s); waiting for it",
                    settings_.spool_dir.c_str(), std::strerror(errno));
            logged = true;
        }
        ::close(inotify_fd_);
        inotify_fd_ = -1;
        wait(static_cast<int>(settings_.fallback_poll_ms));
    }
    return false;
}

bool Exporter::stop_requested() {
    signalfd_siginfo info;
    while (::read(signal_fd_, &info, sizeof(info)) == sizeof(info)) {
        RG_INFO("pgexport: signal %u: finishing the batch in hand, then exiting", info.ssi_signo);
        stop_ = true;
    }
    return stop_;
}

void Exporter::drain_inotify() {
    alignas(inotify_event) char buf[4096];
    while (::read(inotify_fd_, buf, sizeof(buf)) > 0) {
    }
}

bool Exporter::wait(int timeout_ms) {
    pollfd fds[2] = {{signal_fd_, POLLIN, 0}, {inotify_fd_, POLLIN, 0}};
    auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!stop_requested()) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            break;
        }
        int n = ::poll(fds, inotify_fd_ >= 0 ? 2 : 1, static_cast<int>(left.count()));
        if (n <= 0 || !(fds[1].revents & POLLIN)) {
            continue;
        }
        // Wake for segment changes only: our own cursor replacement also shows up here.
        bool segment = false;
        alignas(inotify_event) char buf[4096];
        ssize_t len;
        while ((len = ::read(inotify_fd_, buf, sizeof(buf))) > 0) {
            for (char* p = buf; p < buf + len;) {
                auto* event = reinterpret_cast<inotify_event*>(p);
                segment = segment || is_segment_event(event) || (event->mask & IN_Q_OVERFLOW);
                p += sizeof(inotify_event) + event->len;
            }
        }
        if (segment) {
            break;
        }
    }
    return !stop_;
}

bool Exporter::ensure_connected() {
    if (sink_.connected()) {
        return true;
    }
    if (sink_.connect()) {
        if (db_down_) {
            RG_INFO("pgexport: PostgreSQL %s reachable again after %u failed attempts",
                    describe_dsn(settings_.dsn).c_str(), failed_attempts_);
        } else {
            RG_INFO("pgexport: connected to PostgreSQL %s", describe_dsn(settings_.dsn).c_str());
        }
        db_down_ = false;
        failed_attempts_ = 0;
        backoff_ms_ = settings_.backoff_min_ms;
        return true;
    }
    on_db_failure("connect");
    return false;
}

// Logs the first failure of an episode only, then waits out the backoff (1 s doubling to
// 30 s); the cursor is not touched, so the same records are shipped once it is back.
void Exporter::on_db_failure(const char* what) {
    if (!db_down_) {
        RG_WARN(
            "pgexport: PostgreSQL %s unavailable (%s: %s); records wait in the spool, "
            "retrying with backoff up to %u ms",
            describe_dsn(settings_.dsn).c_str(), what, sink_.last_error().c_str(),
            settings_.backoff_max_ms);
        db_down_ = true;
    }
    ++failed_attempts_;
    sink_.disconnect();
    wait(static_cast<int>(backoff_ms_));
    backoff_ms_ =
        backoff_ms_ * 2 > settings_.backoff_max_ms ? settings_.backoff_max_ms : backoff_ms_ * 2;
}

void Exporter::maybe_apply_retention() {
    if (settings_.retention_s == 0 || Clock::now() < next_retention_) {
        return;
    }
    int64_t cutoff = unix_now_us() - static_cast<int64_t>(settings_.retention_s) * 1000000;
    uint64_t deleted = 0;
    if (!sink_.delete_before(cutoff, &deleted)) {
        RG_WARN("pgexport: retention delete failed: %s", sink_.last_error().c_str());
        return;  // retried on the next round
    }
    RG_INFO("pgexport: retention deleted %llu rows older than %llu s",
            static_cast<unsigned long long>(deleted),
            static_cast<unsigned long long>(settings_.retention_s));
    next_retention_ = Clock::now() + std::chrono::seconds(settings_.retention_interval_s);
}

bool Exporter::ship_once(bool* fault) {
    Result<void> read = tail_.read(settings_.batch_records_max, settings_.batch_bytes_max, &batch_);
    if (!read.ok()) {
        RG_WARN("pgexport: reading the spool: %s", read.error().context);
        return false;
    }
    if (batch_.empty()) {
        return false;
    }
    InsertOutcome outcome = sink_.insert(batch_.payloads);
    if (!outcome.committed) {
        on_db_failure("insert");
        return true;
    }
    if (outcome.rejected > 0) {
        RG_WARN(
            "pgexport: PostgreSQL refused %llu records of seq %llu..%llu as data (%s); "
            "skipped",
            static_cast<unsigned long long>(outcome.rejected),
            static_cast<unsigned long long>(batch_.first_seq),
            static_cast<unsigned long long>(batch_.last_seq), sink_.last_error().c_str());
    }
    Result<void> saved = tail_.commit(batch_);
    if (!saved.ok()) {
        RG_ERROR("pgexport: cannot save the cursor in %s: %s (errno %d)",
                 settings_.spool_dir.c_str(), saved.error().context, saved.error().sys_errno);
        *fault = true;
    }
    shipped_ += outcome.inserted;
    rejected_ += outcome.rejected;
    return true;
}

int Exporter::run() {
    if (!setup_signals()) {
        RG_ERROR("pgexport: cannot set up the signalfd: %s", std::strerror(errno));
        return 1;
    }
    if (!open_spool()) {
        return stop_ ? 0 : 1;
    }
    sd_notify("READY=1\nSTATUS=shipping the trace spool to PostgreSQL");
    RG_INFO("pgexport: reading %s as consumer '%s' from segment %llu offset %llu",
            settings_.spool_dir.c_str(), settings_.consumer.c_str(),
            static_cast<unsigned long long>(tail_.committed().segment),
            static_cast<unsigned long long>(tail_.committed().offset));
    bool fault = false;
    while (!fault && !stop_requested()) {
        if (!ensure_connected()) {
            continue;
        }
        maybe_apply_retention();
        if (!ship_once(&fault) && !fault) {
            wait(static_cast<int>(settings_.fallback_poll_ms));
        }
    }
    sd_notify("STOPPING=1");
    RG_INFO("pgexport: exiting; %llu rows inserted, %llu records refused",
            static_cast<unsigned long long>(shipped_), static_cast<unsigned long long>(rejected_));
    return fault ? 1 : 0;
}

}  // namespace rg::pgexport
