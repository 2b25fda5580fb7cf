// keel's malloc, linked into the static musl binary only (the host builds keep glibc's, so ASan
// and valgrind still see every allocation there).
//
// Why: musl's mallocng maps and unmaps a page per size-class group and returns memory eagerly.
// Starting keel (CLI11 builds its option objects, the locale its facets) made a few dozen mmap and
// munmap calls for its small objects, a large part of keel's start-up (bench/README.md has the
// figures). keel's heap is small and steady, so a simpler design fits it: per-class free
// lists carved from arenas that are never returned, and a mapping of its own for anything over
// 64 KiB. musl supports replacing malloc this way: its own internal allocations go through
// __libc_malloc, which stays mallocng, and never meet these functions.
//
// Every block has a 16-byte header with a kind tag, so free() and realloc() of a pointer this heap
// did not hand out, or of one already freed, stop the process with a message instead of
// corrupting memory silently.

#include <malloc.h>
#include <sched.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "cli/static_runtime/heap_size_classes.hpp"

namespace {

using keel::heap::alignment;
using keel::heap::class_capacity;
using keel::heap::class_count;
using keel::heap::class_index;
using keel::heap::largest_small;
using keel::heap::round_up;

// Tags that a stray pointer is unlikely to carry by chance.
enum class Kind : std::uint32_t {
    small = 0x6b736d6c,    // from a class free list or an arena
    mapped = 0x6b6d6170,   // its own mmap: size is the mapping's length
    aligned = 0x6b616c67,  // inside a larger block: size is the distance back to that block
    freed = 0x6b667265,
};

struct alignas(alignment) Header {
    std::size_t size;  // small: usable bytes; mapped: mapping length; aligned: offset to inner block
    Kind kind;
    std::uint32_t class_index;
};
static_assert(sizeof(Header) == alignment);

struct FreeBlock {
    FreeBlock* next;
};

constexpr std::size_t page_bytes = 4096;
constexpr std::size_t arena_bytes = std::size_t{256} * 1024;

// Held for a handful of pointer operations; keel has at most two threads (the healthcheck's
// resolver), so yielding is enough when it is taken.
class SpinLock {
public:
    void lock() {
        while (held_.exchange(true, std::memory_order_acquire)) ::sched_yield();
    }
    void unlock() { held_.store(false, std::memory_order_release); }

private:
    std::atomic<bool> held_{false};
};

class LockGuard {
public:
    explicit LockGuard(SpinLock& lock) : lock_(lock) { lock_.lock(); }
    ~LockGuard() { lock_.unlock(); }
    LockGuard(const LockGuard&) = delete;
    LockGuard& operator=(const LockGuard&) = delete;

private:
    SpinLock& lock_;
};

struct Heap {
    SpinLock lock;
    FreeBlock* free_lists[class_count] = {};
    char* arena_next = nullptr;
    char* arena_end = nullptr;
    bool first_arena_used = false;
};

constinit Heap heap;
// The first arena lives in .bss: no system call, and only the pages keel touches cost memory.
alignas(alignment) char first_arena[arena_bytes];

[[noreturn]] void heap_corrupted(const char* what) {
    constexpr char prefix[] = "keel: heap corruption: ";
    (void)!::write(STDERR_FILENO, prefix, sizeof prefix - 1);
    (void)!::write(STDERR_FILENO, what, std::strlen(what));
    (void)!::write(STDERR_FILENO, "\n", 1);
    std::abort();
}

Header* header_of(void* pointer) { return static_cast<Header*>(pointer) - 1; }
void* user_pointer(Header* header) { return header + 1; }

void* map_pages(std::size_t bytes) {
    void* pages = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return pages == MAP_FAILED ? nullptr : pages;
}

// `bytes` (header included) from the current arena, starting a new one when it runs out. The
// old arena's tail is left unused: it was never touched, so it costs address space, not memory.
Header* carve(std::size_t bytes) {
    if (static_cast<std::size_t>(heap.arena_end - heap.arena_next) < bytes) {
        char* arena = nullptr;
        if (!heap.first_arena_used) {
            heap.first_arena_used = true;
            arena = first_arena;
        } else {
            arena = static_cast<char*>(map_pages(arena_bytes));
            if (arena == nullptr) return nullptr;
        }
        heap.arena_next = arena;
        heap.arena_end = arena + arena_bytes;
    }
    auto* header = reinterpret_cast<Header*>(heap.arena_next);
    heap.arena_next += bytes;
    return header;
}

void* allocate_small(std::size_t bytes) {
    const std::size_t index = class_index(bytes);
    Header* header = nullptr;
    {
        const LockGuard guard(heap.lock);
        if (FreeBlock* block = heap.free_lists[index]) {
            heap.free_lists[index] = block->next;
            header = header_of(block);
            if (header->kind != Kind::freed || header->class_index != index) heap_corrupted("free list damaged");
        } else {
            header = carve(sizeof(Header) + class_capacity(index));
            if (header == nullptr) return nullptr;
            header->size = class_capacity(index);
            header->class_index = static_cast<std::uint32_t>(index);
        }
        header->kind = Kind::small;
    }
    return user_pointer(header);
}

void* allocate_mapped(std::size_t bytes) {
    if (bytes > SIZE_MAX - sizeof(Header) - page_bytes) return nullptr;
    const std::size_t length = round_up(sizeof(Header) + bytes, page_bytes);
    auto* header = static_cast<Header*>(map_pages(length));
    if (header == nullptr) return nullptr;
    header->size = length;
    header->kind = Kind::mapped;
    header->class_index = 0;
    return user_pointer(header);
}

void* allocate(std::size_t bytes) {
    void* pointer = bytes <= largest_small ? allocate_small(bytes) : allocate_mapped(bytes);
    if (pointer == nullptr) errno = ENOMEM;
    return pointer;
}

std::size_t usable_size(void* pointer) {
    Header* header = header_of(pointer);
    switch (header->kind) {
        case Kind::small: return header->size;
        case Kind::mapped: return header->size - sizeof(Header);
        case Kind::aligned: return usable_size(static_cast<char*>(pointer) - header->size) - header->size;
        case Kind::freed: heap_corrupted("use of a freed block");
    }
    heap_corrupted("pointer not allocated by malloc");
}

void release(void* pointer) {
    Header* header = header_of(pointer);
    switch (header->kind) {
        case Kind::small: {
            const LockGuard guard(heap.lock);
            header->kind = Kind::freed;
            auto* block = static_cast<FreeBlock*>(pointer);
            block->next = heap.free_lists[header->class_index];
            heap.free_lists[header->class_index] = block;
            return;
        }
        case Kind::mapped:
            header->kind = Kind::freed;
            if (::munmap(header, header->size) != 0) heap_corrupted("munmap of a mapped block failed");
            return;
        case Kind::aligned: {
            char* inner = static_cast<char*>(pointer) - header->size;
            header->kind = Kind::freed;
            release(inner);
            return;
        }
        case Kind::freed: heap_corrupted("double free");
    }
    heap_corrupted("free() of a pointer not allocated by malloc");
}

bool is_power_of_two(std::size_t value) { return value != 0 && (value & (value - 1)) == 0; }

}  // namespace

