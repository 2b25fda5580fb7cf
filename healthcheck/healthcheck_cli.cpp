#include "healthcheck/healthcheck_cli.hpp"

#include <cstdio>

#include <CLI/CLI.hpp>

namespace keel::health {

void add_healthcheck_options(CLI::App& sub, HealthcheckArgs& args) {
    sub.add_option("URL", args.url, "http://, https://, tcp://HOST:PORT or unix:///PATH");
}

int run_healthcheck(const HealthcheckArgs&) {
    std::printf("unhealthy: keel healthcheck is not implemented yet\n");
    return 1;
}

}  // namespace keel::health
