#pragma once
// A Beast body that keeps the first `limit` bytes of a response body in a std::string and drops
// the rest, so neither a huge body nor a lying Content-Length costs more than `limit` of memory.
// The probe stops reading once the body holds the limit (as the kubelet stops at 10 KiB): a large
// body is not a reason to call a server unhealthy.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>
#include <boost/system/error_code.hpp>

namespace keel::health {

template <std::size_t Limit>
struct CappedBody {
    using value_type = std::string;

    class reader {
    public:
        template <bool isRequest, class Fields>
        reader(boost::beast::http::header<isRequest, Fields>& /*header*/, value_type& body) : body_(body) {}

        void init(const boost::optional<std::uint64_t>& length, boost::system::error_code& ec) {
            if (length) body_.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(*length, Limit)));
            ec = {};
        }

        template <class ConstBufferSequence>
        std::size_t put(const ConstBufferSequence& buffers, boost::system::error_code& ec) {
            std::size_t consumed = 0;
            for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers); ++it) {
                const boost::asio::const_buffer buffer = *it;
                const std::size_t room = Limit - std::min(Limit, body_.size());
                body_.append(static_cast<const char*>(buffer.data()), std::min(room, buffer.size()));
                consumed += buffer.size();  // the excess is parsed (framing still checked), not kept
            }
            ec = {};
            return consumed;
        }

        void finish(boost::system::error_code& ec) { ec = {}; }

    private:
        value_type& body_;
    };
};

}  // namespace keel::health
