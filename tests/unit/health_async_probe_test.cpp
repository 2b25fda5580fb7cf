// Several probes on one event loop (what `keel wait` needs): each gets its verdict, they run side
// by side, cancel() ends one early, and a probe may be destroyed from its own completion.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "healthcheck/probe.hpp"
#include "healthcheck/probe_config.hpp"
#include "local_port.hpp"

namespace {

keel::health::ProbeConfig async_probe_config(const std::string& url, const std::string& timeout) {
    keel::health::HealthcheckArgs args;
    args.url = url;
    args.timeout = timeout;
    auto config = keel::health::make_probe_config(args, [](std::string_view, const std::string&) { return std::string(); });
    REQUIRE_MESSAGE(config.ok(), config.error());
    return config.value();
}

using Clock = std::chrono::steady_clock;

}  // namespace

TEST_CASE("probes on one loop run side by side, each with its own verdict") {
    const LocalPort open(true);
    const LocalPort closed(false);  // bound, not listening: connections are refused
    const std::string host = "127.0.0.1:";
    const std::vector<keel::health::ProbeConfig> configs{
        async_probe_config("tcp://" + host + std::to_string(open.port()), "2s"),
        async_probe_config("http://" + host + std::to_string(open.port()) + "/", "1s"),  // never answered
        async_probe_config("http://" + host + std::to_string(open.port()) + "/", "1s"),
        async_probe_config("tcp://" + host + std::to_string(closed.port()), "2s"),
    };
    boost::asio::io_context io(1);
    std::vector<std::unique_ptr<keel::health::AsyncProbe>> probes;
    std::vector<std::pair<std::size_t, keel::health::ProbeOutcome>> done;
    for (std::size_t i = 0; i < configs.size(); ++i) {
        probes.push_back(std::make_unique<keel::health::AsyncProbe>(io, configs[i]));
        probes.back()->start([&done, i](keel::health::ProbeOutcome outcome) { done.emplace_back(i, std::move(outcome)); });
    }
    const auto start = Clock::now();
    io.run();
    const auto elapsed = Clock::now() - start;
    REQUIRE(done.size() == 4);
    // The quick verdicts first, the two timeouts last; together about one timeout, not two.
    CHECK(done[0].first != 1);
    CHECK(done[0].first != 2);
    CHECK(done[3].second.message.find("timeout after 1.0 s while reading headers") == 0);
    for (const auto& [index, outcome] : done) {
        CAPTURE(outcome.message);
        CHECK(outcome.healthy == (index == 0));
        if (index == 3) CHECK(outcome.message.find("connection refused") != std::string::npos);
        // Only the refusal says nothing listens (keel wait asks again sooner); a timeout does not.
        CHECK(outcome.refused == (index == 3));
    }
    CHECK(elapsed >= std::chrono::milliseconds(1000));
    CHECK(elapsed < std::chrono::milliseconds(1900));  // one after the other would take 2 s
}

TEST_CASE("cancel() ends a probe at once, and a probe may be destroyed from its own completion") {
    const LocalPort open(true);
    const auto slow = async_probe_config("http://127.0.0.1:" + std::to_string(open.port()) + "/", "30s");
    const auto quick = async_probe_config("tcp://127.0.0.1:" + std::to_string(open.port()), "2s");
    boost::asio::io_context io(1);
    auto waiting = std::make_unique<keel::health::AsyncProbe>(io, slow);
    auto first = std::make_unique<keel::health::AsyncProbe>(io, quick);
    std::string slow_verdict;
    waiting->start([&](keel::health::ProbeOutcome outcome) {
        slow_verdict = outcome.message;
        waiting.reset();  // from inside its own completion
    });
    first->start([&](keel::health::ProbeOutcome outcome) {
        CHECK(outcome.healthy);
        first.reset();
        waiting->cancel();
    });
    const auto start = Clock::now();
    io.run();
    CHECK(Clock::now() - start < std::chrono::seconds(5));
    CHECK(slow_verdict.find("cancelled while") == 0);
    CHECK_FALSE(waiting);
    CHECK_FALSE(first);
}
