// Command-line entry points: run, --check-config, --version, hash-key. Control thread.
#pragma once

namespace rg::app {

// Parses argv and runs the requested command; returns the process exit code.
int main(int argc, char** argv);

}  // namespace rg::app
