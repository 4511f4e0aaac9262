// Conn: one accepted client connection (plain or TLS) on one worker. Reads and parses
// requests with llhttp (one at a time; pipelined requests wait in the input buffer),
// drives the Exchange the router decides on (delays, paced streams, faults) and writes
// with back-pressure. Shard-local: created, driven and released by its worker only.
#pragma once

#include <cstdint>

#include <llhttp.h>

#include "base/byte_buffer.h"
#include "mock/exchange.h"
#include "mock/request.h"

typedef struct ssl_st SSL;

namespace rg::mock {

class Worker;

class Conn {
  public:
    Conn(Worker* worker, int fd, SSL* ssl, uint32_t slot, uint64_t serial);
    ~Conn();
    Conn(const Conn&) = delete;
    Conn& operator=(const Conn&) = delete;

    void on_event(uint32_t events);
    void on_timer(uint64_t seq);
    void on_again() { drive(); }

    uint32_t slot() const { return slot_; }
    uint64_t serial() const { return serial_; }
    int fd() const { return fd_; }

    // llhttp callbacks (static trampolines live in conn.cc).
    int on_message_begin();
    int on_target(const char* at, size_t n);
    int on_header_name(const char* at, size_t n);
    int on_header_value(const char* at, size_t n);
    int on_header_done();
    int on_headers_complete();
    int on_body(const char* at, size_t n);
    int on_message_complete();

  private:
    enum class Phase : uint8_t {
        idle = 0,   // parsing requests
        waiting,    // a delayed reply or a stream head is due at a timer
        streaming,  // paced stream events
        parked,     // hang or stall: read and discard, never write again
        closing,    // flush, then close
        closed,
    };
    enum class CloseMode : uint8_t { graceful = 0, abrupt, reset };

    void drive();
    bool handshake();
    void read_input();
    void parse_input();
    void handle_request();
    void start_exchange();
    void finish_exchange();
    void after_reply();
    void start_stream();
    void advance_stream();
    bool apply_stream_fault(EventSink& sink);
    void flush();
    void on_peer_gone();
    void fail_request(uint16_t status, const char* message);
    void arm(uint64_t deadline_ns);
    void close_now(CloseMode mode);
    bool exchange_active() const {
        return phase_ == Phase::waiting || phase_ == Phase::streaming || phase_ == Phase::parked;
    }
    long raw_read(char* buf, size_t n);
    long raw_write(const char* buf, size_t n);

    Worker* worker_;
    int fd_;
    SSL* ssl_;
    uint32_t slot_;
    uint64_t serial_;
    uint64_t timer_seq_ = 0;
    Phase phase_ = Phase::idle;
    CloseMode close_mode_ = CloseMode::graceful;
    bool handshake_done_ = false;
    bool can_read_ = true;
    bool can_write_ = true;
    bool peer_eof_ = false;
    bool write_wants_read_ = false;
    bool read_wants_write_ = false;
    bool output_blocked_ = false;  // a stream paused for back-pressure
    bool request_ready_ = false;
    bool parse_error_ = false;
    uint16_t error_status_ = 400;
    llhttp_t parser_;
    Request req_;
    ByteBuffer in_;
    ByteBuffer out_;
    Exchange ex_;
};

}  // namespace rg::mock
