// keel wait's plan (healthcheck/wait_plan.hpp: targets, backoff, limits) and its loop
// (healthcheck/wait.hpp) on real local sockets: a port that opens late, a file that appears late,
// several targets in parallel, a deadline, and a stop signal.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "common/sys/signal_mask.hpp"
#include "healthcheck/wait.hpp"
#include "healthcheck/wait_plan.hpp"
#include "local_port.hpp"

using keel::Duration;
using keel::health::Backoff;
using keel::health::WaitArgs;
using keel::health::WaitPlan;

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

WaitPlan plan_for(std::vector<std::string> targets, const std::string& timeout, const std::string& interval = "50ms") {
    WaitArgs args;
    args.targets = std::move(targets);
    args.timeout = timeout;
    args.interval = interval;
    auto plan = keel::health::make_wait_plan(args);
    REQUIRE_MESSAGE(plan.ok(), plan.error());
    return plan.value();
}

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

}  // namespace

TEST_CASE("backoff: starts at the interval, doubles, stops at the cap") {
    const Backoff backoff;  // 250ms, cap 2s
    CHECK(backoff.delay_after(1) == milliseconds(250));
    CHECK(backoff.delay_after(2) == milliseconds(500));
    CHECK(backoff.delay_after(3) == milliseconds(1000));
    CHECK(backoff.delay_after(4) == milliseconds(2000));
    CHECK(backoff.delay_after(5) == milliseconds(2000));
    CHECK(backoff.delay_after(1000) == milliseconds(2000));
    const Backoff slow{milliseconds(5000), milliseconds(2000)};  // an interval above the cap is kept
    CHECK(slow.delay_after(1) == milliseconds(5000));
    CHECK(slow.delay_after(9) == milliseconds(5000));
    const Backoff odd{milliseconds(300), milliseconds(2000)};
    CHECK(odd.delay_after(3) == milliseconds(1200));
    CHECK(odd.delay_after(4) == milliseconds(2000));  // 2400 capped
}

TEST_CASE("backoff after a refusal: doubles only up to 500 ms, never under the interval") {
    const Backoff backoff;
    CHECK(backoff.delay_after(1, true) == milliseconds(250));
    CHECK(backoff.delay_after(2, true) == milliseconds(500));
    CHECK(backoff.delay_after(3, true) == milliseconds(500));
    CHECK(backoff.delay_after(50, true) == milliseconds(500));
    CHECK(backoff.delay_after(3, false) == milliseconds(1000));  // a timeout after refusals: the long cap
    const Backoff slow{milliseconds(5000), milliseconds(2000), milliseconds(500)};
    CHECK(slow.delay_after(4, true) == milliseconds(5000));  // --interval above both caps is kept
    const Backoff tight{milliseconds(100), milliseconds(300), milliseconds(500)};
    CHECK(tight.delay_after(5, true) == milliseconds(300));  // the refusal cap never exceeds the cap
}

TEST_CASE("each try takes at most 2 s, and never past the deadline") {
    CHECK(keel::health::attempt_time(std::nullopt) == milliseconds(2000));
    CHECK(keel::health::attempt_time(milliseconds(30000)) == milliseconds(2000));
    CHECK(keel::health::attempt_time(milliseconds(700)) == milliseconds(700));
    CHECK(keel::health::attempt_time(milliseconds(0)) == milliseconds(1));
    CHECK(keel::health::attempt_time(milliseconds(-5)) == milliseconds(1));
}

TEST_CASE("timeouts and intervals") {
    CHECK(keel::health::parse_wait_timeout("30s").value() == milliseconds(30000));
    CHECK_FALSE(keel::health::parse_wait_timeout("0").value().has_value());  // no deadline
    CHECK_FALSE(keel::health::parse_wait_timeout("0s").value().has_value());
    CHECK_FALSE(keel::health::parse_wait_timeout("30").ok());  // a bare number: seconds or ms?
    CHECK_FALSE(keel::health::parse_wait_timeout("").ok());
    CHECK_FALSE(keel::health::parse_wait_timeout("-1s").ok());
    CHECK(keel::health::parse_wait_interval("100ms").value() == milliseconds(100));
    CHECK(keel::health::parse_wait_interval("0s").error() == "must be longer than 0");
    CHECK_FALSE(keel::health::parse_wait_interval("bogus").ok());
}

TEST_CASE("targets: every probe URL, file:///PATH and a bare HOST:PORT") {
    using keel::health::parse_wait_target;
    using keel::health::Scheme;
    auto bare = parse_wait_target("db:5432");
    REQUIRE(bare.ok());
    CHECK(bare.value().label == "db:5432");
    CHECK_FALSE(bare.value().file);
    CHECK(bare.value().probe.url.scheme == Scheme::tcp);
    CHECK(bare.value().probe.url.host == "db");
    CHECK(bare.value().probe.url.port == 5432);
    CHECK(parse_wait_target("[::1]:80").value().probe.url.host == "::1");
    CHECK(parse_wait_target("http://api:8080/health").value().probe.url.scheme == Scheme::http);
    CHECK(parse_wait_target("unix:///run/app.sock").value().probe.url.scheme == Scheme::unix_socket);
    CHECK(parse_wait_target("tcp://db:5432").value().probe.url.port == 5432);
    auto file = parse_wait_target("file:///run/ready%2Cnow%20x");
    REQUIRE(file.ok());
    CHECK(file.value().file);
    CHECK(file.value().path == "/run/ready,now x");
    CHECK(parse_wait_target("http://api/a%2Cb").value().probe.request.find("GET /a%2Cb ") == 0);  // sent as typed
    CHECK_FALSE(parse_wait_target("").ok());
    CHECK(parse_wait_target("db").error() ==
          "invalid target 'db': give HOST:PORT or a URL (http://, https://, tcp://, unix://, file://)");
    CHECK_FALSE(parse_wait_target("db:99999").ok());
    CHECK_FALSE(parse_wait_target("ftp://x/").ok());
    CHECK_FALSE(parse_wait_target("file://host/path").ok());
    CHECK_FALSE(parse_wait_target("file://relative").ok());
    CHECK_FALSE(parse_wait_target("file:///a%00b").ok());
    CHECK_FALSE(parse_wait_target(std::string_view("file:///a\0b", 11)).ok());  // found by the fuzz target
    CHECK_FALSE(parse_wait_target("file:///a%2").ok());
}

