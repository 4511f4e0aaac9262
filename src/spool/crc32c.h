// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of every spool record
// (the spool contract in README.md). SSE4.2's crc32 instruction when the CPU has it (checked
// once), else a slicing-by-8 table. Pure; any thread.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rg::spool {

// CRC-32C of data[0..size). `crc` continues a previous call (0 to start).
uint32_t crc32c(const void* data, size_t size, uint32_t crc = 0);

// The portable path, exposed so tests can check it against the hardware one.
uint32_t crc32c_portable(const void* data, size_t size, uint32_t crc = 0);

}  // namespace rg::spool
