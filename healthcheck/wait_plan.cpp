#include "healthcheck/wait_plan.hpp"

#include <algorithm>

#include "common/text.hpp"
#include "healthcheck/url.hpp"

namespace keel::health {
namespace {

Result<std::string> percent_decoded(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\0') return fail("a NUL byte cannot be in a path");
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        const int high = i + 2 < text.size() ? ascii_hex_value(text[i + 1]) : -1;
        const int low = high >= 0 ? ascii_hex_value(text[i + 2]) : -1;
        if (low < 0) return fail("'%' must start an escape such as %2C");
        const char decoded = static_cast<char>(high * 16 + low);
        if (decoded == '\0') return fail("%00 (a NUL byte) cannot be in a path");
        out += decoded;
        i += 2;
    }
    return out;
}

Result<WaitTarget> file_target(std::string_view text) {
    constexpr std::string_view prefix = "file://";
    std::string_view rest = text.substr(prefix.size());
    if (!rest.starts_with('/')) {
        return fail("invalid target '" + without_userinfo(text) + "': a file target is file:///ABSOLUTE/PATH");
    }
    auto path = percent_decoded(rest);
    if (!path) return fail("invalid target '" + without_userinfo(text) + "': " + path.error());
    WaitTarget target;
    target.label = std::string(text);
    target.file = true;
    target.path = std::move(path).value();
    return target;
}

}  // namespace

Duration Backoff::delay_after(int tries, bool refused) const {
    const Duration ceiling = std::max(refused ? std::min(refused_cap, cap) : cap, interval);
    Duration delay = interval;
    for (int i = 1; i < tries && delay < ceiling; ++i) delay *= 2;
    return std::min(delay, ceiling);
}

Duration attempt_time(std::optional<Duration> left) {
    if (!left) return max_attempt_time;
    return std::clamp(*left, Duration{1}, max_attempt_time);
}

Result<std::optional<Duration>> parse_wait_timeout(std::string_view text) {
    if (text == "0") return std::optional<Duration>();
    auto parsed = parse_duration(text);
    if (!parsed) return fail(parsed.error());
    if (parsed.value().count() == 0) return std::optional<Duration>();
    return std::optional<Duration>(parsed.value());
}

Result<Duration> parse_wait_interval(std::string_view text) {
    auto parsed = parse_duration(text);
    if (parsed && parsed.value().count() == 0) return fail("must be longer than 0");
    return parsed;
}

Result<WaitTarget> make_wait_target(std::string_view text, const HealthcheckArgs& options) {
    if (text.empty()) return fail("empty target: give HOST:PORT or a URL");
    if (text.starts_with("file://")) return file_target(text);
    const bool bare = text.find("://") == std::string_view::npos;
    HealthcheckArgs args = options;
    args.url = bare ? "tcp://" + std::string(text) : std::string(text);
    // A client certificate is for the TLS targets among them; the others just do not use it.
    const auto url = parse_probe_url(args.url);
    if (!url || (url.value().scheme != Scheme::https && url.value().scheme != Scheme::grpcs)) {
        args.cert.reset();
        args.key.reset();
    }
    auto config = make_probe_config(args, [](std::string_view, const std::string&) { return std::string(); });
    if (!config) {
        // A bare word that is not HOST:PORT says so; an option's error is the option's.
        if (bare && !url) {
            return fail("invalid target '" + without_userinfo(text) +
                        "': give HOST:PORT or a URL (http://, https://, tcp://, unix://, file://)");
        }
        return fail(config.error());
    }
    WaitTarget target;
    target.label = std::string(text);
    target.probe = std::move(config).value();
    return target;
}

Result<WaitTarget> parse_wait_target(std::string_view text) { return make_wait_target(text, HealthcheckArgs{}); }

std::string check_path_option(std::string_view text) { return text.empty() ? "needs a path" : ""; }

Result<WaitPlan> make_wait_plan(const WaitArgs& args) {
    WaitPlan plan;
    auto deadline = parse_wait_timeout(args.timeout);
    if (!deadline) return fail("timeout '" + args.timeout + "': " + deadline.error());
    plan.deadline = deadline.value();
    auto interval = parse_wait_interval(args.interval);
    if (!interval) return fail("interval '" + args.interval + "': " + interval.error());
    plan.backoff.interval = interval.value();
    // The probe's own options, as `keel healthcheck` would take them; the time of each try is
    // set per try (attempt_time).
    HealthcheckArgs probe_options;
    probe_options.expect_status = args.expect_status;
    probe_options.insecure = args.insecure ? "true" : "";
    if (!args.ca_file.empty()) probe_options.ca_file = args.ca_file;
    if (args.cert.empty() != args.key.empty()) {
        return fail(args.cert.empty() ? "a client key needs its certificate (--cert, or --wait-cert for the supervisor)"
                                      : "a client certificate needs its key (--key, or --wait-key for the supervisor)");
    }
    if (!args.cert.empty()) {
        probe_options.cert = args.cert;
        probe_options.key = args.key;
    }
    for (const std::string& text : args.targets) {
        auto target = make_wait_target(text, probe_options);
        if (!target) return fail(target.error());
        plan.targets.push_back(std::move(target).value());
    }
    return plan;
}

}  // namespace keel::health
