// Options of the process and access logs. Plain data filled by config/ from `logging:`;
// read-only afterwards, as part of an immutable snapshot. The control thread applies them
// with log::set_level / set_format / set_target.
#pragma once

#include <string>

#include "base/log.h"

namespace rg::log {

struct Options {
    Level level = Level::info;
    std::string access_log = "stderr";  // "stderr" (journald) or an absolute file path
    Format format = Format::json;
};

}  // namespace rg::log
