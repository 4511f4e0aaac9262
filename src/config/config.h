// The config module's public interface in one include: Snapshot, the loader, the summary and
// the value parsers. None of these headers exposes yaml-cpp.
#pragma once

#include "config/key_hash.h"
#include "config/loader.h"
#include "config/snapshot.h"
#include "config/summary.h"
#include "config/urls.h"
#include "config/values.h"
