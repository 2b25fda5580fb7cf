// Static musl builds only. libc++abi's default terminate handler is the one caller of
// __cxa_demangle in keel: it would pretty-print the type of an exception that escaped main(),
// and main() catches every exception. The demangler is a large part of the binary (bench/size.md), so keel
// defines the symbol itself and the archive member that holds the real one is never linked.
// Declining (status -2, "not a valid mangled name") is a documented outcome callers handle:
// the terminate message then shows the mangled type name.

#include <cstddef>

// The ABI's own name, reserved to the implementation, which this file stands in for.
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wreserved-identifier"
extern "C" char* __cxa_demangle(const char* /*mangled*/, char* /*buffer*/, std::size_t* /*length*/,
                                int* status) {
    if (status != nullptr) *status = -2;
    return nullptr;
}
#pragma clang diagnostic pop
