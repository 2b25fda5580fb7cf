#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/command_line.hpp"
#include "cli/direct_parse.hpp"
#include "cli/env_options.hpp"
#include "cli/option_specs.hpp"

// keel parses the usual ENTRYPOINT lines itself (cli/direct_parse.hpp) and hands every other line
// to CLI11. That is only right while, for every line the direct parser accepts, CLI11 accepts it
// too and yields the same options and PROGRAM. These cases hold the two together.

namespace {

using keel::cli::SupervisorCommand;

// What CLI11 makes of a command line under the current environment; nullopt when it rejects it
// or when the line is not the supervisor's (a subcommand, --help, --version).
std::optional<SupervisorCommand> parse_with_cli11(const std::vector<std::string>& args) {
    keel::cli::CommandLine line;
    keel::cli::SplitArgs split = line.split(args);
    try {
        line.parse(split);
    } catch (const CLI::ParseError&) {
        return std::nullopt;
    }
    if (line.healthcheck_parsed() || line.check_parsed() || line.version_parsed() || split.program.empty()) {
        return std::nullopt;
    }
    return SupervisorCommand{line.global, line.supervisor, split.program};
}

std::optional<SupervisorCommand> parse_directly(const std::vector<std::string>& args) {
    return keel::cli::parse_supervisor_directly(args, environ);
}

// Removes every KEEL_* variable, so each case sees only its own.
void clear_keel_environment() {
    std::vector<std::string> names;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        const std::string_view text = *entry;
        if (text.rfind("KEEL_", 0) == 0) names.emplace_back(text.substr(0, text.find('=')));
    }
    for (const auto& name : names) unsetenv(name.c_str());
}

std::string describe(const std::vector<std::string>& args) {
    std::string text;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        if (std::string_view(*entry).rfind("KEEL_", 0) == 0) text += std::string(*entry) + " ";
    }
    text += "keel";
    for (const auto& arg : args) text += " [" + arg + "]";
    return text;
}

std::string describe(const std::optional<SupervisorCommand>& command) {
    if (!command) return "(none)";
    std::string text = "log " + command->global.log_level + "/" + command->global.log_format + ", user '" +
                       command->supervisor.user + "', require '" + command->supervisor.require + "', grace '" +
                       command->supervisor.grace + "', group " + std::to_string(command->supervisor.process_group) +
                       ", warn-only " + std::to_string(command->supervisor.warn_only) + ", rewrite";
    for (const auto& rule : command->supervisor.rewrite) text += " " + rule;
    text += ", success-exit";
    for (const int code : command->supervisor.success_exits) text += " " + std::to_string(code);
    text += ", program";
    for (const auto& word : command->program) text += " [" + word + "]";
    return text;
}

// Clears the KEEL_* variables for a test and puts the runner's back (KEEL_TEST_DATA_DIR) after it.
class EnvGuard {
public:
    EnvGuard() {
        for (char** entry = environ; *entry != nullptr; ++entry) {
            if (std::string_view(*entry).rfind("KEEL_", 0) == 0) saved_.emplace_back(*entry);
        }
        clear_keel_environment();
    }
    ~EnvGuard() {
        clear_keel_environment();
        for (const std::string& entry : saved_) {
            const std::size_t equals = entry.find('=');
            setenv(entry.substr(0, equals).c_str(), entry.substr(equals + 1).c_str(), 1);
        }
    }
    EnvGuard(const EnvGuard&) = delete;
    EnvGuard& operator=(const EnvGuard&) = delete;

private:
    std::vector<std::string> saved_;
};

}  // namespace

