// Exercises keel's heap (cli/static_runtime/heap.cpp) as the static musl binary links it: the C
// contract of every entry point, content kept across realloc, alignment, error returns, two
// threads of random traffic with every byte checked, and corruption stopping the process.
// Exit 0 when everything holds; otherwise one line per failure and exit 1.

#include <malloc.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace {

int failures = 0;

void expect(bool condition, const std::string& what) {
    if (condition) return;
    std::fprintf(stderr, "FAIL: %s\n", what.c_str());
    ++failures;
}

unsigned char pattern_byte(std::uintptr_t seed, std::size_t offset) {
    return static_cast<unsigned char>((seed * 131 + offset * 7) & 0xff);
}

void fill(void* block, std::size_t bytes, std::uintptr_t seed) {
    auto* data = static_cast<unsigned char*>(block);
    for (std::size_t i = 0; i < bytes; ++i) data[i] = pattern_byte(seed, i);
}

bool holds(const void* block, std::size_t bytes, std::uintptr_t seed) {
    const auto* data = static_cast<const unsigned char*>(block);
    for (std::size_t i = 0; i < bytes; ++i) {
        if (data[i] != pattern_byte(seed, i)) return false;
    }
    return true;
}

void check_malloc_and_usable_size() {
    void* zero_a = std::malloc(0);
    void* zero_b = std::malloc(0);
    expect(zero_a != nullptr && zero_b != nullptr && zero_a != zero_b, "malloc(0) gives distinct pointers");
    std::free(zero_a);
    std::free(zero_b);
    std::free(nullptr);
    expect(malloc_usable_size(nullptr) == 0, "malloc_usable_size(NULL) is 0");
    for (std::size_t bytes = 1; bytes < 300'000; bytes = bytes * 5 / 4 + 1) {
        void* block = std::malloc(bytes);
        expect(block != nullptr, "malloc(" + std::to_string(bytes) + ")");
        if (block == nullptr) continue;
        expect(reinterpret_cast<std::uintptr_t>(block) % 16 == 0, "16-byte alignment at " + std::to_string(bytes));
        const std::size_t usable = malloc_usable_size(block);
        expect(usable >= bytes, "usable size covers the request at " + std::to_string(bytes));
        fill(block, usable, bytes);
        expect(holds(block, usable, bytes), "whole usable area keeps its bytes at " + std::to_string(bytes));
        std::free(block);
    }
}

void check_calloc() {
    // Dirty a block, free it, and take the same class back through calloc.
    void* dirty = std::malloc(200);
    std::memset(dirty, 0xab, 200);
    std::free(dirty);
    auto* clean = static_cast<unsigned char*>(std::calloc(10, 20));
    bool zero = clean != nullptr;
    for (std::size_t i = 0; zero && i < 200; ++i) zero = clean[i] == 0;
    expect(zero, "calloc returns zeroed memory from a reused block");
    std::free(clean);
    errno = 0;
    expect(std::calloc(SIZE_MAX / 2, 3) == nullptr && errno == ENOMEM, "calloc overflow gives NULL and ENOMEM");
}