// The parameter names differ from each libc's header's; NOLINT keeps clang-tidy from asking to
// copy them.
// NOLINTBEGIN(readability-inconsistent-declaration-parameter-name)
extern "C" {

void* malloc(std::size_t bytes) { return allocate(bytes); }

void free(void* pointer) {
    if (pointer != nullptr) release(pointer);
}

void* calloc(std::size_t count, std::size_t size) {
    if (size != 0 && count > SIZE_MAX / size) {
        errno = ENOMEM;
        return nullptr;
    }
    void* pointer = allocate(count * size);
    if (pointer != nullptr) std::memset(pointer, 0, count * size);
    return pointer;
}

void* realloc(void* pointer, std::size_t bytes) {
    if (pointer == nullptr) return allocate(bytes);
    const std::size_t usable = usable_size(pointer);
    // Fits: keep the block, unless it is a big mapping shrinking to less than half.
    const bool mapped = header_of(pointer)->kind == Kind::mapped;
    if (bytes <= usable && (!mapped || bytes > usable / 2)) return pointer;
    void* moved = allocate(bytes);
    if (moved == nullptr) return nullptr;  // the old block stays valid, as C requires
    std::memcpy(moved, pointer, bytes < usable ? bytes : usable);
    release(pointer);
    return moved;
}

// posix_memalign and memalign are musl's, which call this.
void* aligned_alloc(std::size_t align, std::size_t bytes) {
    if (!is_power_of_two(align)) {
        errno = EINVAL;
        return nullptr;
    }
    if (align <= alignment) return allocate(bytes);
    if (bytes > SIZE_MAX - align) {
        errno = ENOMEM;
        return nullptr;
    }
    // The inner block has room for the aligned pointer's own header and `bytes` after it.
    char* inner = static_cast<char*>(allocate(bytes + align));
    if (inner == nullptr) return nullptr;
    const auto inner_address = reinterpret_cast<std::uintptr_t>(inner);
    const std::uintptr_t aligned_address = round_up(inner_address + sizeof(Header), align);
    void* aligned = inner + (aligned_address - inner_address);
    Header* header = header_of(aligned);
    header->size = aligned_address - inner_address;
    header->kind = Kind::aligned;
    header->class_index = 0;
    return aligned;
}

std::size_t malloc_usable_size(void* pointer) { return pointer == nullptr ? 0 : usable_size(pointer); }

}  // extern "C"
// NOLINTEND(readability-inconsistent-declaration-parameter-name)