TEST_CASE("the usual entrypoint lines are parsed directly, with CLI11's result") {
    const EnvGuard guard;
    SUBCASE("no option: every default, the struct defaults CLI11 also leaves alone") {
        const std::vector<std::string> args{"--", "/app", "-x"};
        const auto direct = parse_directly(args);
        REQUIRE(direct);
        CHECK(*direct == SupervisorCommand{{}, {}, {"/app", "-x"}});
        CHECK(parse_with_cli11(args) == direct);
    }
    SUBCASE("every option, each form") {
        const std::vector<std::string> args{"--user=app:app", "-g", "--grace", "10s", "--rewrite", "TERM:INT,HUP:0",
                                            "--rewrite=USR1:0", "--success-exit", "3,4", "--success-exit=0",
                                            "--warn-only", "--require", "none", "--log-level", "debug",
                                            "--log-format=json", "--file-env", "DB_*,API_TOKEN", "--file-env=X",
                                            "--stop-delay", "5s", "--wait", "db:5432,http://api/h", "--wait=file:///x",
                                            "--wait-timeout", "0", "--wait-interval=100ms", "--wait-ca-file", "/ca.pem",
                                            "--wait-insecure", "--wait-expect-status", "204", "/app", "--help", "version"};
        const auto direct = parse_directly(args);
        REQUIRE(direct);
        CHECK(direct->supervisor.user == "app:app");
        CHECK(direct->supervisor.process_group);
        CHECK(direct->supervisor.grace == "10s");
        CHECK(direct->supervisor.rewrite == std::vector<std::string>{"TERM:INT", "HUP:0", "USR1:0"});
        CHECK(direct->supervisor.success_exits == std::vector<int>{3, 4, 0});
        CHECK(direct->supervisor.warn_only);
        CHECK(direct->supervisor.require == "none");
        CHECK(direct->global.log_level == "debug");
        CHECK(direct->global.log_format == "json");
        CHECK(direct->supervisor.file_env == std::vector<std::string>{"DB_*", "API_TOKEN", "X"});
        CHECK(direct->supervisor.stop_delay == "5s");
        CHECK(direct->supervisor.wait == std::vector<std::string>{"db:5432", "http://api/h", "file:///x"});
        CHECK(direct->supervisor.wait_timeout == "0");
        CHECK(direct->supervisor.wait_interval == "100ms");
        CHECK(direct->supervisor.wait_ca_file == "/ca.pem");
        CHECK(direct->supervisor.wait_insecure);
        CHECK(direct->supervisor.wait_expect_status == "204");
        CHECK(direct->program == std::vector<std::string>{"/app", "--help", "version"});
        CHECK(parse_with_cli11(args) == direct);
    }
    SUBCASE("variables, and the command line over them") {
        setenv("KEEL_USER", "nobody", 1);
        setenv("KEEL_PROCESS_GROUP", "1", 1);
        setenv("KEEL_GRACE", "1m", 1);
        setenv("KEEL_REWRITE", "TERM:INT,HUP:0", 1);
        const std::vector<std::string> args{"--grace", "2s", "-u", "1000:1000", "/app"};
        const auto direct = parse_directly(args);
        REQUIRE(direct);
        CHECK(direct->supervisor.user == "1000:1000");
        CHECK(direct->supervisor.grace == "2s");
        CHECK(direct->supervisor.process_group);
        CHECK(direct->supervisor.rewrite == std::vector<std::string>{"TERM:INT", "HUP:0"});
        CHECK(parse_with_cli11(args) == direct);
    }
}

TEST_CASE("every other line is left to CLI11") {
    const EnvGuard guard;
    const std::vector<std::vector<std::string>> declined{
        {},
        {"-u", "nobody"},  // no PROGRAM: CLI11's error
        {"--help"},
        {"-h", "/app"},
        {"-V"},
        {"--version", "/app"},
        {"version"},
        {"healthcheck", "http://127.0.0.1/"},
        {"-u", "nobody", "check"},
        {"-gu", "nobody", "/app"},
        {"-unobody", "/app"},
        {"--grace", "5", "/app"},                   // a bad value: CLI11 words the error
        {"--grace=5s", "--grace=6s", "/app"},       // repeated
        {"-u", "-g", "/app"},                       // a value that looks like an option
        {"--user=", "/app"},
        {"--warn-only=true", "/app"},
        {"--bogus", "/app"},
        {"--success-exit", "010", "/app"},          // octal to CLI11's integer conversion
        {"--success-exit", "3,,4", "/app"},
        {"--log-level", "DEBUG", "/app"},
        {"--grace"},
        {"sleep", "5"},
        {"--file-env", "*", "/app"},
        {"--stop-delay", "5", "/app"},
        {"wait", "db:5432"},
        {"--wait", "db", "/app"},                   // not HOST:PORT
        {"--wait-timeout", "5", "/app"},
    };
    for (const auto& args : declined) {
        INFO(describe(args));
        CHECK_FALSE(parse_directly(args));
    }
    setenv("KEEL_GRACE", "bogus", 1);
    CHECK_FALSE(parse_directly({"/app"}));
    setenv("KEEL_GRACE", "1s", 1);
    setenv("KEEL_WARN_ONLY", "yes", 1);
    CHECK_FALSE(parse_directly({"/app"}));
}

