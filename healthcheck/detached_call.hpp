#pragma once
// A blocking call on a detached thread, its result delivered on the io_context's thread.
//
// For the calls that cannot be cancelled and may block for as long as the system likes:
// getaddrinfo against a DNS server that never answers (musl: 5 s per try), stat(2) on a hung NFS
// or FUSE mount (an init container waiting on a shared volume). On the loop's thread they would
// hold the deadline and the stop signals with them, and Asio's own resolver joins its thread at
// shutdown, which would hold the process. Here the caller just stops waiting: after abandon() (or
// destruction) the handler never runs and the thread's result is dropped; the process exits
// without waiting for the thread.

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

namespace keel::health {

template <typename T>
class DetachedCall {
public:
    using Handler = std::function<void(T)>;

    explicit DetachedCall(boost::asio::io_context& io) : io_(io) {}
    ~DetachedCall() { abandon(); }
    DetachedCall(const DetachedCall&) = delete;
    DetachedCall& operator=(const DetachedCall&) = delete;

    // Runs call() on a new thread and then handler(its result) on the loop's thread. When no
    // thread can be started, handler(no_thread(the reason)) runs instead, also from the loop. A
    // start abandons the call before it, so one object serves a target's retries.
    template <typename Call, typename NoThread>  // T(), T(const std::string&)
    void start(Call call, Handler handler, NoThread no_thread) {
        abandon();
        shared_ = std::make_shared<Shared>();
        work_.emplace(io_.get_executor());
        // Checked on the loop's thread, where abandon() and the destructor run too: once
        // abandoned, deliver() touches nothing of this object.
        auto deliver = [this, shared = shared_, handler = std::move(handler)](T result) {
            {
                const std::lock_guard lock(shared->mutex);
                if (shared->abandoned) return;
            }
            work_.reset();
            handler(std::move(result));
        };
        try {
            std::thread([shared = shared_, executor = io_.get_executor(), call = std::move(call), deliver]() mutable {
                T result = call();
                const std::lock_guard lock(shared->mutex);
                if (!shared->abandoned) {
                    boost::asio::post(executor, [deliver, result = std::move(result)]() mutable { deliver(std::move(result)); });
                }
            }).detach();
        } catch (const std::system_error& error) {
            boost::asio::post(io_, [deliver, result = no_thread(error.what())]() mutable { deliver(std::move(result)); });
        }
    }

    void abandon() {
        if (shared_) {
            const std::lock_guard lock(shared_->mutex);
            shared_->abandoned = true;
        }
        work_.reset();
    }

private:
    struct Shared {
        std::mutex mutex;
        bool abandoned = false;
    };
    boost::asio::io_context& io_;
    std::shared_ptr<Shared> shared_;
    // Keeps io_context::run() going while the thread works (the thread itself is not Asio work).
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
};

}  // namespace keel::health