void check_realloc() {
    void* block = std::realloc(nullptr, 10);
    expect(block != nullptr, "realloc(NULL, n) allocates");
    fill(block, 10, 99);
    std::size_t kept = 10;
    for (std::size_t bytes : {24, 100, 1000, 5000, 70'000, 300'000, 2'000, 16}) {
        void* moved = std::realloc(block, bytes);
        expect(moved != nullptr, "realloc to " + std::to_string(bytes));
        if (moved == nullptr) break;
        const std::size_t common = kept < bytes ? kept : bytes;
        expect(holds(moved, common, 99), "realloc to " + std::to_string(bytes) + " keeps the contents");
        fill(moved, bytes, 99);
        kept = bytes;
        block = moved;
    }
    std::free(block);
    errno = 0;
    void* small = std::malloc(8);
    expect(std::realloc(small, SIZE_MAX - 8) == nullptr && errno == ENOMEM, "impossible realloc gives NULL and ENOMEM");
    std::free(small);  // still valid after the failed realloc
}

void check_aligned() {
    for (std::size_t align = 1; align <= 65536; align *= 2) {
        void* block = std::aligned_alloc(align, 100);
        expect(block != nullptr && reinterpret_cast<std::uintptr_t>(block) % align == 0,
               "aligned_alloc(" + std::to_string(align) + ")");
        if (block == nullptr) continue;
        expect(malloc_usable_size(block) >= 100, "aligned block's usable size");
        fill(block, 100, align);
        void* other = std::malloc(100);  // a neighbour must not overlap it
        fill(other, 100, align + 1);
        expect(holds(block, 100, align), "aligned block keeps its bytes");
        std::free(other);
        void* grown = std::realloc(block, 5000);
        expect(grown != nullptr && holds(grown, 100, align), "realloc of an aligned block keeps the contents");
        std::free(grown);
    }
    volatile std::size_t not_a_power_of_two = 24;  // volatile: the compiler rejects a constant one
    errno = 0;
    expect(std::aligned_alloc(not_a_power_of_two, 10) == nullptr && errno == EINVAL,
           "aligned_alloc with a non-power-of-two alignment");
    void* out = nullptr;
    expect(posix_memalign(&out, not_a_power_of_two / 8, 10) == EINVAL, "posix_memalign(3) is EINVAL");
    expect(posix_memalign(&out, 64, 10) == 0 && reinterpret_cast<std::uintptr_t>(out) % 64 == 0, "posix_memalign(64)");
    std::free(out);
    errno = 0;
    expect(std::malloc(SIZE_MAX / 2) == nullptr && errno == ENOMEM, "malloc of half the address space gives ENOMEM");
}

// Random traffic in one thread: 512 live slots, each filled with a pattern tied to its size and
// checked before it is freed or resized.
void churn(unsigned seed, int operations, int* thread_failures) {
    struct Slot {
        void* block = nullptr;
        std::size_t bytes = 0;
        std::uintptr_t tag = 0;
    };
    std::vector<Slot> slots(512);
    std::uint64_t state = seed;
    auto next = [&state] {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<std::size_t>(state >> 33);
    };
    for (int op = 0; op < operations; ++op) {
        Slot& slot = slots[next() % slots.size()];
        if (slot.block != nullptr && !holds(slot.block, slot.bytes, slot.tag)) ++*thread_failures;
        const std::size_t roll = next() % 1000;
        const std::size_t bytes = roll < 900 ? next() % 256 : roll < 995 ? next() % 20'000 : next() % 200'000;
        if (roll % 3 == 0 && slot.block != nullptr) {
            void* moved = std::realloc(slot.block, bytes);
            if (moved == nullptr) {
                ++*thread_failures;
                continue;
            }
            const std::size_t common = slot.bytes < bytes ? slot.bytes : bytes;
            if (!holds(moved, common, slot.tag)) ++*thread_failures;
            slot.block = moved;
        } else {
            std::free(slot.block);
            slot.block = std::malloc(bytes);
            if (slot.block == nullptr) {
                ++*thread_failures;
                continue;
            }
        }
        slot.bytes = bytes;
        slot.tag = next();
        fill(slot.block, bytes, slot.tag);
    }
    for (Slot& slot : slots) {
        if (slot.block != nullptr && !holds(slot.block, slot.bytes, slot.tag)) ++*thread_failures;
        std::free(slot.block);
    }
}

void check_two_threads() {
    int first_failures = 0;
    int second_failures = 0;
    std::thread first(churn, 1U, 300'000, &first_failures);
    std::thread second(churn, 2U, 300'000, &second_failures);
    first.join();
    second.join();
    expect(first_failures == 0 && second_failures == 0,
           "two threads of random traffic: " + std::to_string(first_failures + second_failures) + " damaged blocks");
}

// Runs `misuse` in a child and expects it to die by SIGABRT after saying `message` on stderr.
void expect_stopped(const char* name, const std::function<void()>& misuse, const std::string& message) {
    int pipe_fds[2];
    if (::pipe(pipe_fds) != 0) {
        expect(false, std::string(name) + ": pipe() failed");
        return;
    }
    const pid_t child = ::fork();
    if (child == 0) {
        ::dup2(pipe_fds[1], STDERR_FILENO);
        misuse();
        ::_exit(0);
    }
    ::close(pipe_fds[1]);
    std::string said;
    char buffer[256];
    ssize_t got = 0;
    while ((got = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0) said.append(buffer, static_cast<std::size_t>(got));
    ::close(pipe_fds[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    expect(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, std::string(name) + " stops the process with SIGABRT");
    expect(said.find(message) != std::string::npos, std::string(name) + " says '" + message + "', said: " + said);
}

void check_misuse_is_stopped() {
    expect_stopped("double free", [] {
        void* block = std::malloc(40);
        std::free(block);
        std::free(block);
    }, "keel: heap corruption: double free");
    expect_stopped("free of a foreign pointer", [] {
        alignas(16) static unsigned char not_from_malloc[64] = {};
        std::free(not_from_malloc + 32);
    }, "keel: heap corruption: free() of a pointer not allocated by malloc");
}

}  // namespace

int main() {
    check_malloc_and_usable_size();
    check_calloc();
    check_realloc();
    check_aligned();
    check_two_threads();
    check_misuse_is_stopped();
    std::printf("cases: 6 run, 0 skipped\n");  // the six check_* calls above
    if (failures == 0) std::printf("heap: all checks passed\n");
    return failures == 0 ? 0 : 1;
}
