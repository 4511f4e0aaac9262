#include "redis/limits_sync.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/clock.h"
#include "base/log.h"
#include "limits/utc_period.h"
#include "redis/scripts.h"

namespace rg::redis {
namespace {

constexpr auto relaxed = std::memory_order_relaxed;
constexpr uint64_t no_limit = limits::LimitRules::no_limit;
constexpr uint64_t never_ms = limits::RpsLease::never_ms;
constexpr uint32_t minute_slots = 64;

std::string num(int64_t v) {
    return std::to_string(v);
}

uint64_t minus(int64_t total, uint64_t own) {
    return total <= 0 || static_cast<uint64_t>(total) <= own ? 0
                                                             : static_cast<uint64_t>(total) - own;
}

}  // namespace

// One client key as this thread follows it: its state (kept alive here), its rules, its
// recent demand and what this instance has told Redis it used in each period.
struct LimitsSync::Track {
    std::string name;
    std::shared_ptr<limits::KeyState> state;
    limits::LimitRules rules;
    RpsLeaseRule rps;
    uint64_t last_admitted = 0;
    uint64_t last_turn_ms = 0;
    uint64_t last_active_ms = 0;
    uint64_t per_s = 0;
    uint64_t last_flush_ms = 0;
    uint64_t day_remaining = no_limit;  // the day's quota left in Redis as last seen
    int64_t day = -1;
    uint64_t own_tokens_day = 0;
    uint64_t own_cost_day = 0;
    int64_t month = -1;
    uint64_t own_cost_month = 0;
    int64_t minute_sec[minute_slots] = {};
    uint64_t minute_own[minute_slots] = {};

