#include "healthcheck/wait.hpp"

#include <fcntl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <chrono>
#include <cstring>
#include <string>
#include <utility>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "common/logging.hpp"
#include "common/sys/read_file.hpp"
#include "common/text.hpp"
#include "healthcheck/detached_call.hpp"
#include "healthcheck/probe.hpp"

namespace keel::health {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

std::string elapsed_text(Clock::duration elapsed) {
    return format_duration(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed));
}

std::string tries_text(int tries) { return std::to_string(tries) + (tries == 1 ? " try" : " tries"); }

// A retry that would start with less than this left is not started: its try could only end in a
// timeout the deadline cut short, and that would replace the real last error in the final line.
constexpr Duration least_useful_try{100};

// A file target's one try: stat(2). Blocking.
ProbeOutcome look_for_file(const std::string& path) {
    struct stat info{};
    if (::stat(path.c_str(), &info) == 0) return {true, "exists"};
    const int error = errno;
    return {false, path + ": " + lowercase_first(std::strerror(error)), error == ENOENT};
}

class Wait;

// One target: try, and on failure try again after the backoff, until it is up or the wait ends.
class TargetWait {
public:
    TargetWait(asio::io_context& io, const WaitTarget& target, Wait& wait)
        : io_(io), target_(target), wait_(wait), retry_(io), file_lookup_(io) {}

    void start(Clock::time_point began) {
        began_ = began;
        attempt();
    }
    void stop();
    [[nodiscard]] bool up() const { return up_; }
    [[nodiscard]] const WaitTarget& target() const { return target_; }
    [[nodiscard]] int tries() const { return tries_; }
    [[nodiscard]] const std::string& last_error() const { return last_error_; }

private:
    void attempt();
    void finished(const ProbeOutcome& outcome);

    asio::io_context& io_;
    const WaitTarget& target_;
    Wait& wait_;
    asio::steady_timer retry_;
    // stat(2) off the loop's thread: a hung NFS or FUSE mount must not hold the deadline.
    DetachedCall<ProbeOutcome> file_lookup_;
    std::unique_ptr<AsyncProbe> probe_;
    ProbeConfig attempt_config_;
    Clock::time_point began_;
    Clock::time_point attempt_started_;
    int tries_ = 0;
    bool up_ = false;
    bool stopped_ = false;
    std::string last_error_ = "no answer to the first try yet";
};

class Wait {
public:
    Wait(const WaitPlan& plan, int stop_fd) : plan_(plan), deadline_timer_(io_), signals_(io_) {
        if (stop_fd >= 0) {
            // A duplicate: the stream descriptor closes what it holds, and the caller owns stop_fd.
            const int copy = ::fcntl(stop_fd, F_DUPFD_CLOEXEC, 0);
            if (copy < 0) throw boost::system::system_error(errno, boost::system::system_category(), "dup");
            signals_.assign(copy);
        }
        targets_.reserve(plan.targets.size());
        for (const WaitTarget& target : plan.targets) targets_.push_back(std::make_unique<TargetWait>(io_, target, *this));
    }

    int run() {
        began_ = Clock::now();
        const std::string limit = plan_.deadline ? "up to " + elapsed_text(*plan_.deadline) : "with no deadline";
        for (const auto& target : targets_) log::progress("waiting for {} ({})", target->target().label, limit);
        if (plan_.deadline) {
            deadline_timer_.expires_at(began_ + *plan_.deadline);
            deadline_timer_.async_wait([this](const boost::system::error_code& ec) {
                // over_: the last target came up (or a signal came) after the timer had fired but
                // before this ran, when cancel() no longer reaches it.
                if (!ec && !over_) time_up();
            });
        }
        if (signals_.is_open()) watch_signals();
        for (const auto& target : targets_) target->start(began_);
        io_.run();
        return result_;
    }

    [[nodiscard]] std::optional<Duration> left() const {
        if (!plan_.deadline) return std::nullopt;
        const auto remaining = began_ + *plan_.deadline - Clock::now();
        return std::chrono::duration_cast<Duration>(remaining);
    }
    [[nodiscard]] bool over() const { return over_; }
    [[nodiscard]] const Backoff& backoff() const { return plan_.backoff; }
    [[nodiscard]] bool before_deadline(Clock::time_point when) const {
        return !plan_.deadline || when < began_ + *plan_.deadline;
    }

