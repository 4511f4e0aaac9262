// RespConnection: one TCP connection to a Redis server, spoken in RESP2 with hiredis 0.14
// used only as a codec (redisFormatCommandArgv, redisReader); the socket is ours. Commands
// go out pipelined in rounds, and every wait has a deadline (poll), so a slow or dead
// server costs at most the timeout. Blocking calls: used only by the Redis thread
// (LimitsSync) and tests, never on a worker.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

struct redisReader;  // hiredis, included by resp_connection.cc only

namespace rg::redis {

// One reply, copied out of hiredis' tree.
struct Reply {
    enum class Type : uint8_t { nil, integer, string, status, error, array };
    Type type = Type::nil;
    int64_t integer = 0;
    std::string str;  // string, status and error text
    std::vector<Reply> elements;

    bool is_error() const { return type == Type::error; }
    // The integer of an integer reply, or of a string holding one; `fallback` otherwise.
    int64_t as_int(int64_t fallback = 0) const;
};

// A command as its arguments (the first is the command name).
using Command = std::vector<std::string>;

class RespConnection {
  public:
    RespConnection();
    ~RespConnection();
    RespConnection(const RespConnection&) = delete;
    RespConnection& operator=(const RespConnection&) = delete;

    // Connects to host:port (a name is resolved here: this thread may block on it).
    Result<void> connect(const std::string& host, uint16_t port, uint32_t timeout_ms);
    void close();
    bool connected() const { return fd_ >= 0; }

    // Sends `commands` in one write and reads one reply for each, in order, within
    // `timeout_ms` in all. A transport error, a protocol error or the timeout closes the
    // connection and fails; error replies are replies (the caller reads them).
    Result<void> round(const std::vector<Command>& commands, std::vector<Reply>* replies,
                       uint32_t timeout_ms);

  private:
    Result<void> send_all(std::string_view bytes, uint64_t deadline_ms);
    Result<void> read_replies(size_t count, std::vector<Reply>* replies, uint64_t deadline_ms);
    Result<void> fail(const char* context, int sys_errno);

    int fd_ = -1;
    redisReader* reader_ = nullptr;
    std::string out_;  // the round's commands, encoded
};

}  // namespace rg::redis