TEST_CASE("the plan carries the shared options to every probe target") {
    WaitArgs args;
    args.targets = {"http://a/", "file:///x", "b:1"};
    args.expect_status = "204";
    args.insecure = true;
    auto plan = keel::health::make_wait_plan(args);
    REQUIRE(plan.ok());
    REQUIRE(plan.value().targets.size() == 3);
    CHECK(plan.value().deadline == milliseconds(30000));
    CHECK(plan.value().backoff.interval == milliseconds(250));
    CHECK(plan.value().targets[0].probe.insecure);
    CHECK(keel::health::status_in(plan.value().targets[0].probe.expect.status, 204));
    CHECK_FALSE(keel::health::status_in(plan.value().targets[0].probe.expect.status, 200));
    CHECK(plan.value().targets[1].file);
    CHECK(plan.value().targets[2].probe.url.port == 1);
    args.timeout = "bogus";
    CHECK_FALSE(keel::health::make_wait_plan(args).ok());
}

TEST_CASE("a port that opens late, a file that appears late: both waited for at once") {
    const LocalPort port(false);
    char dir[] = "/tmp/keel-wait-XXXXXX";
    REQUIRE(::mkdtemp(dir) != nullptr);
    const std::string file = std::string(dir) + "/ready";
    const WaitPlan plan = plan_for({port.host_port(), "file://" + file}, "10s");
    std::thread late([&port, &file] {
        std::this_thread::sleep_for(milliseconds(300));
        port.listen();
        std::this_thread::sleep_for(milliseconds(300));
        std::FILE* created = std::fopen(file.c_str(), "w");
        if (created != nullptr) std::fclose(created);
    });
    const auto start = Clock::now();
    const int result = keel::health::wait_for_targets(plan, -1);
    const double took = seconds_since(start);
    late.join();
    CHECK(result == keel::health::wait_all_up);
    // The file appears at 0.6 s; with 50ms doubling (at most 500ms while missing), tries at 0,
    // 0.05, 0.15, 0.35, 0.75 s (delays from each try's start): up by 0.8 s, and in parallel, so
    // not 0.3 + 0.6 s of the two in turn. The bound leaves room for a loaded machine.
    CHECK(took >= 0.6);
    CHECK(took < 2.5);
    ::unlink(file.c_str());
    ::rmdir(dir);
}

TEST_CASE("a target that never comes up: the deadline is kept and the result is a timeout") {
    const LocalPort never(false);  // bound, never listening: refused
    const WaitPlan plan = plan_for({never.host_port()}, "700ms");
    const auto start = Clock::now();
    const int result = keel::health::wait_for_targets(plan, -1);
    const double took = seconds_since(start);
    CHECK(result == keel::health::wait_timed_out);
    CHECK(took >= 0.69);
    CHECK(took < 1.7);
}

TEST_CASE("no deadline (0): waits past what a default deadline would allow for a short plan") {
    const LocalPort port(false);
    const WaitPlan plan = plan_for({port.host_port()}, "0");
    CHECK_FALSE(plan.deadline.has_value());
    std::thread late([&port] {
        std::this_thread::sleep_for(milliseconds(400));
        port.listen();
    });
    CHECK(keel::health::wait_for_targets(plan, -1) == keel::health::wait_all_up);
    late.join();
}

TEST_CASE("a signal on the stop descriptor ends the wait at once with 128+N") {
    const LocalPort never(false);
    const WaitPlan plan = plan_for({never.host_port()}, "0");  // would wait for ever
    const sigset_t usr1 = keel::sys::make_signal_set({SIGUSR1});
    sigset_t previous;
    REQUIRE(::pthread_sigmask(SIG_BLOCK, &usr1, &previous) == 0);
    const int fd = ::signalfd(-1, &usr1, SFD_CLOEXEC | SFD_NONBLOCK);
    REQUIRE(fd >= 0);
    const pid_t self = ::getpid();
    std::thread sender([self] {
        std::this_thread::sleep_for(milliseconds(300));
        ::kill(self, SIGUSR1);
    });
    const auto start = Clock::now();
    const int result = keel::health::wait_for_targets(plan, fd);
    const double took = seconds_since(start);
    sender.join();
    CHECK(result == 128 + SIGUSR1);
    CHECK(took < 2.0);
    ::close(fd);
    REQUIRE(::pthread_sigmask(SIG_SETMASK, &previous, nullptr) == 0);
}