    void target_up(const TargetWait& target) {
        log::progress("{} is up after {} ({})", target.target().label, elapsed_text(Clock::now() - began_),
                  tries_text(target.tries()));
        for (const auto& each : targets_) {
            if (!each->up()) return;
        }
        end(wait_all_up);
    }

private:
    void watch_signals() {
        signals_.async_wait(asio::posix::descriptor_base::wait_read, [this](const boost::system::error_code& ec) {
            if (ec || over_) return;  // cancelled, or over already: the signal stays for whoever reads next
            signalfd_siginfo info{};
            const ssize_t got = ::read(signals_.native_handle(), &info, sizeof info);
            if (got != static_cast<ssize_t>(sizeof info)) {
                watch_signals();  // EAGAIN or EINTR: nothing was taken
                return;
            }
            log::progress("{} arrived while waiting: not going on", signal_text(static_cast<int>(info.ssi_signo)));
            end(128 + static_cast<int>(info.ssi_signo));
        });
    }

    // The signals a caller watches for (wait_command.cpp, start_gate.cpp); others by number.
    static std::string signal_text(int signal) {
        switch (signal) {
            case SIGTERM: return "SIGTERM";
            case SIGINT: return "SIGINT";
            case SIGQUIT: return "SIGQUIT";
            case SIGHUP: return "SIGHUP";
            case SIGUSR1: return "SIGUSR1";
            case SIGUSR2: return "SIGUSR2";
            case SIGALRM: return "SIGALRM";
            default: return "signal " + std::to_string(signal);
        }
    }

    void time_up() {
        std::size_t missing = 0;
        for (const auto& target : targets_) {
            if (target->up()) continue;
            ++missing;
            log::error("{}: {} ({}, {})", target->target().label, target->last_error(), tries_text(target->tries()),
                       elapsed_text(*plan_.deadline));
        }
        log::error("gave up after {}: {} of {} not up", elapsed_text(*plan_.deadline), missing, targets_.size());
        end(wait_timed_out);
    }

    void end(int result) {
        if (over_) return;
        over_ = true;
        result_ = result;
        deadline_timer_.cancel();
        if (signals_.is_open()) signals_.cancel();
        for (const auto& target : targets_) target->stop();
    }

    const WaitPlan& plan_;
    asio::io_context io_{1};
    asio::steady_timer deadline_timer_;
    asio::posix::stream_descriptor signals_;
    std::vector<std::unique_ptr<TargetWait>> targets_;
    Clock::time_point began_;
    bool over_ = false;
    int result_ = wait_timed_out;
};

void TargetWait::attempt() {
    if (stopped_) return;
    ++tries_;
    attempt_started_ = Clock::now();
    if (target_.file) {
        file_lookup_.start([path = target_.path] { return look_for_file(path); },
                           [this](const ProbeOutcome& outcome) { finished(outcome); },
                           [](const std::string& why) { return ProbeOutcome{false, "cannot start a thread for stat(2): " + why}; });
        return;
    }
    attempt_config_ = target_.probe;
    attempt_config_.timeout = attempt_time(wait_.left());
    probe_ = std::make_unique<AsyncProbe>(io_, attempt_config_);
    probe_->start([this](const ProbeOutcome& outcome) { finished(outcome); });
}

void TargetWait::finished(const ProbeOutcome& outcome) {
    probe_.reset();  // allowed: done runs after every operation of the probe has completed
    if (stopped_) return;
    if (outcome.healthy) {
        up_ = true;
        wait_.target_up(*this);
        return;
    }
    last_error_ = outcome.message;
    const Clock::time_point next = attempt_started_ + wait_.backoff().delay_after(tries_, outcome.refused);
    log::debug("{}: try {} failed: {}; next at +{}", target_.label, tries_, last_error_,
               elapsed_text(next - began_));
    if (!wait_.before_deadline(next + least_useful_try)) return;  // the deadline comes first: nothing more to try
    retry_.expires_at(next);
    retry_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) attempt();
    });
}

void TargetWait::stop() {
    stopped_ = true;
    retry_.cancel();
    file_lookup_.abandon();
    if (probe_) probe_->cancel();
}

}  // namespace

Result<bool> check_client_files(const WaitArgs& args, std::string_view option_prefix) {
    const std::pair<std::string_view, const std::string*> files[] = {{"cert", &args.cert}, {"key", &args.key}};
    for (const auto& [name, path] : files) {
        if (path->empty()) continue;
        auto text = sys::read_small_file(*path, max_client_pem_size);
        if (!text) return fail("--" + std::string(option_prefix) + std::string(name) + " " + *path + ": " + text.error());
        std::string bytes = std::move(text).value();
        explicit_bzero(bytes.data(), bytes.size());  // a key stays out of freed memory
    }
    return true;
}

int wait_for_targets(const WaitPlan& plan, int stop_fd) {
    if (plan.targets.empty()) return wait_all_up;
    Wait wait(plan, stop_fd);
    return wait.run();
}

}  // namespace keel::health
