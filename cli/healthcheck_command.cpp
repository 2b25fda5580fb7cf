#include "cli/healthcheck_command.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <exception>

#include <boost/system/system_error.hpp>

#include "cli/env_options.hpp"
#include "common/sys/io.hpp"
#include "common/sys/read_file.hpp"
#include "common/text.hpp"
#include "healthcheck/probe.hpp"
#include "healthcheck/probe_config.hpp"

namespace keel::cli {
namespace {

constexpr std::size_t max_line_length = 1024;

// " (from KEEL_HEALTHCHECK_TIMEOUT)" when that variable holds the rejected value.
std::string env_origin(std::string_view option, const std::string& value) {
    const std::string name(option.starts_with("--") ? option.substr(2) : option);
    const std::string variable = env_name_for("KEEL_HEALTHCHECK_", name);
    const char* set = std::getenv(variable.c_str());
    return set != nullptr && value == set ? " (from " + variable + ")" : "";
}

// Exactly one line, whatever the server or the user put in a message. write(2) rather than stdio:
// nothing else writes to stdout here, and the probe is measured against busybox wget.
void print_line(bool healthy, const std::string& message) {
    std::string line = healthy ? "healthy: " : "unhealthy: ";
    for (const char c : message) {
        if (line.size() == max_line_length) break;
        line += is_ascii_control(c) ? '?' : c;
    }
    line += '\n';
    (void)sys::write_all(STDOUT_FILENO, line);  // stdout closed: the exit code still says it all
}

}  // namespace

int reject_healthcheck(const std::string& reason) {
    print_line(false, reason);
    return 1;
}

int run_healthcheck(const health::HealthcheckArgs& args) {
    try {
        auto config = health::make_probe_config(args, env_origin, [](const std::string& path) {
            return sys::read_small_file(path, health::max_header_file_size);
        });
        if (!config) {
            print_line(false, config.error());
            return 1;
        }
        const health::ProbeOutcome outcome = health::run_probe(config.value());
        print_line(outcome.healthy, outcome.message);
        return outcome.healthy ? 0 : 1;
    } catch (const boost::system::system_error& error) {
        // Asio could not create its event loop (epoll, eventfd): out of descriptors, typically.
        print_line(false, "cannot start the probe: " + lowercase_first(error.code().message()));
        return 1;
    } catch (const std::exception& error) {
        // Only other resource exhaustion gets here (bad_alloc, no thread): still one line, exit 1.
        print_line(false, std::string("keel failed: ") + error.what());
        return 1;
    }
}

}  // namespace keel::cli
