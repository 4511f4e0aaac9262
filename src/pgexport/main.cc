// ringgate-pgexport: ships ringgate's trace spool to PostgreSQL. A separate process because
// libpq links OpenSSL 3, which must not share a process with ringgate's BoringSSL.
#include <cstdio>

#include "base/log.h"
#include "pgexport/exporter.h"
#include "pgexport/settings.h"

int main(int argc, char** argv) {
    rg::pgexport::Settings settings;
    std::string error =
        rg::pgexport::parse_args(argc, argv, rg::pgexport::process_env(), &settings);
    if (settings.print_version) {
        std::printf("ringgate-pgexport %s\n", RG_VERSION);
        return 0;
    }
    if (!error.empty()) {
        std::fprintf(stderr, "ringgate-pgexport: %s\n", error.c_str());
        return 2;
    }
    rg::pgexport::Exporter exporter(settings);
    return exporter.run();
}
