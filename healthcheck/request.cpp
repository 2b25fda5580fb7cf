#include "healthcheck/request.hpp"

#include <algorithm>

#include "keel/build_info.hpp"

namespace keel::health {

std::string user_agent() { return std::string("keel-healthcheck/") + build_info::version; }

std::string build_request(const RequestSpec& spec) {
    auto overridden = [&](std::string_view name) {
        return std::any_of(spec.headers.begin(), spec.headers.end(),
                           [&](const HeaderField& field) { return same_header_name(field.name, name); });
    };
    std::string request = spec.method + " " + spec.target + " HTTP/1.1\r\n";
    auto add = [&](std::string_view name, std::string_view value) {
        request.append(name).append(": ").append(value).append("\r\n");
    };
    const HeaderField defaults[] = {{"Host", spec.host}, {"User-Agent", user_agent()}, {"Accept", "*/*"}};
    for (const auto& field : defaults) {
        if (!overridden(field.name)) add(field.name, field.value);
    }
    add("Connection", "close");
    for (const auto& field : spec.headers) add(field.name, field.value);
    request += "\r\n";
    return request;
}

}  // namespace keel::health