    bool counts_tokens() const {
        return rules.tokens_per_day != no_limit || rules.tokens_per_minute != no_limit;
    }
    bool counts_cost() const {
        return rules.budget_day_micro_usd != no_limit || rules.budget_month_micro_usd != no_limit;
    }
    bool leases_rps() const {
        return rules.requests.mode != limits::RequestRate::Mode::unlimited &&
               rules.requests.burst != 0;
    }
    bool leases_day() const { return rules.requests_per_day != no_limit && rules.requests_per_day; }
    std::string key(const std::string& prefix, const char* what) const {
        return prefix + name + ":" + what;
    }
};

// What one command of a round was for, to apply (or undo) its reply.
struct LimitsSync::Action {
    enum class Kind : uint8_t { rps, fixed, day, usage } kind;
    size_t track;
    uint64_t want = 0;
    int64_t day = 0;
    int64_t month = 0;
    int64_t second = 0;
    uint64_t tokens = 0;  // usage deltas sent
    uint64_t cost = 0;
    uint64_t requests = 0;
    uint64_t waiting = 0;  // parked requests this grant claims
};

LimitsSync::LimitsSync(SyncOptions options, limits::SharedLimits* shared)
    : options_(std::move(options)), shared_(shared) {}

LimitsSync::~LimitsSync() {
    stop();
    if (stop_fd_ >= 0) {
        ::close(stop_fd_);
    }
}

Result<void> LimitsSync::start() {
    stop_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (stop_fd_ < 0) {
        return Error::make(ErrorCode::io, "eventfd for the redis thread", errno);
    }
    thread_ = std::thread([this] { run(); });
    return ok_result();
}

void LimitsSync::stop() {
    if (!thread_.joinable()) {
        return;
    }
    stop_.store(true, std::memory_order_release);
    (void)eventfd_write(stop_fd_, 1);
    thread_.join();
}

void LimitsSync::watch(std::shared_ptr<const limits::ClientKeyTable> table) {
    std::lock_guard<std::mutex> lock(table_mu_);
    next_table_ = std::move(table);
    table_changed_ = true;
}

SyncCounts LimitsSync::counts() const {
    return SyncCounts{up_.load(relaxed),      connects_.load(relaxed),  failures_.load(relaxed),
                      rounds_.load(relaxed),  errors_.load(relaxed),    permits_.load(relaxed),
                      dropped_.load(relaxed), reconciled_.load(relaxed)};
}

// --- The thread ---------------------------------------------------------------------

void LimitsSync::run() {
    pthread_setname_np(pthread_self(), "rg-redis");
    while (!stop_.load(std::memory_order_acquire)) {
        adopt_table();
        if (!conn_.connected() && !connect_session()) {
            wait_ms(backoff_ms_);
            continue;
        }
        if (!turn(monotonic_ms())) {
            continue;  // disconnected() ran; retry after the backoff
        }
        wait_ms(options_.tick_ms);
    }
    if (conn_.connected()) {
        return_day_leases();
    }
    conn_.close();
}

// Sleeps until a worker asks for permits, stop() is called, or `ms` pass.
void LimitsSync::wait_ms(uint64_t ms) {
    pollfd fds[2] = {{shared_->thread_fd(), POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    if (::poll(fds, 2, static_cast<int>(ms)) > 0 && (fds[0].revents & POLLIN)) {
        eventfd_t drained;
        (void)eventfd_read(shared_->thread_fd(), &drained);
    }
}

bool LimitsSync::connect_session() {
    auto c = conn_.connect(options_.host, options_.port, options_.timeout_ms);
    std::vector<Command> setup;
    if (!options_.password.empty()) {
        setup.push_back(options_.username.empty()
                            ? Command{"AUTH", options_.password}
                            : Command{"AUTH", options_.username, options_.password});
    }
    setup.push_back(Command{"SELECT", num(options_.db)});
    std::vector<Reply> replies;
    if (c.ok()) {
        c = conn_.round(setup, &replies, options_.timeout_ms);
    }
    for (const Reply& r : replies) {
        if (c.ok() && r.is_error()) {
            c = Error::make(ErrorCode::protocol, "redis refused AUTH or SELECT");
        }
    }
    if (!c.ok()) {
        disconnected(c.error().context);
        return false;
    }
    connects_.fetch_add(1, relaxed);
    return true;
}

void LimitsSync::disconnected(const char* why) {
    conn_.close();
    backoff_ms_ = backoff_ms_ == 0 ? options_.backoff_min_ms
                                   : std::min<uint64_t>(backoff_ms_ * 2, options_.backoff_max_ms);
    up_.store(0, relaxed);
    if (shared_->set_up(false) || !ever_up_) {
        if (ever_up_) {
            failures_.fetch_add(1, relaxed);
        }
        ever_up_ = true;  // log the first failure at start once, like a transition
        RG_WARN("redis %s:%u unreachable (%s): client-key limits %s until it answers",
                options_.host.c_str(), options_.port, why,
                shared_->failure() == limits::RedisFailure::open
                    ? "fall back to this instance's own limiter"
                    : "refuse requests (503)");
    }
}

void LimitsSync::adopt_table() {
    std::shared_ptr<const limits::ClientKeyTable> table;
    {
        std::lock_guard<std::mutex> lock(table_mu_);
        if (!table_changed_) {
            return;
        }
        table = std::move(next_table_);
        table_changed_ = false;
    }
    std::vector<std::unique_ptr<Track>> next;
    for (size_t i = 0; table != nullptr && i < table->size(); ++i) {
        const limits::ClientKey& k = table->key(i);
        if (!k.rules().any()) {
            continue;
        }
        auto t = std::make_unique<Track>();
        for (auto& old : tracks_) {
            if (old != nullptr && old->name == k.name()) {
                t = std::move(old);  // own usage told so far carries over, like the state
                break;
            }
        }
        t->name = k.name();
        t->state = k.shared_state();
        t->rules = k.rules();
        t->rps = rps_lease_rule(k.rules().requests);
        next.push_back(std::move(t));
    }
    tracks_ = std::move(next);
}

// One round trip: every lease that needs filling and every usage flush that is due.
bool LimitsSync::turn(uint64_t now_ms) {
    const int64_t wall = static_cast<int64_t>(wall_ms());
    std::vector<Command> commands;
    std::vector<Action> actions;
    for (size_t i = 0; i < tracks_.size(); ++i) {
        plan(*tracks_[i], i, now_ms, wall, &commands, &actions);
    }
    if (commands.empty() && shared_->up() && now_ms - last_round_ms_ < options_.flush_ms) {
        return true;
    }
    if (commands.empty()) {
        // Nothing to lease or tell: a heartbeat, so an outage is seen before a request
        // needs Redis (and a return is seen at all).
        commands.push_back(Command{"PING"});
    }
    last_round_ms_ = now_ms;
    std::vector<Reply> replies;
    const uint64_t sent = monotonic_ms();
    auto done = round_with_scripts(conn_, commands, &replies, options_.timeout_ms);
    rounds_.fetch_add(1, relaxed);
    if (!done.ok()) {
        for (const Action& a : actions) {
            undo(a);
        }
        disconnected(done.error().context);
        return false;
    }
    for (size_t i = 0; i < actions.size(); ++i) {
        apply(actions[i], replies[i], sent);
    }
    backoff_ms_ = 0;
    up_.store(1, relaxed);
    if (shared_->set_up(true)) {
        ever_up_ = true;
        RG_INFO("redis %s:%u answers: client-key limits are shared again", options_.host.c_str(),
                options_.port);
    }
    shared_->wake_waiting_shards();
    return true;
}

void LimitsSync::plan(Track& t, size_t index, uint64_t now_ms, int64_t wall,
                      std::vector<Command>* commands, std::vector<Action>* actions) {
    limits::SharedKeyState& sh = t.state->shared;
    const uint64_t admitted = t.state->counters.admitted.load(relaxed);
    if (t.last_turn_ms != 0 && now_ms > t.last_turn_ms) {
        // Exponential average with a time constant of about a second: one request seen
        // in a 10 ms turn is 1/s, not 100/s.
        const uint64_t delta = admitted - t.last_admitted;
        const uint64_t dt = std::min<uint64_t>(now_ms - t.last_turn_ms, 1000);
        const uint64_t rate = delta * 1000 / (now_ms - t.last_turn_ms);
        t.per_s = (t.per_s * (1000 - dt) + rate * dt) / 1000;
        if (delta != 0) {
            t.last_active_ms = now_ms;
        }
    }
    t.last_admitted = admitted;
    t.last_turn_ms = now_ms;
    Demand d;
    d.per_s = t.per_s;
    d.active = t.last_active_ms != 0 && now_ms - t.last_active_ms < 1000;
    const uint32_t waiting = sh.waiting.exchange(0, std::memory_order_acq_rel);
    const int64_t day = limits::utc_day(wall);
    if (t.leases_day()) {
        d.waiting = waiting;
        const uint64_t want =
            sh.day_denied.load(relaxed) == day + 1 && waiting == 0
                ? 0
                : day_want(t.rules.requests_per_day, t.day_remaining, d, sh.day.left(day));
        if (want != 0) {
            const uint64_t ttl = limits::ms_until_next_day(wall) + limits::ms_per_day;
            commands->push_back(evalsha(counter_lease_script(),
                                        {t.key(options_.prefix, "rq:") + num(day)},
                                        {num(t.rules.requests_per_day), num(want), num(ttl)}));
            actions->push_back(Action{Action::Kind::day, index, want, day, 0, 0, 0, 0, 0, waiting});
        }
    }
    if (t.leases_rps()) {
        d.waiting = waiting;
        const uint64_t expiry = sh.rps.expiry_ms();
        const bool renew = !t.rps.fixed && expiry < now_ms + t.rps.lease_ms / 2;
        const uint64_t denied = sh.rps_denied_until_ms.load(relaxed);
        const uint64_t want =
            denied > now_ms && waiting == 0 ? 0 : rps_want(t.rps, d, sh.rps.left(now_ms), renew);
        if (want != 0 && t.rps.fixed) {
            commands->push_back(evalsha(counter_lease_script(), {t.key(options_.prefix, "fixed")},
                                        {num(t.rules.requests.burst), num(want), "0"}));
            actions->push_back(Action{Action::Kind::fixed, index, want, 0, 0, 0, 0, 0, 0, waiting});
        } else if (want != 0) {
            commands->push_back(
                evalsha(gcra_lease_script(), {t.key(options_.prefix, "rps")},
                        {num(t.rps.interval_us), num(t.rps.tolerance_us), num(want)}));
            actions->push_back(Action{Action::Kind::rps, index, want, 0, 0, 0, 0, 0, 0, waiting});
        }
    }
    if (!t.leases_day() && !t.leases_rps() && waiting != 0) {
        sh.waiting.fetch_add(waiting, relaxed);  // nothing to claim for: not ours
    }
    if (now_ms - t.last_flush_ms >= options_.flush_ms || !shared_->up()) {
        t.last_flush_ms = now_ms;
        plan_flush(t, index, wall, commands, actions);
    }
}

void LimitsSync::plan_flush(Track& t, size_t index, int64_t wall, std::vector<Command>* commands,
                            std::vector<Action>* actions) {
    limits::SharedKeyState& sh = t.state->shared;
    // Usage of dimensions without a limit is not kept in Redis.
    const uint64_t tokens = sh.pending_tokens.exchange(0, std::memory_order_acq_rel);
    const uint64_t cost = sh.pending_cost_micro_usd.exchange(0, std::memory_order_acq_rel);
    const uint64_t requests = sh.pending_requests.exchange(0, std::memory_order_acq_rel);
    Action a{Action::Kind::usage,
             index,
             0,
             limits::utc_day(wall),
             limits::utc_month(wall),
             wall / 1000,
             t.counts_tokens() ? tokens : 0,
             t.counts_cost() ? cost : 0,
             requests,
             0};
    if (!t.counts_tokens() && !t.counts_cost() && a.requests == 0) {
        return;
    }
    const uint64_t day_ttl = limits::ms_until_next_day(wall) + limits::ms_per_day;
    const uint64_t month_ttl = limits::ms_until_next_month(wall) + limits::ms_per_day;
    const std::string& p = options_.prefix;
    commands->push_back(evalsha(usage_script(),
                                {t.key(p, "tk:") + num(a.day), t.key(p, "cd:") + num(a.day),
                                 t.key(p, "cm:") + num(a.month), t.key(p, "rq:") + num(a.day)},
                                {num(a.tokens), num(a.cost), num(a.requests), num(day_ttl),
                                 num(month_ttl), t.key(p, "tm:"), num(a.second), num(a.tokens)}));
    actions->push_back(a);
}

// A round failed: usage not told goes back to pending (told after reconnection); parked
// requests are woken by the down transition and decide by the failure rule.
void LimitsSync::undo(const Action& a) {
    if (a.kind != Action::Kind::usage) {
        return;
    }
    limits::SharedKeyState& sh = tracks_[a.track]->state->shared;
    sh.pending_tokens.fetch_add(a.tokens, relaxed);
    sh.pending_cost_micro_usd.fetch_add(a.cost, relaxed);
    sh.pending_requests.fetch_add(a.requests, relaxed);
}

void LimitsSync::apply(const Action& a, const Reply& r, uint64_t sent_ms) {
    Track& t = *tracks_[a.track];
    limits::SharedKeyState& sh = t.state->shared;
    if (r.type != Reply::Type::array || r.elements.size() < 2) {
        errors_.fetch_add(1, relaxed);
        RG_ERROR("redis: %s script failed for key %s: %s",
                 a.kind == Action::Kind::usage ? "usage" : "lease", t.name.c_str(), r.str.c_str());
        undo(a);
        return;
    }
    const uint64_t granted = static_cast<uint64_t>(std::max<int64_t>(0, r.elements[0].as_int()));
    const uint64_t now = monotonic_ms();
    switch (a.kind) {
        case Action::Kind::rps: {
            // Usable until sent + lease_ms: Redis granted them at some instant after
            // `sent_ms`, and the tolerance it applied leaves lease_ms of room.
            dropped_.fetch_add(
                sh.rps.refill(granted, sent_ms + t.rps.lease_ms, now + t.rps.lease_ms / 4),
                relaxed);
            const uint64_t wait_ms = (static_cast<uint64_t>(r.elements[1].as_int()) + 999) / 1000;
            sh.rps_denied_until_ms.store(
                granted < a.want ? now + std::max<uint64_t>(wait_ms, 1) : 0,
                std::memory_order_release);
            break;
        }
        case Action::Kind::fixed:
            sh.rps.refill(granted, never_ms, 0);
            sh.rps_denied_until_ms.store(granted < a.want ? never_ms : 0,
                                         std::memory_order_release);
            break;
        case Action::Kind::day: {
            sh.day.grant(a.day, granted);
            const int64_t used = r.elements[1].as_int();
            t.day_remaining = minus(static_cast<int64_t>(t.rules.requests_per_day),
                                    static_cast<uint64_t>(std::max<int64_t>(0, used)));
            if (granted < a.want) {
                sh.day_denied.store(a.day + 1, std::memory_order_release);
            }
            break;
        }
        case Action::Kind::usage:
            apply_usage(t, a, r.elements);
            return;
    }
    permits_.fetch_add(granted, relaxed);
}

void LimitsSync::apply_usage(Track& t, const Action& a, const std::vector<Reply>& v) {
    if (v.size() < 5) {
        errors_.fetch_add(1, relaxed);
        return;
    }
    limits::SharedKeyState& sh = t.state->shared;
    if (t.day != a.day) {
        t.day = a.day;
        t.own_tokens_day = t.own_cost_day = 0;
    }
    if (t.month != a.month) {
        t.month = a.month;
        t.own_cost_month = 0;
    }
    t.own_tokens_day += a.tokens;
    t.own_cost_day += a.cost;
    t.own_cost_month += a.cost;
    const uint32_t slot = static_cast<uint32_t>(a.second) % minute_slots;
    if (t.minute_sec[slot] != a.second) {
        t.minute_sec[slot] = a.second;
        t.minute_own[slot] = 0;
    }
    t.minute_own[slot] += a.tokens;
    uint64_t own_minute = 0;
    for (uint32_t i = 0; i < minute_slots; ++i) {
        if (t.minute_sec[i] > a.second - 61 && t.minute_sec[i] <= a.second) {
            own_minute += t.minute_own[i];
        }
    }
    sh.others_tokens_day.store(a.day, minus(v[0].as_int(), t.own_tokens_day));
    sh.others_cost_day_micro_usd.store(a.day, minus(v[1].as_int(), t.own_cost_day));
    sh.others_cost_month_micro_usd.store(a.month, minus(v[2].as_int(), t.own_cost_month));
    sh.others_tokens_minute.store(minus(v[4].as_int(), own_minute), relaxed);
    if (t.leases_day()) {
        t.day_remaining = minus(static_cast<int64_t>(t.rules.requests_per_day),
                                static_cast<uint64_t>(std::max<int64_t>(0, v[3].as_int())));
    }
    reconciled_.fetch_add(a.requests, relaxed);
}

// At stop: day permits leased but never used go back, so the quota is not lost.
void LimitsSync::return_day_leases() {
    const int64_t day = limits::utc_day(static_cast<int64_t>(wall_ms()));
    std::vector<Command> commands;
    for (auto& t : tracks_) {
        const uint64_t left = t->leases_day() ? t->state->shared.day.drain(day) : 0;
        if (left != 0) {
            commands.push_back(
                Command{"DECRBY", t->key(options_.prefix, "rq:") + num(day), num(left)});
        }
    }
    std::vector<Reply> replies;
    if (!commands.empty()) {
        (void)conn_.round(commands, &replies, options_.timeout_ms);
    }
}

}  // namespace rg::redis
