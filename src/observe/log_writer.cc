#include "observe/log_writer.h"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "base/assert.h"

namespace rg::observe {
namespace {

uint64_t wall_us() {
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000ull +
           static_cast<uint64_t>(ts.tv_nsec) / 1000ull;
}

void bump(std::atomic<uint64_t>& c, uint64_t n) {
    c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

std::string file_path(const std::string& p) {
    return p == "stderr" ? std::string() : p;
}

}  // namespace

// --- LogProducer --------------------------------------------------------------------

LogProducer::LogProducer(uint32_t access_records, uint32_t audit_records, bool access_off)
    : access_(access_off ? 2 : access_records), audit_(audit_records), access_off_(access_off) {}

bool LogProducer::push(const AccessRecord& r) {
    if (access_off_) {
        return false;
    }
    AccessSlot* slot = access_.reserve();
    if (slot == nullptr) {
        count(access_dropped_);
        return false;
    }
    slot->fill(r);
    if (slot->time_unix_us == 0) {
        slot->time_unix_us = wall_us();
    }
    access_.commit();
    return true;
}

bool LogProducer::push(const AuditRecord& r) {
    AuditSlot* slot = audit_.reserve();
    if (slot == nullptr) {
        count(audit_dropped_);
        return false;
    }
    slot->fill(r);
    if (slot->time_unix_us == 0) {
        slot->time_unix_us = wall_us();
    }
    audit_.commit();
    return true;
}

// --- Sink ---------------------------------------------------------------------------

bool LogWriter::Sink::open() {
    if (path.empty()) {
        fd = STDERR_FILENO;
        return true;
    }
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    return fd >= 0;
}

bool LogWriter::Sink::reopen() {
    if (path.empty()) {
        return true;
    }
    int fresh = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fresh < 0) {
        return false;  // keep writing to the old file rather than lose lines
    }
    close();
    fd = fresh;
    return true;
}

void LogWriter::Sink::close() {
    if (fd >= 0 && fd != STDERR_FILENO) {
        ::close(fd);
    }
    fd = -1;
}

// --- LogWriter ----------------------------------------------------------------------

LogWriter::LogWriter(LogWriterOptions options) : options_(std::move(options)) {
    access_off_ = options_.access_path == "off";
    // With the access log off, the access sink is stderr and carries only audit lines.
    access_.path = access_off_ ? std::string() : file_path(options_.access_path);
    separate_audit_ = !options_.audit_path.empty();
    audit_.path = file_path(options_.audit_path);
    access_.batch.reserve(limits::writer_batch_bytes);
    audit_.batch.reserve(separate_audit_ ? limits::writer_batch_bytes : 0);
}

LogWriter::~LogWriter() {
    stop();
}

bool LogWriter::start() {
    RG_ASSERT(!running_);
    if (!access_.open()) {
        return false;
    }
    if (separate_audit_ && !audit_.open()) {
        int saved = errno;
        access_.close();
        errno = saved;
        return false;
    }
    stop_ = false;
    running_ = true;
    thread_ = std::thread([this] { run(); });
    return true;
}

LogProducer& LogWriter::add_producer() {
    uint32_t n = producer_count_.load(std::memory_order_relaxed);
    RG_ASSERT(n < limits::log_producers_max);
    owned_.push_back(std::make_unique<LogProducer>(options_.access_ring_records,
                                                   options_.audit_ring_records, access_off_));
    producers_[n].store(owned_.back().get(), std::memory_order_release);
    producer_count_.store(n + 1, std::memory_order_release);
    return *owned_.back();
}

bool LogWriter::reopen() {
    if (!running_) {
        return do_reopen();
    }
    std::unique_lock<std::mutex> lock(mu_);
    uint64_t ticket = ++reopen_requested_seq_;
    wake_.notify_one();
    done_.wait(lock, [&] { return reopen_done_seq_ >= ticket; });
    return reopen_ok_;
}

void LogWriter::flush() {
    if (!running_) {
        return;
    }
    std::unique_lock<std::mutex> lock(mu_);
    uint64_t ticket = ++flush_requested_;
    wake_.notify_one();
    done_.wait(lock, [&] { return flush_done_ >= ticket; });
}

void LogWriter::stop() {
    if (!running_) {
        return;
    }
    {
        std::lock_guard<std::mutex> lock(mu_);
        stop_ = true;
    }
    wake_.notify_one();
    thread_.join();
    running_ = false;
    access_.close();
    audit_.close();
}

uint64_t LogWriter::access_dropped() const {
    uint64_t total = 0;
    uint32_t n = producer_count_.load(std::memory_order_acquire);
    for (uint32_t i = 0; i < n; ++i) {
        total += producers_[i].load(std::memory_order_acquire)->access_dropped();
    }
    return total;
}

uint64_t LogWriter::audit_dropped() const {
    uint64_t total = 0;
    uint32_t n = producer_count_.load(std::memory_order_acquire);
    for (uint32_t i = 0; i < n; ++i) {
        total += producers_[i].load(std::memory_order_acquire)->audit_dropped();
    }
    return total;
}

bool LogWriter::do_reopen() {
    bool ok = access_.reopen();
    if (separate_audit_) {
        ok = audit_.reopen() && ok;
    }
    return ok;
}

void LogWriter::run() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
        const bool stopping = stop_;
        const uint64_t flush_ticket = flush_requested_;
        const uint64_t reopen_ticket = reopen_requested_seq_;
        const bool reopen = reopen_ticket != reopen_done_seq_ ||
                            reopen_requested_.exchange(false, std::memory_order_relaxed);
        lock.unlock();
        bool ok = reopen ? do_reopen() : true;
        // Every record committed before the lock above was taken is drained here.
        bool busy = drain_all();
        lock.lock();
        if (reopen) {
            reopen_done_seq_ = reopen_ticket;
            reopen_ok_ = ok;
        }
        flush_done_ = flush_ticket;
        done_.notify_all();
        if (stopping) {
            return;
        }
        if (!busy) {
            wake_.wait_for(lock, std::chrono::milliseconds(options_.interval_ms), [&] {
                return stop_ || flush_requested_ != flush_done_ ||
                       reopen_requested_seq_ != reopen_done_seq_;
            });
        }
    }
}

