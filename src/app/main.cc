// ringgate: an LLM API gateway. Everything lives in libraries; see app/cli.cc.
#include "app/cli.h"

int main(int argc, char** argv) {
    return rg::app::main(argc, argv);
}