TEST_CASE("random command lines: whatever the direct parser accepts, CLI11 parses the same") {
    const EnvGuard guard;
    struct Pool {
        std::string_view name;  // long name, "" for junk words
        std::string_view short_name;
        bool flag;
        std::vector<std::string> values;
    };
    const std::vector<Pool> pools{
        {"user", "u", false, {"nobody", "1000", "1000:2000", "root", "app:app", "0", ":", "", "nobody:", "-1", "a b", "x:y:z", "version"}},
        {"require", "", false, {"none", "ca-certs", "ca-certs,tzdata", "tzdata,non-root,tmp", "bogus", "", "ca-certs,", "none,tmp"}},
        {"rewrite", "", false, {"TERM:INT", "SIGTERM:SIGINT", "HUP:0", "TERM:INT,HUP:0", "15:2", "bogus", "TERM", ",", "TERM:INT,", "KILL:TERM"}},
        {"grace", "", false, {"5s", "0s", "100ms", "1m30s", "1.5s", "5", "-1s", "", "bogus", "0", "2h"}},
        {"success-exit", "", false, {"0", "3", "255", "256", "3,4", "007", "010", "0x10", "-1", "+3", "", "1,", " 3", "12"}},
        {"log-level", "", false, {"error", "warn", "info", "debug", "DEBUG", "bogus", ""}},
        {"log-format", "", false, {"text", "json", "JSON", ""}},
        {"warn-only", "", true, {"1", "0", "true", "false", "yes", "no", "on", "off", "", "2", "TRUE"}},
        {"process-group", "g", true, {"1", "0", "true", "false", "yes", "no", "on", "off", "", "2", "TRUE"}},
        {"file-env", "", false, {"DB_PASSWORD", "DB_*", "A,B", "*", "", "KEEL_USER", "X_FILE", "9A", "DB_*,TOKEN"}},
        {"stop-delay", "", false, {"0s", "5s", "1.5s", "100ms", "5", "", "bogus", "-1s"}},
        {"wait", "", false, {"db:5432", "http://api:8080/h", "a:1,b:2", "file:///tmp/x", "db", "", "ftp://x", "tcp://h:1,"}},
        {"wait-timeout", "", false, {"30s", "0", "0s", "1m", "5", "", "bogus"}},
        {"wait-interval", "", false, {"250ms", "1s", "0s", "", "bogus"}},
        {"wait-ca-file", "", false, {"/ca.pem", "", "ca.pem"}},
        {"wait-insecure", "", true, {"1", "0", "true", "no", "", "2"}},
        {"wait-expect-status", "", false, {"200", "200-299", "200,204", "600", "", "bogus"}},
    };
    const std::vector<std::string> junk{"--", "-", "--help", "-h", "-V", "--bogus", "-x", "-gu", "-unobody", "--warn-only=1",
                                        "version", "check", "healthcheck", "sleep", "wait", "/app", "app", "--grace=", "-g"};
    const std::vector<std::string> programs{"/app", "app", "version", "healthcheck", "sleep", "wait", "-", "/bin/true"};

    std::mt19937 random(20261201);  // fixed: every run checks the same lines
    auto chance = [&random](int percent) { return static_cast<int>(random() % 100) < percent; };
    auto pick = [&random](const auto& items) -> const auto& { return items[random() % items.size()]; };

    constexpr int cases = 4000;
    int accepted = 0;
    int cli11_accepted = 0;
    int failures = 0;
    for (int n = 0; n < cases && failures < 10; ++n) {
        clear_keel_environment();
        for (const Pool& pool : pools) {
            if (chance(12)) setenv(keel::cli::env_name_for("KEEL_", pool.name).c_str(), pick(pool.values).c_str(), 1);
        }
        if (chance(5)) setenv("KEEL_HEALTHCHECK_TIMEOUT", "bogus", 1);
        if (chance(5)) setenv("KEEL_BOGUS", "1", 1);

        std::vector<std::string> args;
        const int words = static_cast<int>(random() % 5);
        for (int w = 0; w < words; ++w) {
            if (chance(10)) {
                args.push_back(pick(junk));
                continue;
            }
            const Pool& pool = pick(pools);
            const std::string value = pick(pool.values);
            const bool use_short = !pool.short_name.empty() && chance(50);
            const std::string name = use_short ? "-" + std::string(pool.short_name) : "--" + std::string(pool.name);
            if (pool.flag) {
                args.push_back(name);
            } else if (!use_short && chance(40)) {
                args.push_back(name + "=" + value);
            } else {
                args.push_back(name);
                if (chance(95)) args.push_back(value);
            }
        }
        if (chance(90)) {
            if (chance(60)) args.emplace_back("--");
            args.push_back(pick(programs));
            if (chance(30)) args.emplace_back(pick(junk));
        }

        const auto direct = parse_directly(args);
        const auto reference = parse_with_cli11(args);
        if (reference) ++cli11_accepted;
        if (!direct) continue;
        ++accepted;
        if (reference != direct) {
            ++failures;
            FAIL_CHECK("direct parse differs from CLI11's for: " << describe(args) << "\n  direct: " << describe(direct)
                                                                   << "\n  CLI11:  " << describe(reference));
        }
    }
    // The generator makes mostly well-formed lines: a parser that declined them all would pass the
    // comparison above while doing nothing.
    CHECK(accepted > cases / 8);
    MESSAGE("direct parser took " << accepted << " of the " << cli11_accepted << " supervisor lines CLI11 accepts ("
                                  << cases << " random lines)");
}

TEST_CASE("the option tables fit the direct parser's bit sets") {
    CHECK(keel::cli::supervisor_option_specs().size() <= 64);
    CHECK(keel::cli::global_option_specs().size() <= 64);
}