bool LogWriter::drain_all() {
    bool busy = false;
    Sink& audit_sink = separate_audit_ ? audit_ : access_;
    const uint32_t n = producer_count_.load(std::memory_order_acquire);
    for (uint32_t i = 0; i < n; ++i) {
        LogProducer* p = producers_[i].load(std::memory_order_acquire);
        uint32_t a = p->access_.drain([&](const AccessSlot& s) {
            append(access_, line_, format_access(s, line_, sizeof(line_)));
        });
        uint32_t b = p->audit_.drain([&](const AuditSlot& s) {
            append(audit_sink, line_, format_audit(s, line_, sizeof(line_)));
        });
        bump(access_written_, a);
        bump(audit_written_, b);
        // A ring a quarter full after one interval: go round again without sleeping. (At
        // least one record: the 2-slot ring of a disabled access log must not spin.)
        busy = busy || (a > 0 && a >= p->access_.capacity() / 4) ||
               (b > 0 && b >= p->audit_.capacity() / 4);
    }
    write_out(access_);
    if (separate_audit_) {
        write_out(audit_);
    }
    return busy;
}

void LogWriter::append(Sink& sink, const char* line, size_t n) {
    if (sink.batch.size() + n > limits::writer_batch_bytes) {
        write_out(sink);
    }
    sink.batch.append(line, n);
}

void LogWriter::write_out(Sink& sink) {
    size_t off = 0;
    while (off < sink.batch.size()) {
        ssize_t w = ::write(sink.fd, sink.batch.data() + off, sink.batch.size() - off);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            bump(write_errors_, 1);  // the rest of the batch is lost; counted, not retried
            break;
        }
        off += static_cast<size_t>(w);
    }
    sink.batch.clear();
}

}  // namespace rg::observe
