// Constants that the kernel (6.x) supports but Debian's liburing 2.3 headers lack.
// Values checked against upstream liburing (shared/notes/platform.md section 1.1).
// Include this instead of <liburing.h> so every module sees the same definitions.
#pragma once

#include <liburing.h>

#ifndef IORING_SETUP_SINGLE_ISSUER
#error "liburing too old: IORING_SETUP_SINGLE_ISSUER missing"
#endif

// Feature bits newer than 2.3's header.
#ifndef IORING_FEAT_RECVSEND_BUNDLE
#define IORING_FEAT_RECVSEND_BUNDLE (1U << 14)
#endif

// Buffer-ring completions that may continue in the same buffer (6.12).
#ifndef IORING_CQE_F_BUF_MORE
#define IORING_CQE_F_BUF_MORE (1U << 4)
#endif

// Periodic timeouts (6.4).
#ifndef IORING_TIMEOUT_MULTISHOT
#define IORING_TIMEOUT_MULTISHOT (1U << 6)
#endif

// liburing 2.3 declares io_uring_enable_rings() but its shared object does not export it.
#ifndef IORING_REGISTER_ENABLE_RINGS
#define IORING_REGISTER_ENABLE_RINGS 12
#endif
