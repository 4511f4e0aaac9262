// The parts of /health/detailed that are not about provider keys: what binary runs, which
// config is in force, and what each worker shard is doing. Appended as JSON members (each
// starting with a comma) to an object being written. Admin shard; reads other shards' rows
// with relaxed loads (proxy/worker_board.h).
#pragma once

#include "base/byte_buffer.h"
#include "proxy/worker_board.h"
#include "shard/settings.h"

namespace rg::proxy {

// ,"build":{"version","revision","compiler","build_type"}
void append_build_json(ByteBuffer& out);
// ,"config":{"version","loaded_at","file","sha256"}; nothing without settings.
void append_config_json(ByteBuffer& out, const shard::Settings* settings);
// ,"workers":[{"worker":0,"connections",...}, ...]; nothing without a board.
void append_workers_json(ByteBuffer& out, const WorkerBoard* board);

}  // namespace rg::proxy
